/**
 * @module Part 3 (budget counters): one refresh of 5, 50 and 200 blog sources against a counting
 * KV, with nothing changed and with one source changed; and the rotation of sources beyond one
 * run's subrequest budget across consecutive cron runs.
 */
import { validateProfile } from "../src/config/index.ts";
import { refresh, rotationStart, SUBREQUEST_BUDGET, type RefreshSummary } from "../src/ingest/refresh.ts";
import { resolveSources } from "../src/sources/index.ts";
import { blogFleet } from "../test/fleet.ts";
import { CountingKV, fixture } from "./common.ts";

export interface BudgetResult {
  sources: number;
  /** Cron runs (one per interval) until every source had been fetched once. */
  runsToCoverAll: number;
  coveredAll: boolean;
  maxSubrequests: number;
  unchanged: { subrequests: number; kvReads: number; kvWrites: number };
  oneChanged: { subrequests: number; kvReads: number; kvWrites: number; updated: number };
}

const INTERVAL_MS = 30 * 60_000;

export async function benchBudget(counts = [5, 50, 200]): Promise<BudgetResult[]> {
  const results: BudgetResult[] = [];
  const feed = fixture("wordpress.rss");
  for (const count of counts) {
    const fleet = blogFleet(count, feed);
    const checked = validateProfile(fleet.profile);
    if (!checked.ok) throw new Error(checked.problems.join("; "));
    const { profile } = checked;
    const sources = resolveSources(profile);
    const kv = new CountingKV();
    // Cron runs at the start of consecutive intervals.
    let slot = Math.floor(Date.parse("2026-11-26T00:00:00Z") / INTERVAL_MS);
    const run = async (): Promise<RefreshSummary> => {
      kv.resetCounts();
      const summary = await refresh(kv.asKV(), profile, sources, { fetcher: fleet.fetcher, now: new Date(slot++ * INTERVAL_MS) });
      if (summary.kvReads !== kv.reads || summary.kvWrites !== kv.writes) {
        throw new Error(`RefreshSummary counts (${summary.kvReads} reads, ${summary.kvWrites} writes) differ from KV's (${kv.reads}, ${kv.writes})`);
      }
      return summary;
    };
    // First fill: rotate until every source has been fetched once.
    const fetched = new Set<string>();
    let runs = 0;
    let maxSubrequests = 0;
    while (fetched.size < count && runs < 2 * Math.ceil(count / SUBREQUEST_BUDGET) + 2) {
      const before = fleet.requests.length;
      const summary = await run();
      runs++;
      maxSubrequests = Math.max(maxSubrequests, summary.subrequests);
      for (const url of fleet.requests.slice(before)) fetched.add(url);
    }
    const unchanged = await run();
    maxSubrequests = Math.max(maxSubrequests, unchanged.subrequests);
    // A post on a blog that this run's window reaches.
    fleet.publish(rotationStart(count, new Date(slot * INTERVAL_MS), profile.settings.refreshMinutes, SUBREQUEST_BUDGET));
    const changed = await run();
    maxSubrequests = Math.max(maxSubrequests, changed.subrequests);
    results.push({
      sources: count,
      runsToCoverAll: runs,
      coveredAll: fetched.size === count,
      maxSubrequests,
      unchanged: { subrequests: unchanged.subrequests, kvReads: unchanged.kvReads, kvWrites: unchanged.kvWrites },
      oneChanged: {
        subrequests: changed.subrequests,
        kvReads: changed.kvReads,
        kvWrites: changed.kvWrites,
        updated: changed.sources.filter((source) => source.outcome === "updated").length,
      },
    });
  }
  return results;
}

if (import.meta.main) {
  for (const result of await benchBudget()) console.log(JSON.stringify(result));
}
