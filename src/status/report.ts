/**
 * @module The status report: every source's health (feed, fetches, failure, next turn) and every
 * identity's rel=me verdict, built from the site and the stored timeline. /status.json serves it
 * as is and the /status page puts it into words; it knows neither routes nor rendering.
 */
import { verificationReport } from "../identity/hints.ts";
import { en, type Messages } from "../i18n/en.ts";
import { nextTurn, sourcesPerRun } from "../ingest/refresh.ts";
import type { Failure, FailureKind, Verification } from "../model.ts";
import { NEVER, sourceFeeds, type Site } from "../site.ts";
import { feedOriginOf, type FeedOrigin } from "../sources/origin.ts";
import type { Timeline } from "../store/index.ts";

/** An identity's verdict as /status.json shows it: the stored verdict and its hint in the page's language. */
export type VerificationReport = NonNullable<ReturnType<typeof verificationReport>>;

/** One source's entry on /status.json (and the /status page). */
export interface SourceReport {
  id: string;
  service: string;
  service_name: string;
  label: string;
  url: string;
  feed: string | null;
  feed_origin: FeedOrigin["origin"];
  /** Where the feed came from, in English words (or why there is none); the page words its own from `feed_origin`. */
  feed_note: string;
  identity: boolean;
  last_fetch: string | null;
  last_success: string | null;
  /** The last failure's technical detail, in English; null when the last attempt succeeded. */
  error: string | null;
  http_status: number | null;
  /** The last failure's kind (model.ts `FailureKind`): what the page's words are chosen from. */
  error_kind: FailureKind | null;
  /** Where it failed: reading the feed, or reading the account page to find the feed. */
  error_stage: Failure["stage"] | null;
  warning: string | null;
  failures: number;
  next_attempt: string | null;
  /**
   * When a scheduled run will next fetch it: the later of its turn in the rotation (sources beyond
   * one run's subrequest budget take turns, oldest fetch first) and `next_attempt`; null when it is
   * never fetched (gone, or a link without a feed).
   */
  next_fetch: string | null;
  gone: boolean;
  item_count: number;
  /** New entries left for the next runs, the last one having spent its CPU (a home's first fill). */
  unread: number;
  /** The inbound rel=me verdict for identity accounts; null until checked. */
  verification: VerificationReport | null;
}

export interface StatusReport {
  home: string;
  checked_at: string | null;
  updated_at: string | null;
  item_count: number;
  /** Sources fetched per scheduled run at most, and runs needed to fetch every source once. */
  rotation: { sources_per_run: number; runs_per_cycle: number };
  sources: SourceReport[];
  /** The profile edited in the browser (config/overlay.ts), or null: its version, when, and the fields profile.json changed since that the edit changed too. */
  profile_overlay?: { version: number; saved_at: string; conflicts: string[]; set_aside?: string[] } | null;
}

/**
 * The status of every source, from the timeline (no other KV read). `t` is the language of the
 * verification hints; everything else in the report is data or English detail.
 */
export function statusReport(
  site: Site,
  timeline: Timeline,
  verification: ReadonlyMap<string, Verification> = new Map(),
  t: Messages = en,
  now = new Date(),
): StatusReport {
  const storedById = new Map(timeline.sources.map((entry) => [entry.id, entry]));
  const feeds = sourceFeeds(site, timeline);
  const count = site.sources.length;
  const minutes = site.profile.settings.refreshMinutes;
  const perRun = sourcesPerRun(site.profile.settings, count);
  return {
    home: site.profile.url,
    checked_at: timeline.checkedAt === NEVER ? null : timeline.checkedAt,
    updated_at: timeline.builtAt === NEVER ? null : timeline.builtAt,
    item_count: timeline.items.length,
    rotation: { sources_per_run: Math.min(count, perRun), runs_per_cycle: Math.max(1, Math.ceil(count / perRun)) },
    profile_overlay: site.overlay ? { version: site.overlay.version, saved_at: site.overlay.savedAt, conflicts: site.overlay.conflicts, ...(site.overlay.setAside ? { set_aside: site.overlay.setAside } : {}) } : null,
    sources: site.sources.map((source, index) => {
      const entry = storedById.get(source.id);
      const turn = nextTurn(index, count, now, minutes, perRun).toISOString();
      const fetched = feeds.has(source.id) && !entry?.gone;
      const origin = feedOriginOf(source, entry);
      const failure = entry?.failure;
      return {
        id: source.id,
        service: source.service,
        service_name: source.serviceName,
        label: source.label,
        url: source.url,
        feed: feeds.get(source.id) ?? null,
        feed_origin: origin.origin,
        feed_note: origin.note,
        identity: source.identity,
        last_fetch: entry?.lastFetch ?? null,
        last_success: entry?.lastSuccess ?? null,
        error: failure?.detail ?? null,
        http_status: failure?.status ?? null,
        error_kind: failure?.kind ?? null,
        error_stage: failure?.stage ?? null,
        warning: entry?.warning ?? null,
        failures: entry?.failures ?? 0,
        next_attempt: entry?.nextAttempt ?? null,
        next_fetch: fetched ? (entry?.nextAttempt && entry.nextAttempt > turn ? entry.nextAttempt : turn) : null,
        gone: entry?.gone ?? false,
        item_count: entry?.itemCount ?? 0,
        unread: entry?.unread ?? 0,
        verification: verificationReport(verification.get(source.id), source, site.profile.url, t),
      };
    }),
  };
}
