/**
 * @module The plan of a refresh run, pure: which feed each source is read from, whether it is due,
 * the order in which the run takes the sources (a rotation when they exceed the budget), and the
 * backoff after failures.
 */
import type { Profile } from "../../config/index.ts";
import type { Source } from "../../model.ts";
import type { SourceRecord } from "../../store/index.ts";
import { WORK_COST, workMs } from "../budget.ts";

/** Workers Free allows 50 subrequests per invocation; KV calls have their own limit. */
export const SUBREQUEST_BUDGET = 50;
const MAX_BACKOFF_SECONDS = 24 * 3600;
/** A page where discovery found no feed is read again this often: pages gain feeds rarely. */
export const REDISCOVERY_SECONDS = 7 * 24 * 3600;
/** A feed that moved permanently is fetched at its first URL again this often: a move can be undone. */
export const MOVED_RECHECK_SECONDS = 7 * 24 * 3600;

/**
 * How many sources a run takes in turn: the 50 subrequests, or fewer when the CPU a run may spend
 * (`cpuMsPerRun`, 10 ms on Workers Free) affords fewer fetched answers once the run's own part is
 * counted (32 for a 5-source home on Workers Free, 20 for 20, 12 from 30 on). The rotation moves by this many
 * sources per interval.
 */
export function sourcesPerRun(settings: Profile["settings"], sources: number): number {
  const affordable = Math.floor(workMs(settings.cpuMsPerRun, sources) / WORK_COST.fetchMs);
  return Math.max(1, Math.min(SUBREQUEST_BUDGET, affordable));
}

/** Seconds to wait after `failures` consecutive failures: the refresh interval, doubled each time. */
export function backoffSeconds(failures: number, refreshMinutes: number): number {
  return Math.min(refreshMinutes * 60 * 2 ** Math.max(0, failures - 1), MAX_BACKOFF_SECONDS);
}

/**
 * The feed URL to fetch: a remembered 301 target replaces the configured one it came from, for
 * `MOVED_RECHECK_SECONDS` after the move was last seen, and never when it went from https to http.
 */
export function feedToFetch(source: Source, record: SourceRecord | null, now: Date): string | undefined {
  if (record?.movedFrom && record.feed && record.movedFrom === source.feed) {
    const downgraded = record.movedFrom.startsWith("https:") && !record.feed.startsWith("https:");
    const seen = record.movedAt ? Date.parse(record.movedAt) : 0;
    if (!downgraded && now.getTime() - seen < MOVED_RECHECK_SECONDS * 1000) return record.feed;
    return source.feed;
  }
  return source.feed ?? record?.feed;
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

/** What the plan reads of a source's stored state: its status in the timeline, or its record. */
export type PlanInput = Pick<SourceRecord, "lastFetch" | "unread">;

/** A source and the state it starts the run from (null: never fetched, or another account's). */
export interface PlannedSource {
  source: Source;
  stored: PlanInput | null;
}

/**
 * The order of a run: oldest fetch first, each run starting where the previous one's window ended
 * (see rotationStart, with `perRun` sources a window); sources never fetched yet (new, or deferred
 * before their first fetch) and sources with entries left to read (`unread`) before all others, so
 * a home's first fill goes on run after run. The window moves by the full `perRun` even when this
 * run does less (identity verification took a share of the subrequests, or the CPU ran out): the
 * sources it cannot reach wait one cycle rather than shift every later window.
 */
export function planRun(sources: readonly Source[], stored: readonly (PlanInput | null)[], now: Date, refreshMinutes: number, perRun: number): PlannedSource[] {
  const start = rotationStart(sources.length, now, refreshMinutes, perRun);
  const rotated = sources.map((_, position) => {
    const index = (start + position) % sources.length;
    return { source: sources[index]!, stored: stored[index] ?? null };
  });
  const unfinished = ({ stored }: PlannedSource) => !stored?.lastFetch || (stored.unread ?? 0) > 0;
  return [...rotated.filter(unfinished), ...rotated.filter((planned) => !unfinished(planned))].slice(0, perRun);
}

/** The stored record (or status), when it belongs to this source's account (ids move when `accounts` is reordered). */
export function recordOf<T extends Pick<SourceRecord, "account">>(source: Source, stored: T | null): T | null {
  if (!stored) return null;
  // A record stored before records named their account is taken as this account's, once.
  return stored.account === undefined || stored.account === source.url ? stored : null;
}
