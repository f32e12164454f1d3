/**
 * @module One source's turn in a refresh run, in named steps: find its feed on the account page
 * when it has none (discover), fetch the feed within the budget (fetch), and turn the answer into
 * the source's next record (read). Never throws: every failure is in the record it gives back.
 */
import type { Profile } from "../../config/index.ts";
import { hexOf } from "../../hash.ts";
import type { Source } from "../../model.ts";
import { boundRecord, type SourceRecord } from "../../store/index.ts";
import type { SubrequestBudget, WorkBudget } from "../budget.ts";
import { decodeFeed } from "../decode.ts";
import { discoverFeed } from "../discover.ts";
import { FEED_ACCEPT, politeFetch, type FetchOutcome } from "../fetch.ts";
import { mergeTimeline } from "../merge.ts";
import { readFeed, readingVersion } from "../normalise.ts";
import { FeedError } from "../parse.ts";
import { feedToFetch, isDue } from "./plan.ts";
import {
  afterFeedFailure,
  afterFeedFound,
  afterNotModified,
  afterPageFailure,
  afterPageWithoutFeed,
  afterRead,
  afterSameBody,
  afterUnreadableFeed,
  emptyRecord,
  untouched,
  type SourceResult,
} from "./records.ts";

const MAX_REDIRECTS = 5;

/** What every source's turn in one run shares. */
export interface RunContext {
  profile: Profile;
  now: Date;
  force: boolean;
  budget: SubrequestBudget;
  /** The CPU the run may still spend, by estimate: no source starts, and no entry is read, past it. */
  work: WorkBudget;
  userAgent: string;
  /** `Date.now()` after which no fetch starts, and before which every fetch ends (request-triggered runs). */
  deadline?: number;
}

/** The timeout a fetch starting now gets: the profile's, cut to what is left before the run's deadline (≤ 0: none left). */
function timeoutMs(run: RunContext): number {
  const configured = run.profile.settings.fetchTimeoutSeconds * 1000;
  return run.deadline === undefined ? configured : Math.min(configured, run.deadline - Date.now());
}

/** No subrequest, no CPU or no time left for another fetch: the source waits for the next run. */
function mustWait(run: RunContext): boolean {
  return !run.budget.left || !run.work.canStart || timeoutMs(run) <= 0;
}

/** A digest of a body and of how m2 reads it: the same body read the same way gives the same items. */
async function digestOf(body: Uint8Array, limit: number): Promise<string> {
  // SHA-1 as a fingerprint, not for security: the runtime's native digest costs the isolate no CPU to speak of.
  return `${hexOf(new Uint8Array(await crypto.subtle.digest("SHA-1", body)))}.${await readingVersion()}.${limit}`;
}

/** Reads the account page for its feed; the answer is remembered in the source's record. */
async function discover(current: SourceRecord, source: Source, run: RunContext): Promise<{ result: SourceResult; feed?: string }> {
  const outcome = await discoverFeed(source.url, { userAgent: run.userAgent, timeoutMs: timeoutMs(run), fetcher: run.budget.fetch, maxRedirects: MAX_REDIRECTS });
  switch (outcome.kind) {
    case "budget-spent":
      return { result: untouched(current, "deferred") };
    case "failed":
      return { result: afterPageFailure(current, outcome.failure, outcome.retryAfter, run.now, run.profile.settings.refreshMinutes) };
    case "none":
      return { result: afterPageWithoutFeed(current, outcome.page, run.now) };
    case "found":
      return { result: afterFeedFound(current, outcome.feed, outcome.page, run.now), feed: outcome.feed };
  }
}

/** Fetches the feed, conditionally when the stored validators belong to this URL. */
function fetchFeed(feedUrl: string, stored: SourceRecord | null, run: RunContext): Promise<FetchOutcome> {
  return politeFetch(feedUrl, {
    userAgent: run.userAgent,
    accept: FEED_ACCEPT,
    timeoutMs: timeoutMs(run),
    maxBytes: run.profile.settings.maxFeedBytes,
    maxRedirects: MAX_REDIRECTS,
    validators: stored?.feed === feedUrl ? { etag: stored.etag, lastModified: stored.lastModified } : undefined,
    fetcher: run.budget.fetch,
    now: run.now.getTime(),
  });
}

