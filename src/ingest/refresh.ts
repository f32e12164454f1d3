/**
 * @module The refresh run, as named steps: read what is stored, plan the order, give each source
 * its turn (discover → fetch → read, src/ingest/refresh/source.ts) and store its record as soon as
 * it is done, then rebuild the timeline — writing to KV only what changed. Called by the cron
 * (src/cron.ts), by stale-while-revalidate and by POST /admin/refresh.
 */
import type { Profile } from "../config/index.ts";
import type { Failure, Item, Source } from "../model.ts";
import {
  readSource,
  readTimeline,
  releaseLease,
  sameRecord,
  takeLease,
  writeSource,
  sourceRecord,
  withRevision,
  type IdentityRecord,
  statusOf,
  type SourceRecord,
  type SourceStatus,
  type Timeline,
} from "../store/index.ts";
import { pool, SubrequestBudget, WorkBudget } from "./budget.ts";
import { userAgentFor } from "./fetch.ts";
import { planRun, recordOf, sourcesPerRun, SUBREQUEST_BUDGET } from "./refresh/plan.ts";
import { emptyRecord, type SourceOutcome, type SourceResult } from "./refresh/records.ts";
import { refreshSource, type RunContext } from "./refresh/source.ts";
import { rebuildTimeline } from "./refresh/timeline.ts";

export { backoffSeconds, MOVED_RECHECK_SECONDS, nextTurn, REDISCOVERY_SECONDS, rotationSlot, rotationStart, sourcesPerRun, SUBREQUEST_BUDGET } from "./refresh/plan.ts";
export { HEARTBEAT_SECONDS } from "./refresh/timeline.ts";
export type { SourceOutcome } from "./refresh/records.ts";

/** Workers allow 6 simultaneous outgoing connections. */
const CONCURRENCY = 6;
/**
 * A refresh started by a request or the owner starts no fetch after this many seconds and cuts
 * every fetch's timeout to what is left: its `waitUntil` work is cut about 30 s after the answer.
 */
export const REQUEST_RUN_SECONDS = 20;

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
  /**
   * A run a request or the owner started: it takes the refresh lease (and stands aside when
   * another holds it) and ends within `REQUEST_RUN_SECONDS`. The cron never does: it costs KV writes.
   */
  lease?: boolean;
}

export interface RefreshSummary {
  startedAt: string;
  subrequests: number;
  kvReads: number;
  kvWrites: number;
  sources: { id: string; outcome: SourceOutcome; items: number; failure?: Failure; newItems?: number }[];
  timelineWritten: boolean;
  /** Another request-triggered refresh held the lease: this one fetched nothing. */
  coalesced?: true;
}

/**
 * What a run plans from: the stored timeline's status of each source (the records themselves are
 * read only for the sources the run takes), when it still belongs to the source's account.
 */
function statusesOf(sources: readonly Source[], timeline: Timeline | null): (SourceStatus | null)[] {
  const byId = new Map((timeline?.sources ?? []).map((status) => [status.id, status]));
  return sources.map((source) => recordOf(source, byId.get(source.id) ?? null));
}

/** The timeline's items of each source, by `Source.id`. */
function itemsBySource(timeline: Timeline | null): Map<string, Item[]> {
  const lists = new Map<string, Item[]>();
  for (const item of timeline?.items ?? []) {
    const list = lists.get(item.source);
    if (list) list.push(item);
    else lists.set(item.source, [item]);
  }
  return lists;
}

/** True when the record is worth a put: something changed since what was stored. */
function changedSince(record: SourceRecord, before: SourceRecord | null): boolean {
  return before ? !sameRecord(record, before) : record.lastFetch !== undefined || record.items.length > 0;
}

/**
 * Refreshes the profile's sources and the timeline. Never throws for a source's failure, a
 * source's record KV refuses included (that source's `storage` failure); a failed timeline write
 * propagates (the previous timeline stays readable, since it is replaced in one put).
 *
 * @example
 * ctx.waitUntil(refresh(env.M2_KV, profile, resolveSources(profile), { lease: true }));
 */
