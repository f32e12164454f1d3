/**
 * @module The refresh run: which sources are due, fetching them within the subrequest budget,
 * turning each answer into the source's new record, and rebuilding the timeline — writing to KV
 * only what changed. Called by the cron, by stale-while-revalidate and by POST /admin/refresh.
 */
import type { Profile } from "../config/index.ts";
import type { Source } from "../model.ts";
import {
  contentHash,
  readSource,
  readTimeline,
  sameContent,
  statusOf,
  writeSource,
  writeTimeline,
  type IdentityRecord,
  type SourceRecord,
  type Timeline,
} from "../store/index.ts";
import { decodeFeed } from "./decode.ts";
import { discoverFeed } from "./discover.ts";
import { FEED_ACCEPT, politeFetch, userAgentFor, type FetchOutcome } from "./fetch.ts";
import { mergeTimeline, readFeed } from "./normalise.ts";
import { FeedError } from "./parse.ts";

/** Workers Free allows 50 subrequests per invocation; KV calls have their own limit. */
export const SUBREQUEST_BUDGET = 50;
/** Workers allow 6 simultaneous outgoing connections. */
const CONCURRENCY = 6;
const MAX_REDIRECTS = 5;
const MAX_BACKOFF_SECONDS = 24 * 3600;
/** A page where discovery found no feed is read again this often: pages gain feeds rarely. */
export const REDISCOVERY_SECONDS = 7 * 24 * 3600;
/** A no-change refresh still records that it ran, this often, so /status stays truthful. */
export const HEARTBEAT_SECONDS = 6 * 3600;

export interface RefreshOptions {
  now?: Date;
  fetcher?: typeof fetch;
  /** Subrequests this invocation may spend on feeds. */
  budget?: number;
  /** Ignore backoff and Retry-After (an explicit owner refresh still respects `gone`). */
  force?: boolean;
  /** New rel=me verdicts from this cron's verification, stored with the timeline in the same put. */
  identity?: IdentityRecord;
  /** The stored timeline, when the caller has just read it (the cron, for the verdicts): not read again. */
  timeline?: Timeline | null;
}

export type SourceOutcome = "updated" | "unchanged" | "not-modified" | "failed" | "skipped" | "deferred" | "link-only" | "gone";

export interface RefreshSummary {
  startedAt: string;
  subrequests: number;
  kvReads: number;
  kvWrites: number;
  sources: { id: string; outcome: SourceOutcome; items: number; error?: string; newItems?: number }[];
  timelineWritten: boolean;
}

/** Seconds to wait after `failures` consecutive failures: the refresh interval, doubled each time. */
export function backoffSeconds(failures: number, refreshMinutes: number): number {
  return Math.min(refreshMinutes * 60 * 2 ** Math.max(0, failures - 1), MAX_BACKOFF_SECONDS);
}

/** The feed URL to fetch: a remembered 301 target replaces the configured one it came from. */
export function feedToFetch(source: Source, record: SourceRecord | null): string | undefined {
  if (record?.movedFrom && record.feed && record.movedFrom === source.feed) return record.feed;
  return source.feed ?? record?.feed;
}

/** Thrown by the budgeted fetcher; the source waits for the next run instead of failing. */
class BudgetExhausted extends Error {}

function emptyRecord(source: Source): SourceRecord {
  return { id: source.id, failures: 0, items: [] };
}

