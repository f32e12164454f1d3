/**
 * @module The cron's run: inbound rel=me verification when it is due, on its own share of the 50
 * subrequests, then the conversations (received Webmentions verified, sends retried) on theirs,
 * then the refresh of the feeds with what is left but the WebSub pings' reserve, then those
 * pings when the refresh wrote the timeline; a verdict that changed goes into
 * the refresh's one put of the timeline (where requests read it), not into a key of its own.
 * Never throws: what failed is logged, and the feeds refresh whatever happened to verification.
 */
import { NO_VERIFICATION, type IdentityState } from "./identity/schedule.ts";
import { SUBREQUEST_BUDGET, type RefreshOptions, type RefreshSummary } from "./ingest/refresh.ts";

export interface CronRun {
  kv: KVNamespace;
  /** `ScheduledController.scheduledTime`. */
  scheduledTime: number;
  /** The subrequests this run may spend in all (the invocation's 50, or a community home's share). */
  subrequests?: number;
  verification: Pick<IdentityState, "plan">;
  /** Runs the refresh (the Worker's refresher, so that its isolate reads the new timeline afresh). */
  refresh: (options: RefreshOptions) => Promise<RefreshSummary>;
  /** What tests inject: the clock, the fetch (verification's too), a smaller feeds' budget. */
  injected?: RefreshOptions;
  /** The conversations' work, given at most this many subrequests; what it spent. */
  conversations?: { limit: number; run: (limit: number) => Promise<number> };
  /** After a refresh that wrote the timeline (the WebSub pings), within `reserve` subrequests kept from the refresh. */
  timelineChanged?: { reserve: number; run: (limit: number) => Promise<number> };
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * @example
 * ctx.waitUntil(runCron({ kv: env.M2_KV, scheduledTime: controller.scheduledTime, verification, refresh: (run) => refresher.run(env.M2_KV, run) }));
 */
export async function runCron(cron: CronRun): Promise<void> {
  const plan = await cron.verification.plan(cron.kv, cron.injected?.now ?? new Date(cron.scheduledTime));
  const checked = await plan.run(cron.injected?.fetcher).catch((error: unknown) => {
    // The feeds refresh whatever happened to verification; the verdicts wait for the next run.
    console.error("verification failed:", message(error));
    return NO_VERIFICATION;
  });
  if (checked.reason) {
    console.log(`verification (${checked.reason}): ${checked.checked.length} accounts, ${checked.subrequests} subrequests, ${checked.changed ? "verdicts changed" : "no change"}`);
  }
  const total = Math.min(cron.subrequests ?? SUBREQUEST_BUDGET, SUBREQUEST_BUDGET);
  let conversations = 0;
  if (cron.conversations) {
    const limit = Math.max(0, Math.min(cron.conversations.limit, total - plan.budget));
    conversations = await cron.conversations.run(limit).catch((error: unknown) => {
      console.error("conversations failed:", message(error));
      return limit;
    });
  }
  const reserve = cron.timelineChanged?.reserve ?? 0;
  try {
    const summary = await cron.refresh({
      budget: Math.max(0, Math.min(cron.injected?.budget ?? total, total - plan.budget - conversations - reserve)),
      lease: false,
      ...(plan.stored !== undefined ? { timeline: plan.stored } : {}),
      ...(checked.record ? { identity: checked.record } : {}),
    });
    const failed = summary.sources.filter((source) => source.outcome === "failed");
    console.log(`refresh: ${summary.sources.length} sources, ${failed.length} failed, ${summary.subrequests} subrequests, ${summary.kvWrites} KV writes`);
    if (summary.timelineWritten && cron.timelineChanged) await cron.timelineChanged.run(reserve);
  } catch (error) {
    console.error("refresh failed:", message(error));
  }
}
