/**
 * @module Sending Webmentions (W3C Webmention §3.1): for each due job of the outbox, the target's
 * endpoint is discovered (discover.ts), then `source` and `target` are POSTed to it,
 * form-encoded, the endpoint's URL (and its query string) untouched. Every request is counted
 * against the budget the caller gives; what may pass (network, 5xx, 429) is retried later with
 * backoff (mention-store.ts records it).
 */
import { BudgetExhausted } from "../ingest/budget.ts";
import { parseRetryAfter, userAgentFor } from "../ingest/fetch.ts";
import { discoverEndpoint, type FetchSettings } from "./discover.ts";
import type { SendJob, SendOutcome } from "./mention-store.ts";

/** POSTs one Webmention; null when the budget was spent before it could be sent. */
export async function postMention(endpoint: string, source: string, target: string, settings: FetchSettings): Promise<{ status: number; retryAfter?: number } | { error: string } | null> {
  try {
    const response = await settings.fetcher(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": userAgentFor(settings.home) },
      body: new URLSearchParams({ source, target }).toString(),
      redirect: "manual",
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    await response.body?.cancel();
    const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
    return { status: response.status, ...(retryAfter !== undefined ? { retryAfter } : {}) };
  } catch (error) {
    if (error instanceof BudgetExhausted) return null;
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** Discovers and sends one job; null when the budget ran out first (the job stays due). */
export async function sendOne(job: SendJob, settings: FetchSettings): Promise<SendOutcome | null> {
  const discovery = await discoverEndpoint(job.target, settings);
  if (discovery.kind === "budget-spent") return null;
  if (discovery.kind === "none") return { id: job.id, outcome: "no-endpoint" };
  if (discovery.kind === "failed") {
    const status = discovery.failure.status ?? 0;
    const passing = discovery.failure.kind === "network" || discovery.failure.kind === "timeout" || status === 429 || status >= 500;
    return passing ? { id: job.id, outcome: "retry", detail: discovery.failure.detail } : { id: job.id, outcome: "refused", detail: discovery.failure.detail };
  }
  const { endpoint } = discovery;
  const sent = await postMention(endpoint, job.source, job.target, settings);
  if (sent === null) return null;
  if ("error" in sent) return { id: job.id, outcome: "retry", endpoint, detail: `could not connect (${sent.error.slice(0, 200)})` };
  if (sent.status >= 200 && sent.status < 300) return { id: job.id, outcome: "sent", endpoint, status: sent.status };
  if (sent.status === 429 || sent.status >= 500) return { id: job.id, outcome: "retry", endpoint, detail: `HTTP ${sent.status}`, ...(sent.retryAfter !== undefined ? { retryAfterSeconds: sent.retryAfter } : {}) };
  return { id: job.id, outcome: "refused", endpoint, detail: `HTTP ${sent.status}` };
}

/** Sends the jobs in order while the budget lasts; the outcomes of those that ran. */
export async function sendDue(jobs: SendJob[], settings: FetchSettings, canStart: () => boolean): Promise<SendOutcome[]> {
  const outcomes: SendOutcome[] = [];
  for (const job of jobs) {
    if (!canStart()) break;
    const outcome = await sendOne(job, settings);
    if (outcome === null) break;
    outcomes.push(outcome);
  }
  return outcomes;
}
