/**
 * Budget counters as exact counts: subrequests, KV reads and KV writes of one refresh of 5, 50 and
 * 200 sources, with nothing changed and with one source changed, and the rotation of sources
 * beyond one run's subrequest budget. Counted twice: by a counting KV wrapper and by the
 * RefreshSummary that refresh() returns.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { validateProfile } from "../src/config/index.ts";
import { HEARTBEAT_SECONDS, refresh, rotationStart, SUBREQUEST_BUDGET } from "../src/ingest/refresh.ts";
import { resolveSources } from "../src/sources/index.ts";
import { blogFleet, blogFeedUrl } from "./fleet.ts";
import wordpress from "./fixtures/feeds/wordpress.rss?raw";
import { HOME, env, request, runCron, threeAccountHome, workerFor } from "./helpers.ts";

const INTERVAL_MS = 30 * 60_000;
/** 200 sources mean 200 feed parses in workerd: slow on a busy machine, never a timing assertion. */
const SLOW = { timeout: 60_000 };
const FIRST_SLOT = Math.floor(Date.parse("2026-11-26T00:00:00Z") / INTERVAL_MS);

function countingKV(kv: KVNamespace) {
  const counts = { reads: 0, writes: 0 };
  const wrapped = {
    get: (key: string, type: "json") => {
      counts.reads++;
      return kv.get(key, type);
    },
    put: (...args: Parameters<KVNamespace["put"]>) => {
      counts.writes++;
      return kv.put(...args);
    },
  } as unknown as KVNamespace;
  return { kv: wrapped, counts };
}

/** A fleet of `count` blogs and a cron that runs once per interval, counting every run. */
function setUp(count: number) {
  const fleet = blogFleet(count, wordpress);
  const checked = validateProfile(fleet.profile);
  if (!checked.ok) throw new Error(checked.problems.join("; "));
  const { profile } = checked;
  const sources = resolveSources(profile);
  const { kv, counts } = countingKV(env.M2_KV);
  let slot = FIRST_SLOT;
  const nextRunAt = () => new Date(slot * INTERVAL_MS);
  async function cron() {
    counts.reads = 0;
    counts.writes = 0;
    const before = fleet.requests.length;
    const summary = await refresh(kv, profile, sources, { fetcher: fleet.fetcher, now: new Date(slot++ * INTERVAL_MS) });
    expect(summary.kvReads).toBe(counts.reads);
    expect(summary.kvWrites).toBe(counts.writes);
    return { summary, fetched: fleet.requests.slice(before), reads: counts.reads, writes: counts.writes };
  }
  return { fleet, profile, cron, nextRunAt };
}

describe.each([
  { count: 5, fillRuns: 1 },
  { count: 50, fillRuns: 1 },
  { count: 200, fillRuns: 4 },
])("one refresh of $count sources", ({ count, fillRuns }) => {
  it("fetches at most 50 feeds per run and every source once per rotation", SLOW, async () => {
    const { cron } = setUp(count);
    const fetched: string[] = [];
    for (let run = 0; run < fillRuns; run++) {
      const { summary, fetched: urls, writes } = await cron();
      expect(summary.subrequests).toBe(Math.min(count, SUBREQUEST_BUDGET));
      expect(urls).toHaveLength(Math.min(count, SUBREQUEST_BUDGET));
      // Every fetched source is new (one write each), plus the timeline.
      expect(writes).toBe(urls.length + 1);
      expect(summary.sources.filter((source) => source.outcome === "deferred")).toHaveLength(count - urls.length);
      fetched.push(...urls);
    }
    expect(new Set(fetched).size).toBe(count);
    expect(fetched.sort()).toEqual(Array.from({ length: count }, (_, index) => blogFeedUrl(index)).sort());
  });

  it("writes nothing when nothing changed, and 2 keys when one source changed", SLOW, async () => {
    const { fleet, profile, cron, nextRunAt } = setUp(count);
    for (let run = 0; run < fillRuns; run++) await cron();

    const unchanged = await cron();
    expect(unchanged.summary.subrequests).toBe(Math.min(count, SUBREQUEST_BUDGET));
    // The timeline, then the record of each source the run takes (no more than one run's window).
    expect(unchanged.reads).toBe(1 + Math.min(count, SUBREQUEST_BUDGET));
    expect(unchanged.writes).toBe(0);
    expect(unchanged.summary.timelineWritten).toBe(false);

    // A new post on a blog that the next run's window reaches.
    const index = rotationStart(count, nextRunAt(), profile.settings.refreshMinutes, SUBREQUEST_BUDGET);
    fleet.publish(index);
    const changed = await cron();
    expect(changed.fetched).toContain(blogFeedUrl(index));
    expect(changed.summary.subrequests).toBe(Math.min(count, SUBREQUEST_BUDGET));
    // The timeline is read again just before it is written: another run may have written it meanwhile.
    expect(changed.reads).toBe(2 + Math.min(count, SUBREQUEST_BUDGET));
    expect(changed.writes).toBe(2);
    expect(changed.summary.sources.filter((source) => source.outcome === "updated")).toEqual([
      expect.objectContaining({ newItems: 1, items: 3 }),
    ]);
  });
});