export async function refresh(kv: KVNamespace, profile: Profile, sources: Source[], options: RefreshOptions = {}): Promise<RefreshSummary> {
  const now = options.now ?? new Date();
  const summary: RefreshSummary = { startedAt: now.toISOString(), subrequests: 0, kvReads: 0, kvWrites: 0, sources: [], timelineWritten: false };
  if (options.lease) {
    const taken = await takeLease(kv, summary.startedAt);
    summary.kvReads++;
    if (!taken) return { ...summary, coalesced: true };
    summary.kvWrites++;
  }
  try {
    await run(kv, profile, sources, options, now, summary);
  } finally {
    if (options.lease) {
      summary.kvWrites++;
      // A lease left behind (KV allows one write per second per key) only expires on its own.
      await releaseLease(kv).catch((error: unknown) => console.error("refresh lease kept until it expires:", error instanceof Error ? error.message : String(error)));
    }
  }
  return summary;
}

async function run(kv: KVNamespace, profile: Profile, sources: Source[], options: RefreshOptions, now: Date, summary: RefreshSummary): Promise<void> {
  const budget = new SubrequestBudget(options.budget ?? SUBREQUEST_BUDGET, options.fetcher ?? fetch);
  const context: RunContext = {
    profile,
    now,
    force: options.force ?? false,
    budget,
    work: new WorkBudget(profile.settings.cpuMsPerRun, sources.length),
    userAgent: userAgentFor(profile.url),
    ...(options.lease ? { deadline: Date.now() + REQUEST_RUN_SECONDS * 1000 } : {}),
  };
  const timeline = options.timeline === undefined ? await readTimeline(kv) : options.timeline;
  if (options.timeline === undefined) summary.kvReads++;
  const stored = statusesOf(sources, timeline);

  const results = new Map<string, SourceResult>();
  const plan = planRun(sources, stored, now, profile.settings.refreshMinutes, sourcesPerRun(profile.settings, sources.length));
  // A source not started because the run's CPU is spent is deferred: it keeps its record.
  await pool(
    plan,
    CONCURRENCY,
    async ({ source }) => {
      // The record is read only now, for a source this run takes.
      summary.kvReads++;
      const before = recordOf(source, await readSource(kv, source.id));
      const fetched = await refreshSource(source, before, context);
      const changed = changedSince(fetched.record, before);
      // A changed record gets its revision here, once: the records later runs build from it carry it on.
      const result = changed ? { ...fetched, record: withRevision(fetched.record) } : fetched;
      // Stored as soon as it is done: a run cut short keeps every source it finished.
      if (changed) {
        summary.kvWrites++;
        const put = await writeSource(kv, result.record);
        if (!put.ok) {
          results.set(source.id, { ...result, outcome: "failed", record: sourceRecord({ ...result.record, failure: put.failure }) });
          return;
        }
      }
      results.set(source.id, result);
    },
    () => context.work.canStart,
  );

  // The sources this run did not take keep their stored status and their items in the timeline.
  const kept = itemsBySource(timeline);
  const statuses: SourceStatus[] = [];
  const lists: (readonly Item[])[] = [];
  for (const [index, source] of sources.entries()) {
    const result = results.get(source.id);
    const status = result ? statusOf(result.record) : (stored[index] ?? statusOf(emptyRecord(source)));
    statuses.push(status);
    lists.push(result ? result.record.items : (kept.get(source.id) ?? []));
    const outcome = result?.outcome ?? "deferred";
    summary.sources.push({
      id: source.id,
      outcome,
      items: status.itemCount,
      ...(status.failure && outcome !== "skipped" ? { failure: status.failure } : {}),
      ...(result?.newItems ? { newItems: result.newItems } : {}),
    });
  }
  summary.subrequests = budget.spent;

  const written = await rebuildTimeline(kv, {
    sources,
    statuses,
    lists,
    started: timeline,
    ...(options.identity ? { identity: options.identity } : {}),
    now,
    maxItems: profile.settings.maxItems,
  });
  summary.kvReads += written.kvReads;
  summary.kvWrites += written.kvWrites;
  summary.timelineWritten = written.written;
}