async function ingest(
  source: Source,
  previous: SourceRecord,
  feedUrl: string,
  outcome: FetchOutcome,
  profile: Profile,
  now: Date,
): Promise<{ record: SourceRecord; outcome: SourceOutcome; newItems: number }> {
  const nowIso = now.toISOString();
  const base: SourceRecord = { ...previous, id: source.id, feed: feedUrl, lastFetch: nowIso };
  if (outcome.movedTo) {
    base.movedFrom = source.feed ?? previous.movedFrom;
    base.feed = outcome.movedTo;
  } else if (previous.feed !== feedUrl) {
    // The configured feed changed: validators of the old URL do not apply.
    delete base.movedFrom;
    delete base.etag;
    delete base.lastModified;
  }
  const fail = (error: string, extra: Partial<SourceRecord> = {}, retryAfter?: number): { record: SourceRecord; outcome: SourceOutcome; newItems: number } => {
    const failures = previous.failures + 1;
    const wait = Math.max(retryAfter ?? 0, backoffSeconds(failures, profile.settings.refreshMinutes));
    const record: SourceRecord = { ...base, ...extra, error, failures, nextAttempt: new Date(now.getTime() + wait * 1000).toISOString() };
    delete record.warning;
    return { record, outcome: extra.gone ? "gone" : "failed", newItems: 0 };
  };

  if (outcome.kind === "failed") {
    const extra: Partial<SourceRecord> = {};
    if (outcome.status !== undefined) extra.httpStatus = outcome.status;
    else delete base.httpStatus;
    if (outcome.gone) extra.gone = true;
    const error = outcome.gone ? `${outcome.error}: the feed is gone; no longer fetched, its history is kept` : outcome.error;
    return fail(error, extra, outcome.retryAfter);
  }

  const healthy: SourceRecord = { ...base, lastSuccess: nowIso, failures: 0 };
  delete healthy.error;
  delete healthy.httpStatus;
  delete healthy.nextAttempt;
  delete healthy.gone;
  if (outcome.etag) healthy.etag = outcome.etag;
  else delete healthy.etag;
  if (outcome.lastModified) healthy.lastModified = outcome.lastModified;
  else delete healthy.lastModified;
  if (outcome.kind === "not-modified") return { record: healthy, outcome: "not-modified", newItems: 0 };

  let read: Awaited<ReturnType<typeof readFeed>>;
  try {
    const previousById = new Map(previous.items.map((item) => [item.id, item]));
    const context = {
      source,
      feedUrl: outcome.url,
      now,
      previous: previousById,
      ...(previous.fingerprints ? { fingerprints: previous.fingerprints } : {}),
      ...(previous.older ? { older: previous.older } : {}),
    };
    read = await readFeed(decodeFeed(outcome.body, outcome.contentType), context, profile.settings.itemsPerSource);
  } catch (error) {
    const reason = error instanceof FeedError ? error.message : `could not be read (${(error as Error).message})`;
    // A broken body is a failure of this fetch: forget validators so the next one gets a full body.
    delete base.etag;
    delete base.lastModified;
    return fail(reason);
  }
  const { items: fresh, fingerprints, older, lenient } = read;
  if (fresh.length === 0 && previous.items.length > 0) {
    healthy.warning = `the feed returned no items; kept ${previous.items.length} earlier ones`;
    return { record: healthy, outcome: "unchanged", newItems: 0 };
  }
  if (lenient) healthy.warning = `the feed is not well-formed XML (${lenient}); read leniently`;
  else delete healthy.warning;
  const knownIds = new Set(previous.items.map((item) => item.id));
  const newItems = fresh.filter((item) => !knownIds.has(item.id)).length;
  // The feed shows a window of recent posts; older ones stay as history, up to the cap.
  healthy.items = mergeTimeline([fresh, previous.items], profile.settings.itemsPerSource);
  healthy.fingerprints = fingerprints;
  if (Object.keys(older).length > 0) healthy.older = older;
  else delete healthy.older;
  return { record: healthy, outcome: sameContent(healthy.items, previous.items) ? "unchanged" : "updated", newItems };
}

/** Runs `tasks` at most `limit` at a time. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, tasks.length) }, async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  });
  await Promise.all(workers);
  return results;
}

/** The refresh interval `now` falls in, counted from the epoch: one rotation step per interval. */
export function rotationSlot(now: Date, refreshMinutes: number): number {
  return Math.floor(now.getTime() / (refreshMinutes * 60_000));
}

/**
 * Where a run at `now` starts in the configured list of sources. When every source fits in the
 * budget, at 0. Otherwise each interval starts `budget` sources further on, so over
 * ⌈count / budget⌉ runs every source gets its turn and each run fetches the ones fetched longest
 * ago — derived from the clock, so the rotation costs no KV write (a source's `lastFetch` is only
 * stored when its content changes, so it cannot drive the order).
 */
export function rotationStart(count: number, now: Date, refreshMinutes: number, budget: number): number {
  if (count <= budget || budget <= 0) return 0;
  return (rotationSlot(now, refreshMinutes) * budget) % count;
}

/**
 * The start of the interval in which the rotation next reaches the source at `index` (its
 * position in the configured list), after the run at `now`.
 */
export function nextTurn(index: number, count: number, now: Date, refreshMinutes: number, budget: number): Date {
  const interval = refreshMinutes * 60_000;
  const slot = rotationSlot(now, refreshMinutes);
  const cycle = budget > 0 ? Math.ceil(count / budget) : 1;
  for (let ahead = 1; ahead <= cycle + 1; ahead++) {
    const at = new Date((slot + ahead) * interval);
    const start = rotationStart(count, at, refreshMinutes, budget);
    if ((index - start + count) % count < Math.max(budget, 1)) return at;
  }
  return new Date((slot + 1) * interval);
}

