/**
 * @module The site: the validated profile, its resolved sources and the files drawn from it (the
 * stylesheet, the favicon, the QR code), built once per isolate; and the one call that refreshes
 * its sources. The timeline requests read lives in timeline-cache.ts.
 */
import { renderSVG } from "uqr";
import { validateProfile, type Profile } from "./config/index.ts";
import type { OverlayState } from "./config/overlay.ts";
import { refresh, type RefreshOptions, type RefreshSummary } from "./ingest/refresh.ts";
import type { Source } from "./model.ts";
import { OWN_SOURCE_ID } from "./posts/types.ts";
import { faviconFor, type Favicon } from "./render/favicon.ts";
import { stylesheetFor, type Stylesheet } from "./render/style.ts";
import { resolveSources } from "./sources/index.ts";
import { contentHash, type Timeline } from "./store/index.ts";

export interface Site {
  profile: Profile;
  sources: Source[];
  /** The owner's own posts, as a source of the timeline (not an account: no rel=me, never fetched). */
  own: Source;
  /** Hash of the profile: part of every ETag, so editing profile.json invalidates caches. */
  profileVersion: string;
  /** The page's stylesheet (base + accent) at its fingerprinted path. */
  stylesheet: Stylesheet;
  /** The monogram favicon at its fingerprinted path. */
  favicon: Favicon;
  /** The home URL as a QR code (SVG), drawn on first use (~2 ms of CPU kept off the module load). */
  qrCode(): string;
  /** The profile edited in the browser this site was built with (config/overlay.ts), or null. */
  overlay: OverlayState | null;
}

export type SiteResult = { ok: true; site: Site } | { ok: false; problems: string[] };

/**
 * Validates the profile and builds the site. It runs at module load, where a throw would take
 * every route and the cron down: anything thrown is one problem, shown on the config-error page.
 */
export function buildSite(profileInput: unknown, overlay: OverlayState | null = null): SiteResult {
  try {
    const result = validateProfile(profileInput);
    if (!result.ok) return result;
    const { profile } = result;
    let qrCode: string | undefined;
    return {
      ok: true,
      site: {
        profile,
        sources: resolveSources(profile),
        own: ownSource(profile),
        // The overlay's state is shown on /status: a change of it is a change of the site.
        profileVersion: overlay ? contentHash([profile, overlay]) : contentHash(profile),
        stylesheet: stylesheetFor(profile),
        favicon: faviconFor(profile),
        qrCode: () => (qrCode ??= renderSVG(profile.url, { ecc: "M", border: 2, pixelSize: 8 })),
        overlay,
      },
    };
  } catch (error) {
    return { ok: false, problems: [`profile.json could not be read: ${error instanceof Error ? error.message : String(error)}`] };
  }
}

/** The source of the owner's posts: the home itself, under the owner's name. */
function ownSource(profile: Profile): Source {
  return {
    id: OWN_SOURCE_ID,
    url: profile.url,
    label: profile.name,
    service: "home",
    serviceName: profile.name,
    feed: new URL(`/feeds/${OWN_SOURCE_ID}.xml`, profile.url).href,
    feedOrigin: "none",
    identity: false,
    authn: false,
    icon: "feed",
    fediverse: false,
  };
}

/** Every source an item can name: the accounts and the owner's posts. */
export function itemSources(site: Site): Map<string, Source> {
  return new Map([...site.sources, site.own].map((source) => [source.id, source]));
}

/** The time stored for "never" (an empty timeline's dates); shown as null or as now, never as 1970. */
export const NEVER = new Date(0).toISOString();

/** An empty timeline, for a home whose feeds have not been fetched yet. */
export function emptyTimeline(): Timeline {
  return { version: "empty", builtAt: NEVER, checkedAt: NEVER, items: [], sources: [] };
}

/** The feed URL each source is read from now: the stored one (after discovery, 301) or the configured one. */
export function sourceFeeds(site: Site, timeline: Timeline): Map<string, string> {
  const stored = new Map(timeline.sources.map((status) => [status.id, status.feed]));
  const feeds = new Map<string, string>();
  for (const source of [...site.sources, site.own]) {
    const feed = stored.get(source.id) ?? source.feed;
    if (feed) feeds.set(source.id, feed);
  }
  return feeds;
}

/** Refreshes the site's sources: the one call of `refresh`, for the cron, admin and the background refresh. */
export function refreshSite(kv: KVNamespace, site: Site, options: RefreshOptions): Promise<RefreshSummary> {
  return refresh(kv, site.profile, site.sources, options);
}
