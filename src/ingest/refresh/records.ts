/**
 * @module A source's next record after each thing a run can meet: a failed fetch, a feed that could
 * not be read, a 304, a read feed, and the three ends of discovery. Each builds the new record as a
 * fresh literal from what it keeps, so no field of an earlier state lingers by accident.
 */
import type { Failure, Item, Source } from "../../model.ts";
import { sameItems, sourceRecord, type SourceRecord } from "../../store/index.ts";
import type { FetchFailure, FetchOutcome } from "../fetch.ts";
import { backoffSeconds, REDISCOVERY_SECONDS } from "./plan.ts";

export type SourceOutcome = "updated" | "unchanged" | "not-modified" | "failed" | "skipped" | "deferred" | "link-only" | "gone";

/** What the run did with one source, and the record it leaves. */
export interface SourceResult {
  record: SourceRecord;
  outcome: SourceOutcome;
  newItems: number;
}

export function emptyRecord(source: Source): SourceRecord {
  return sourceRecord({ id: source.id, account: source.url, failures: 0, items: [] });
}

/** The same record, for an outcome that changes nothing in it (skipped, deferred, link-only, gone). */
export function untouched(record: SourceRecord, outcome: SourceOutcome): SourceResult {
  return { record, outcome, newItems: 0 };
}

/** Where the feed is after fetching `feedUrl`: its URL, the move that led there, and its validators. */
function placeAfter(previous: SourceRecord, source: Source, feedUrl: string, movedTo: string | undefined, now: string) {
  if (movedTo) {
    return { feed: movedTo, movedFrom: source.feed ?? previous.movedFrom, movedAt: now, etag: previous.etag, lastModified: previous.lastModified };
  }
  // Another URL than the record's (the configured feed changed, or a move is checked again): the
  // old URL's validators and move do not apply.
  if (previous.feed !== feedUrl) return { feed: feedUrl, movedFrom: undefined, movedAt: undefined, etag: undefined, lastModified: undefined };
  return { feed: feedUrl, movedFrom: previous.movedFrom, movedAt: previous.movedAt, etag: previous.etag, lastModified: previous.lastModified };
}

/** What a record keeps through any fetch: whose it is, how its feed was found, and its history. */
function history(previous: SourceRecord, source: Source) {
  return {
    id: source.id,
    account: source.url,
    discoveredFrom: previous.discoveredFrom,
    noFeedOn: previous.noFeedOn,
    lastSuccess: previous.lastSuccess,
    items: previous.items,
    fingerprints: previous.fingerprints,
    older: previous.older,
    unread: previous.unread,
    bodyDigest: previous.bodyDigest,
    revision: previous.revision,
  };
}

function retryAt(now: Date, failures: number, refreshMinutes: number, retryAfter?: number): string {
  const wait = Math.max(retryAfter ?? 0, backoffSeconds(failures, refreshMinutes));
  return new Date(now.getTime() + wait * 1000).toISOString();
}

/**
 * The record after a failed fetch of the feed: backed off, its items kept. A 410 stops fetching;
 * a discovered feed that is gone (404/410) sends the source back to its page instead.
 */
export function afterFeedFailure(
  previous: SourceRecord,
  source: Source,
  feedUrl: string,
  outcome: Extract<FetchOutcome, { kind: "failed" }>,
  now: Date,
  refreshMinutes: number,
): SourceResult {
  const failures = previous.failures + 1;
  const nextAttempt = retryAt(now, failures, refreshMinutes, outcome.retryAfter);
  const { detail, status } = outcome.failure;
  const base = { ...history(previous, source), lastFetch: now.toISOString(), failures, nextAttempt, warning: undefined };
  if (previous.discoveredFrom && (status === 404 || status === 410)) {
    const failure: Failure = { ...outcome.failure, stage: "feed", detail: `${detail}: the feed found on the page is gone; the page will be read again` };
    return { record: sourceRecord({ ...base, discoveredFrom: undefined, failure }), outcome: "failed", newItems: 0 };
  }
  if (previous.movedFrom === feedUrl && previous.feed !== feedUrl) {
    // The weekly look at the URL a feed moved from failed: the move stands, looked at again in a week.
    const place = { feed: previous.feed, movedFrom: previous.movedFrom, movedAt: now.toISOString(), etag: previous.etag, lastModified: previous.lastModified };
    return { record: sourceRecord({ ...base, ...place, failure: { ...outcome.failure, stage: "feed" } }), outcome: "failed", newItems: 0 };
  }
  const gone = outcome.failure.kind === "gone";
  const failure: Failure = { ...outcome.failure, stage: "feed", detail: gone ? `${detail}: the feed is gone; no longer fetched, its history is kept` : detail };
  const record = sourceRecord({ ...base, ...placeAfter(previous, source, feedUrl, outcome.movedTo, now.toISOString()), failure, gone: gone || undefined });
  return { record, outcome: gone ? "gone" : "failed", newItems: 0 };
}

/** The record after a body that could not be read as a feed: its validators forgotten, so the next fetch gets a full body. */
export function afterUnreadableFeed(
  previous: SourceRecord,
  source: Source,
  feedUrl: string,
  outcome: Extract<FetchOutcome, { kind: "fetched" }>,
  failure: FetchFailure,
  now: Date,
  refreshMinutes: number,
): SourceResult {
  const failures = previous.failures + 1;
  const place = placeAfter(previous, source, feedUrl, outcome.movedTo, now.toISOString());
  const record = sourceRecord({
    ...history(previous, source),
    ...place,
    etag: undefined,
    lastModified: undefined,
    lastFetch: now.toISOString(),
    failure: { ...failure, stage: "feed" },
    failures,
    nextAttempt: retryAt(now, failures, refreshMinutes),
  });
  return { record, outcome: "failed", newItems: 0 };
}