/**
 * Turns a fetched body into the source's next record: the body read last time is not read again;
 * otherwise its new entries are read (as many as the run's CPU affords), merged with its history,
 * bounded in size.
 */
async function read(current: SourceRecord, source: Source, feedUrl: string, outcome: Extract<FetchOutcome, { kind: "fetched" }>, run: RunContext): Promise<SourceResult> {
  const { itemsPerSource, refreshMinutes } = run.profile.settings;
  run.work.spendFetch(outcome.body.byteLength);
  // Claimed before anything is awaited: reads that run at once never count the same milliseconds.
  // At most the body's length (a small feed leaves the rest to the others), and at least one
  // character, so that 0 means the run has nothing left, never that the body is empty.
  const claimed = run.work.claim(Math.max(outcome.body.byteLength, 1));
  const bodyDigest = await digestOf(outcome.body, itemsPerSource);
  if (bodyDigest === current.bodyDigest && current.feed === feedUrl) {
    run.work.settle(claimed, 0);
    return afterSameBody(current, source, feedUrl, outcome, run.now);
  }
  // Nothing left to read with: even the feed's frame is not parsed; the next run fetches it again.
  if (claimed === 0) return untouched(current, "deferred");
  let feed: Awaited<ReturnType<typeof readFeed>>;
  try {
    const context = {
      source,
      feedUrl: outcome.url,
      now: run.now,
      previous: new Map(current.items.map((item) => [item.id, item])),
      ...(current.fingerprints ? { fingerprints: current.fingerprints } : {}),
      ...(current.older ? { older: current.older } : {}),
    };
    feed = await readFeed(decodeFeed(outcome.body, outcome.contentType), context, itemsPerSource, claimed);
  } catch (error) {
    // A body that could not be read was read whole, or near enough.
    run.work.settle(claimed, outcome.body.byteLength);
    const failure = error instanceof FeedError ? { kind: error.kind, detail: error.message } : { kind: "unreadable" as const, detail: `could not be read (${(error as Error).message})` };
    return afterUnreadableFeed(current, source, feedUrl, outcome, failure, run.now, refreshMinutes);
  }
  run.work.settle(claimed, feed.readChars);
  // The feed shows a window of recent posts; older ones stay as history, up to the cap.
  const items = mergeTimeline([feed.items, current.items], itemsPerSource);
  const result = afterRead(current, source, feedUrl, outcome, { ...feed, items, empty: feed.items.length === 0 && feed.unread === 0, bodyDigest }, run.now);
  return result.outcome === "updated" ? { ...result, record: boundRecord(result.record) } : result;
}

/**
 * One source's turn: discover (when its feed is unknown), then fetch and read, as far as the
 * budget, the backoff and the run's deadline allow.
 */
export async function refreshSource(source: Source, stored: SourceRecord | null, run: RunContext): Promise<SourceResult> {
  let current = stored ?? emptyRecord(source);
  let feedUrl = feedToFetch(source, stored, run.now);
  if (!feedUrl && source.feedOrigin === "discover") {
    if (!isDue(stored, run.now, run.force)) return untouched(current, stored?.noFeedOn ? "link-only" : "skipped");
    if (mustWait(run)) return untouched(current, "deferred");
    const found = await discover(current, source, run);
    if (!found.feed) return found.result;
    // Found: fetched in the same run when the budget allows, else next run (the find is kept).
    current = found.result.record;
    feedUrl = found.feed;
    if (mustWait(run)) return untouched(current, "deferred");
  }
  if (!feedUrl) return untouched(current, "link-only");
  if (stored?.gone && feedUrl === stored.feed) return untouched(current, "gone");
  if (!isDue(stored?.feed === feedUrl ? stored : null, run.now, run.force)) return untouched(current, "skipped");
  if (mustWait(run)) return untouched(current, "deferred");
  const outcome = await fetchFeed(feedUrl, stored, run);
  const { refreshMinutes } = run.profile.settings;
  switch (outcome.kind) {
    case "budget-spent":
      return untouched(current, "deferred");
    case "failed":
      run.work.spendFetch();
      return afterFeedFailure(current, source, feedUrl, outcome, run.now, refreshMinutes);
    case "not-modified":
      run.work.spendFetch();
      return afterNotModified(current, source, feedUrl, outcome, run.now);
    case "fetched":
      return read(current, source, feedUrl, outcome, run);
  }
}
