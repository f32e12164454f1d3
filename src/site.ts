/**
 * @module The site: the validated profile and its resolved sources, built once per isolate, and
 * the per-request view of the timeline (kept in isolate memory for a minute, else one KV read), and
 * the background refresh when the cron has stopped.
 */
import { validateProfile, type Profile } from "./config/index.ts";
import { HEARTBEAT_SECONDS, refresh, type RefreshOptions, type RefreshSummary } from "./ingest/refresh.ts";
import type { Source } from "./model.ts";
import { resolveSources } from "./sources/index.ts";
import { contentHash, readTimelineText, type Timeline } from "./store/index.ts";

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
 * How long an isolate keeps the parsed timeline in memory. KV itself is eventually consistent
 * (~60 s), so this adds at most a minute of staleness and takes the KV read and the JSON parse
 * (which grow with the number of items) off almost every request.
 */
export const TIMELINE_MEMORY_SECONDS = 60;

/**
 * The timeline for requests, and the refresh trigger. Requests read the timeline from isolate
 * memory when it was read less than `TIMELINE_MEMORY_SECONDS` ago, else from KV (one read, shared
 * by concurrent requests). The cron refreshes every interval; a request starts a background refresh
 * only when nothing is stored yet or the timeline has missed its heartbeat (the cron has evidently
 * stopped), at most once per interval per isolate: KV is written only on change, so `checkedAt`
 * legitimately lags by up to `HEARTBEAT_SECONDS`, and treating that as stale would make every
 * isolate re-read every source's record once per interval.
 */
export class Refresher {
  private lastStarted = 0;
  private readonly site: Site;
  private readonly options: RefreshOptions;
  private memory: { timeline: Promise<Timeline | null>; readAt: number; value?: Timeline } | undefined;
  /** The last timeline parsed and its text: an unchanged key is not parsed again (it can be MBs). */
  private parsed: { text: string; timeline: Timeline } | undefined;

  constructor(site: Site, options: RefreshOptions = {}) {
    this.site = site;
    this.options = options;
  }

  async run(kv: KVNamespace, options: RefreshOptions = {}): Promise<RefreshSummary> {
    this.lastStarted = Date.now();
    try {
      // A request or the owner started it unless the cron says otherwise: it takes the refresh lease.
      return await refresh(kv, this.site.profile, this.site.sources, { lease: true, ...this.options, ...options });
    } finally {
      // This isolate just wrote (or confirmed) the timeline: the next request reads it afresh.
      this.memory = undefined;
    }
  }

  /** The stored timeline, from memory when fresh enough (at most one KV read per request). */
  private stored(kv: KVNamespace, now: number): Promise<Timeline | null> {
    if (this.memory && now - this.memory.readAt < TIMELINE_MEMORY_SECONDS * 1000) return this.memory.timeline;
    const timeline = this.read(kv);
    const entry: { timeline: Promise<Timeline | null>; readAt: number; value?: Timeline } = { timeline, readAt: now };
    this.memory = entry;
    timeline.then(
      (value) => {
        if (value) entry.value = value;
      },
      // A failed read is not remembered: the next request tries KV again.
      () => {
        if (this.memory === entry) this.memory = undefined;
      },
    );
    return timeline;
  }

  /**
   * Reads the timeline key; when its text is the one parsed last, gives that same object back: no
   * parse, and every cache keyed on it (rendered answers, verdicts) stays warm.
   */
  private async read(kv: KVNamespace): Promise<Timeline | null> {
    const text = await readTimelineText(kv);
    if (text === null) return null;
    if (this.parsed?.text === text) return this.parsed.timeline;
    const timeline = JSON.parse(text) as Timeline;
    this.parsed = { text, timeline };
    return timeline;
  }

  /**
   * The timeline when `timeline()` would give it without waiting: read, in memory and fresh, with
   * no refresh to start. Lets a request be answered without a turn of the event loop.
   */
  current(now = Date.now()): Timeline | undefined {
    const memory = this.memory;
    if (!memory?.value || now - memory.readAt >= TIMELINE_MEMORY_SECONDS * 1000 || this.stale(memory.value, now)) return undefined;
    return memory.value;
  }

  /** True when nothing is stored or the timeline missed its heartbeat (the cron has evidently stopped). */
  private stale(timeline: Timeline | null, now: number): boolean {
    const interval = this.site.profile.settings.refreshMinutes * 60_000;
    return !timeline || now - Date.parse(timeline.checkedAt) >= HEARTBEAT_SECONDS * 1000 + interval;
  }

  /** The timeline for a request; schedules a background refresh when the cron has not kept it fresh. */
  async timeline(kv: KVNamespace, waitUntil: (promise: Promise<unknown>) => void): Promise<Timeline> {
    const now = Date.now();
    const timeline = await this.stored(kv, now);
    if (this.stale(timeline, now) && now - this.lastStarted >= this.site.profile.settings.refreshMinutes * 60_000) {
      waitUntil(
        this.run(kv).catch((error: unknown) => {
          console.error("background refresh failed:", error instanceof Error ? error.message : String(error));
        }),
      );
    }
    return timeline ?? emptyTimeline();
  }
}
