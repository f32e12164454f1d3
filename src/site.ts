/**
 * @module The site: the validated profile and its resolved sources, built once per isolate, and
 * the per-request view of the timeline (one KV read) with stale-while-revalidate.
 */
import { validateProfile, type Profile } from "./config/index.ts";
import { refresh, type RefreshOptions, type RefreshSummary } from "./ingest/refresh.ts";
import type { Source } from "./model.ts";
import { resolveSources } from "./sources/index.ts";
import { contentHash, readTimeline, type Timeline } from "./store/index.ts";

export interface Site {
  profile: Profile;
  sources: Source[];
  /** Hash of the profile: part of every ETag, so editing profile.json invalidates caches. */
  profileVersion: string;
}

export type SiteResult = { ok: true; site: Site } | { ok: false; problems: string[] };

export function buildSite(profileInput: unknown): SiteResult {
  const result = validateProfile(profileInput);
  if (!result.ok) return result;
  const { profile } = result;
  return { ok: true, site: { profile, sources: resolveSources(profile), profileVersion: contentHash(profile) } };
}

/** An empty timeline, for a home whose feeds have not been fetched yet. */
export function emptyTimeline(): Timeline {
  const epoch = new Date(0).toISOString();
  return { version: "empty", builtAt: epoch, checkedAt: epoch, items: [], sources: [] };
}

/** The feed URL each source is read from now: the stored one (after discovery, 301) or the configured one. */
export function sourceFeeds(site: Site, timeline: Timeline): Map<string, string> {
  const stored = new Map(timeline.sources.map((status) => [status.id, status.feed]));
  const feeds = new Map<string, string>();
  for (const source of site.sources) {
    const feed = stored.get(source.id) ?? source.feed;
    if (feed) feeds.set(source.id, feed);
  }
  return feeds;
}

/**
 * Refreshes in the background when the timeline is older than the refresh interval, at most once
 * per interval per isolate (KV is only written on change, so `checkedAt` may lag: the throttle
 * keeps a busy page from fetching on every request).
 */
export class Refresher {
  private lastStarted = 0;
  private readonly site: Site;
  private readonly options: RefreshOptions;

  constructor(site: Site, options: RefreshOptions = {}) {
    this.site = site;
    this.options = options;
  }

  run(kv: KVNamespace, options: RefreshOptions = {}): Promise<RefreshSummary> {
    this.lastStarted = Date.now();
    return refresh(kv, this.site.profile, this.site.sources, { ...this.options, ...options });
  }

  /** Reads the timeline (one KV read) and schedules a background refresh when it is stale. */
  async timeline(kv: KVNamespace, waitUntil: (promise: Promise<unknown>) => void): Promise<Timeline> {
    const timeline = await readTimeline(kv);
    const interval = this.site.profile.settings.refreshMinutes * 60_000;
    const now = Date.now();
    const stale = !timeline || now - Date.parse(timeline.checkedAt) >= interval;
    if (stale && now - this.lastStarted >= interval) {
      waitUntil(
        this.run(kv).catch((error: unknown) => {
          console.error("background refresh failed:", error instanceof Error ? error.message : String(error));
        }),
      );
    }
    return timeline ?? emptyTimeline();
  }
}