/** Whether a source with this record should be fetched in a run at `now`. */
export function isDue(record: SourceRecord | null, now: Date, force: boolean): boolean {
  if (record?.gone) return false;
  if (force || !record?.nextAttempt) return true;
  return record.nextAttempt <= now.toISOString();
}

/**
 * Refreshes the profile's sources and the timeline. Never throws for a source's failure; a KV
 * failure propagates (the previous timeline stays readable, since it is replaced in one put).
 *
 * @example
 * ctx.waitUntil(refresh(env.M2_KV, profile, resolveSources(profile)));
 */
export async function refresh(kv: KVNamespace, profile: Profile, sources: Source[], options: RefreshOptions = {}): Promise<RefreshSummary> {
  const now = options.now ?? new Date();
  const budget = options.budget ?? SUBREQUEST_BUDGET;
  const fetcher = options.fetcher ?? fetch;
  let kvReads = 0;
  let kvWrites = 0;
  let subrequests = 0;

  let timeline = options.timeline;
  if (timeline === undefined) {
    timeline = await readTimeline(kv);
    kvReads++;
  }
  const previous = await Promise.all(sources.map((source) => readSource(kv, source.id)));
  kvReads += sources.length;

  const budgeted: typeof fetch = (input, init) => {
    if (subrequests >= budget) return Promise.reject(new BudgetExhausted("subrequest budget spent"));
    subrequests++;
    return fetcher(input, init);
  };

  // Oldest fetch first: each run starts where the previous one's window ended (see rotationStart).
  // The window moves by the full budget even when this run has less (identity verification took
  // a share): the sources it cannot reach wait one cycle rather than shift every later window.
  const start = rotationStart(sources.length, now, profile.settings.refreshMinutes, SUBREQUEST_BUDGET);
  const rotated = sources.map((_, position) => {
    const index = (start + position) % sources.length;
    return { source: sources[index]!, record: previous[index] ?? null };
  });
  // Sources never fetched yet (new, or deferred by the budget before their first fetch) go first.
  const order = [...rotated.filter(({ record }) => !record?.lastFetch), ...rotated.filter(({ record }) => record?.lastFetch)];

  const userAgent = userAgentFor(profile.url);
  const results = new Map<string, { record: SourceRecord; outcome: SourceOutcome; newItems: number }>();
  const tasks = order.map(({ source, record }) => async () => {
    let current = record ?? emptyRecord(source);
    let feedUrl = feedToFetch(source, record);
    if (!feedUrl && source.feedOrigin === "discover") {
      if (!isDue(record, now, options.force ?? false)) {
        return results.set(source.id, { record: current, outcome: record?.noFeedOn ? "link-only" : "skipped", newItems: 0 });
      }
      if (subrequests >= budget) return results.set(source.id, { record: current, outcome: "deferred", newItems: 0 });
      const found = await discover(source, current);
      if (!found.feed) return results.set(source.id, found.result);
      // Found: fetch it in the same run when the budget allows, else next run (the find is kept).
      current = found.result.record;
      feedUrl = found.feed;
      if (subrequests >= budget) return results.set(source.id, { record: current, outcome: "deferred", newItems: 0 });
    }
    if (!feedUrl) return results.set(source.id, { record: current, outcome: "link-only", newItems: 0 });
    if (record?.gone && feedUrl === record.feed) return results.set(source.id, { record: current, outcome: "gone", newItems: 0 });
    if (!isDue(record?.feed === feedUrl ? record : null, now, options.force ?? false)) {
      return results.set(source.id, { record: current, outcome: "skipped", newItems: 0 });
    }
    if (subrequests >= budget) return results.set(source.id, { record: current, outcome: "deferred", newItems: 0 });
    const outcome = await politeFetch(feedUrl, {
      userAgent,
      accept: FEED_ACCEPT,
      timeoutMs: profile.settings.fetchTimeoutSeconds * 1000,
      maxBytes: profile.settings.maxFeedBytes,
      maxRedirects: MAX_REDIRECTS,
      validators: record?.feed === feedUrl ? { etag: record.etag, lastModified: record.lastModified } : undefined,
      fetcher: budgeted,
      now: now.getTime(),
    });
    if (outcome.kind === "failed" && outcome.error.includes("subrequest budget spent")) {
      return results.set(source.id, { record: current, outcome: "deferred", newItems: 0 });
    }
    const result = await ingest(source, current, feedUrl, outcome, profile, now);
    if (current.discoveredFrom && outcome.kind === "failed" && (outcome.status === 404 || outcome.status === 410)) {
      // A discovered feed that vanished: read the page again (after the backoff) rather than give up.
      delete result.record.feed;
      delete result.record.discoveredFrom;
      delete result.record.gone;
      delete result.record.movedFrom;
      result.record.error = `${outcome.error}: the feed found on the page is gone; the page will be read again`;
    }
    results.set(source.id, result);
  });

  /** Reads the account page for its feed; the answer is remembered in the source's record. */
  async function discover(source: Source, current: SourceRecord): Promise<{ feed?: string; result: { record: SourceRecord; outcome: SourceOutcome; newItems: number } }> {
    const nowIso = now.toISOString();
    const outcome = await discoverFeed(source.url, { userAgent, timeoutMs: profile.settings.fetchTimeoutSeconds * 1000, fetcher: budgeted, maxRedirects: MAX_REDIRECTS });
    if (outcome.kind === "failed") {
      if (outcome.error.includes("subrequest budget spent")) return { result: { record: current, outcome: "deferred", newItems: 0 } };
      const failures = current.failures + 1;
      const wait = Math.max(outcome.retryAfter ?? 0, backoffSeconds(failures, profile.settings.refreshMinutes));
      const record: SourceRecord = {
        ...current,
        lastFetch: nowIso,
        failures,
        error: `could not read the page to find its feed (${outcome.error})`,
        nextAttempt: new Date(now.getTime() + wait * 1000).toISOString(),
        ...(outcome.status !== undefined ? { httpStatus: outcome.status } : {}),
      };
      return { result: { record, outcome: "failed", newItems: 0 } };
    }
    const record: SourceRecord = { ...current, lastFetch: nowIso, failures: 0 };
    delete record.error;
    delete record.httpStatus;
    delete record.nextAttempt;
    if (outcome.kind === "none") {
      delete record.feed;
      delete record.discoveredFrom;
      record.noFeedOn = outcome.page;
      record.nextAttempt = new Date(now.getTime() + REDISCOVERY_SECONDS * 1000).toISOString();
      return { result: { record, outcome: "link-only", newItems: 0 } };
    }
    delete record.noFeedOn;
    record.feed = outcome.feed;
    record.discoveredFrom = outcome.page;
    return { feed: outcome.feed, result: { record, outcome: "updated", newItems: 0 } };
  }
  await pool(tasks, CONCURRENCY);

  const records = sources.map((source, index) => results.get(source.id)?.record ?? previous[index] ?? emptyRecord(source));
  const summary: RefreshSummary = { startedAt: now.toISOString(), subrequests, kvReads, kvWrites, sources: [], timelineWritten: false };

  for (const [index, source] of sources.entries()) {
    const record = records[index]!;
    const result = results.get(source.id)!;
    const before = previous[index];
    if (!before ? record.lastFetch !== undefined || record.items.length > 0 : !sameContent(record, before)) {
      await writeSource(kv, record);
      kvWrites++;
    }
    summary.sources.push({
      id: source.id,
      outcome: result.outcome,
      items: record.items.length,
      ...(record.error && result.outcome !== "skipped" ? { error: record.error } : {}),
      ...(result.newItems ? { newItems: result.newItems } : {}),
    });
  }

  const statuses = records.map(statusOf);
  const changed = !timeline || !sameContent(statuses, timeline.sources);
  const heartbeatDue = !timeline || now.getTime() - Date.parse(timeline.checkedAt) >= HEARTBEAT_SECONDS * 1000;
  const identity = options.identity ?? timeline?.identity;
  if (changed || heartbeatDue || options.identity) {
    const items = changed ? mergeTimeline(records.map((record) => record.items), profile.settings.maxItems) : timeline!.items;
    const next: Timeline = {
      version: changed ? contentHash({ items, statuses }) : timeline!.version,
      builtAt: changed ? now.toISOString() : timeline!.builtAt,
      checkedAt: now.toISOString(),
      items,
      sources: statuses,
      ...(identity ? { identity } : {}),
    };
    await writeTimeline(kv, next);
    kvWrites++;
    summary.timelineWritten = true;
  }
  summary.kvWrites = kvWrites;
  return summary;
}