/** What a successful answer sets: healthy, its validators, its time. */
function healthy(previous: SourceRecord, source: Source, feedUrl: string, outcome: Exclude<FetchOutcome, { kind: "failed" | "budget-spent" }>, now: Date) {
  const nowIso = now.toISOString();
  return {
    ...history(previous, source),
    ...placeAfter(previous, source, feedUrl, outcome.movedTo, nowIso),
    etag: outcome.etag,
    lastModified: outcome.lastModified,
    lastFetch: nowIso,
    lastSuccess: nowIso,
    failures: 0,
  };
}

/** The record after a 304: the items as they were. */
export function afterNotModified(previous: SourceRecord, source: Source, feedUrl: string, outcome: Extract<FetchOutcome, { kind: "not-modified" }>, now: Date): SourceResult {
  return { record: sourceRecord({ ...healthy(previous, source, feedUrl, outcome, now), warning: previous.warning }), outcome: "not-modified", newItems: 0 };
}

/** The record after a 200 whose body is the one read last time (same digest): the items as they were. */
export function afterSameBody(previous: SourceRecord, source: Source, feedUrl: string, outcome: Extract<FetchOutcome, { kind: "fetched" }>, now: Date): SourceResult {
  return { record: sourceRecord({ ...healthy(previous, source, feedUrl, outcome, now), warning: previous.warning }), outcome: "unchanged", newItems: 0 };
}

/** What reading the feed gave (normalise.ts `readFeed`), merged with the source's history. */
export interface ReadFeed {
  /** The feed's items merged with the history, at most `itemsPerSource`. */
  items: Item[];
  /** The feed itself had no items. */
  empty: boolean;
  fingerprints: Record<string, string>;
  older: Record<string, string>;
  lenient?: string;
  /** New entries left for a later run (the run's CPU was spent). */
  unread: number;
  /** The digest of the body and how it was read (recorded only when it was read whole). */
  bodyDigest: string;
}

/** The record after the feed was read. A feed that suddenly lists nothing keeps the earlier items, with a warning. */
export function afterRead(previous: SourceRecord, source: Source, feedUrl: string, outcome: Extract<FetchOutcome, { kind: "fetched" }>, read: ReadFeed, now: Date): SourceResult {
  const base = healthy(previous, source, feedUrl, outcome, now);
  if (read.empty && previous.items.length > 0) {
    const warning = `the feed returned no items; kept ${previous.items.length} earlier ones`;
    return { record: sourceRecord({ ...base, warning }), outcome: "unchanged", newItems: 0 };
  }
  const known = new Set(previous.items.map((item) => item.id));
  const unfinished = read.unread > 0;
  const record = sourceRecord({
    ...base,
    // Entries left unread: no validators, so that the next run gets the whole body and reads on.
    ...(unfinished ? { etag: undefined, lastModified: undefined } : {}),
    warning: read.lenient ? `the feed is not well-formed XML (${read.lenient}); read leniently` : undefined,
    items: read.items,
    fingerprints: read.fingerprints,
    older: Object.keys(read.older).length > 0 ? read.older : undefined,
    unread: unfinished ? read.unread : undefined,
    bodyDigest: unfinished ? undefined : read.bodyDigest,
  });
  const newItems = read.items.filter((item) => !known.has(item.id)).length;
  return { record, outcome: sameItems(read.items, previous.items) ? "unchanged" : "updated", newItems };
}

/** The record after the account page could not be read: backed off, the page read again later. */
export function afterPageFailure(previous: SourceRecord, failure: Failure, retryAfter: number | undefined, now: Date, refreshMinutes: number): SourceResult {
  const failures = previous.failures + 1;
  const record = sourceRecord({
    ...previous,
    lastFetch: now.toISOString(),
    failure: { ...failure, detail: `could not read the page to find its feed (${failure.detail})` },
    failures,
    nextAttempt: retryAt(now, failures, refreshMinutes, retryAfter),
  });
  return { record, outcome: "failed", newItems: 0 };
}

/** The record after the account page named no feed: a plain link, the page read again in a week. */
export function afterPageWithoutFeed(previous: SourceRecord, page: string, now: Date): SourceResult {
  const record = sourceRecord({
    id: previous.id,
    account: previous.account,
    noFeedOn: page,
    lastFetch: now.toISOString(),
    lastSuccess: previous.lastSuccess,
    failures: 0,
    nextAttempt: new Date(now.getTime() + REDISCOVERY_SECONDS * 1000).toISOString(),
    items: previous.items,
    fingerprints: previous.fingerprints,
    older: previous.older,
  });
  return { record, outcome: "link-only", newItems: 0 };
}

/** The record after the account page named its feed: remembered, to be fetched now or next run. */
export function afterFeedFound(previous: SourceRecord, feed: string, page: string, now: Date): SourceResult {
  const sameFeed = previous.feed === feed;
  const record = sourceRecord({
    id: previous.id,
    account: previous.account,
    feed,
    discoveredFrom: page,
    etag: sameFeed ? previous.etag : undefined,
    lastModified: sameFeed ? previous.lastModified : undefined,
    lastFetch: now.toISOString(),
    lastSuccess: previous.lastSuccess,
    failures: 0,
    items: previous.items,
    fingerprints: previous.fingerprints,
    older: previous.older,
  });
  return { record, outcome: "updated", newItems: 0 };
}
