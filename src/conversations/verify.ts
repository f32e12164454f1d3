/**
 * @module Verifying the queued Webmentions, later than their request (the cron): each source is
 * fetched with the feeds' caps (politeFetch: timeout, size, redirects, one subrequest per hop,
 * counted against the run's budget), must link to the target, and is read for its author, kind,
 * content and date (source-page.ts). A 410 or a page that no longer links removes the mention; a
 * failure that may pass (network, 5xx, 429) is tried again at the next run.
 */
import { decodeFeed } from "../ingest/decode.ts";
import { fetchPage, type FetchSettings } from "./discover.ts";
import type { QueuedMention, Verification } from "./mention-store.ts";
import { linksTo, readMention } from "./source-page.ts";

const HTML_TYPES = new Set(["text/html", "application/xhtml+xml"]);

/** What one queued mention's source says; null when the budget ran out before its answer. */
export async function verifyOne(job: QueuedMention, settings: FetchSettings): Promise<Verification | null> {
  const outcome = await fetchPage(job.source, settings);
  if (outcome.kind === "budget-spent") return null;
  if (outcome.kind === "not-modified") return { id: job.id, outcome: "dropped" };
  if (outcome.kind === "failed") {
    const { failure } = outcome;
    if (failure.kind === "gone") return { id: job.id, outcome: "gone" };
    const status = failure.status ?? 0;
    const passing = failure.kind === "network" || failure.kind === "timeout" || status === 429 || status >= 500;
    return { id: job.id, outcome: passing ? "retry" : "dropped" };
  }
  const type = (outcome.contentType ?? "text/html").split(";")[0]!.trim().toLowerCase();
  if (!HTML_TYPES.has(type)) return { id: job.id, outcome: "unlinked" };
  const html = decodeFeed(outcome.body, outcome.contentType);
  if (!linksTo(html, outcome.url, job.target)) return { id: job.id, outcome: "unlinked" };
  return { id: job.id, outcome: "verified", data: readMention(html, outcome.url, job.target) };
}

/** Verifies the queued mentions in order while the settings' fetcher (a budget) has subrequests left. */
export async function verifyQueued(jobs: QueuedMention[], settings: FetchSettings, canStart: () => boolean): Promise<Verification[]> {
  const results: Verification[] = [];
  for (const job of jobs) {
    if (!canStart()) break;
    const result = await verifyOne(job, settings);
    if (result === null) break;
    results.push(result);
  }
  return results;
}