describe("the heartbeat", () => {
  it("records a no-change run once the timeline is HEARTBEAT_SECONDS old: one write", async () => {
    const { cron } = setUp(5);
    await cron();
    // Skip ahead: the next runs happen one heartbeat after the first.
    for (let run = 1; run < (HEARTBEAT_SECONDS * 1000) / INTERVAL_MS; run++) {
      const { writes } = await cron();
      expect(writes).toBe(0);
    }
    const { writes, summary } = await cron();
    expect(writes).toBe(1);
    expect(summary.timelineWritten).toBe(true);
  });
});

describe("the rotation on /status.json", () => {
  it("shows when each of 200 sources is fetched next: 50 per run, 4 runs per cycle", SLOW, async () => {
    const { fleet } = setUp(200);
    const worker = workerFor(fleet.profile, { refresh: { fetcher: fleet.fetcher } });
    const response = await request(worker, "/status.json");
    const report = (await response.json()) as { rotation: unknown; sources: { next_fetch: string | null }[] };
    expect(report.rotation).toEqual({ sources_per_run: 50, runs_per_cycle: 4 });
    const turns = new Map<string, number>();
    for (const source of report.sources) turns.set(source.next_fetch!, (turns.get(source.next_fetch!) ?? 0) + 1);
    expect([...turns.values()]).toEqual([50, 50, 50, 50]);
    const times = [...turns.keys()].map(Date.parse).sort((a, b) => a - b);
    expect(times.map((time) => time - times[0]!)).toEqual([0, 1, 2, 3].map((step) => step * INTERVAL_MS));
    expect(times[0]! - Date.now()).toBeLessThanOrEqual(INTERVAL_MS);
  });
});

describe("serving", () => {
  it("reads KV at most once per minute per isolate, however many requests, and afresh after a refresh", async () => {
    const { net, profile } = threeAccountHome();
    const worker = workerFor(profile, { refresh: { fetcher: net.fetcher } });
    await runCron(worker);
    const { kv, counts } = countingKV(env.M2_KV);
    const counted = { ...env, M2_KV: kv };
    const get = async (path: string) => {
      const ctx = createExecutionContext();
      const response = await worker.fetch(new Request(new URL(path, HOME)), counted, ctx);
      await waitOnExecutionContext(ctx);
      return response;
    };
    for (const path of ["/", "/feed.xml", "/atom.xml", "/feed.json", "/status.json", "/", "/feed.json"]) expect((await get(path)).status).toBe(200);
    expect(counts).toEqual({ reads: 1, writes: 0 });
    await runCron(worker);
    expect(((await (await get("/feed.json")).json()) as { items: unknown[] }).items).toHaveLength(7);
    expect(counts).toEqual({ reads: 2, writes: 0 });
  });
});
