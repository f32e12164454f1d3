/**
 * @module Part 5 (cron CPU): the JavaScript CPU time of one cron run's refresh, for 5, 20 and 50
 * sources of real formats, first fetch and steady state. The same modules as the Worker (refresh,
 * fetch, decode, parse, normalise, sanitise, store) run in Node; only the network is replaced by
 * in-memory answers and KV by a Map (`CountingKV`, which parses JSON as workerd's KV binding does
 * inside the isolate).
 *
 * Method: Node runs with `--single-threaded` (`npm run bench` starts this part so), so that all of
 * V8's work (compiling, collecting) happens on the one thread that runs the refresh, as it would
 * count against an isolate at worst. `process.cpuUsage()` (user + system) is read before and after
 * one `await refresh(…)`; everything it awaits resolves in memory, so nothing else runs in between.
 * `v8.GCProfiler` gives the collector's share of that time: a run's own work is the rest, and the
 * collector's pauses are reported apart, since a pause collects whatever the isolate left, not only
 * what that run allocated. Wall time would not do inside a Worker (performance.now() stands still
 * during CPU work) and CPU time is what Workers Free limits: 10 ms per invocation. (The thread's
 * own clock, `process.threadCpuUsage`, moves in 4 ms kernel ticks on these machines: too coarse
 * for one run.)
 */
import { GCProfiler } from "node:v8";
import { validateProfile, type Profile } from "../src/config/index.ts";
import { refresh } from "../src/ingest/refresh.ts";
import type { Source } from "../src/model.ts";
import { resolveSources } from "../src/sources/index.ts";
import { CountingKV, fixture } from "./common.ts";

/** Workers Free: CPU milliseconds per invocation, the cron's included. */
export const CRON_CPU_LIMIT_MS = 10;
const INTERVAL_MS = 30 * 60_000;
const START = Date.parse("2026-11-30T00:00:00Z");

/** The formats people point m2 at, each with the number of entries its service serves. */

export const FORMATS = [
  { name: "Mastodon RSS", file: "mastodon.rss", entries: 20 },
  { name: "GitHub Atom", file: "github.atom", entries: 30 },
  { name: "YouTube Atom", file: "youtube.atom", entries: 15 },
  { name: "Bluesky RSS", file: "bluesky.rss", entries: 30 },
  { name: "WordPress RSS", file: "wordpress.rss", entries: 10 },
  { name: "Reddit Atom", file: "reddit.atom", entries: 25 },
  { name: "dev.to RSS", file: "devto.rss", entries: 10 },
  { name: "GitLab Atom", file: "gitlab.atom", entries: 20 },
  { name: "JSON Feed", file: "jsonfeed.json", entries: 20 },
] as const;

/** Entry `k` of a feed made from its first entry: ids, links and dates made its own (`tag` tells feeds apart). */
function entryCopy(entry: string, k: number, tag: string): string {
  const when = new Date(START - (k + 1) * 3_600_000);
  return entry
    .replace(/(<(?:guid|id|link)\b[^>]*>)([^<]+)(<\/)/g, `$1$2#${tag}e${k}$3`)
    .replace(/(<link\b[^>]*\bhref=")([^"]+)(")/g, `$1$2#${tag}e${k}$3`)
    .replace(/(<pubDate>)[^<]+(<)/g, `$1${when.toUTCString()}$2`)
    .replace(/(<(?:published|updated)>)[^<]+(<)/g, `$1${when.toISOString()}$2`);
}

/** A feed of the fixture's format with `count` entries, the newest `fresh` of them new posts; `tag` makes its permalinks its own. */
export function grownFeed(file: string, count: number, fresh = 0, tag = ""): string {
  const text = fixture(file);
  if (file.endsWith(".json")) {
    const feed = JSON.parse(text) as { items: Record<string, unknown>[] };
    const first = feed.items[0]!;
    feed.items = Array.from({ length: count }, (_, index) => {
      const k = index - fresh;
      return { ...first, id: `${String(first.id)}#${tag}e${k}`, url: `${String(first.url)}#${tag}e${k}`, date_published: new Date(START - (k + 1) * 3_600_000).toISOString() };
    });
    return JSON.stringify(feed);
  }
  const element = text.includes("<entry") ? "entry" : "item";
  const open = text.indexOf(`<${element}>`) === -1 ? text.indexOf(`<${element} `) : text.indexOf(`<${element}>`);
  const closeTag = `</${element}>`;
  const lastClose = text.lastIndexOf(closeTag) + closeTag.length;
  const firstEntry = text.slice(open, text.indexOf(closeTag, open) + closeTag.length);
  const entries = Array.from({ length: count }, (_, index) => entryCopy(firstEntry, index - fresh, tag));
  return text.slice(0, open) + entries.join("\n") + text.slice(lastClose);
}

interface Fleet {
  profile: Profile;
  sources: Source[];
  fetcher: typeof fetch;
  /** Publishes one new post on source `index`. */
  publish(index: number): void;
}

/** `count` sources cycling through FORMATS; `validators` says whether servers send ETags. */
export function fleet(count: number, validators: boolean): Fleet {
  const posts = new Map<number, number>();
  const accounts = Array.from({ length: count }, (_, index) => ({
    url: `https://s${index}.example/`,
    feed: `https://s${index}.example/feed`,
    label: `${FORMATS[index % FORMATS.length]!.name} ${index}`,
  }));
  // Workers Free's limit, as a home on Workers Free sets it: work past it waits for the next run.
  const checked = validateProfile({ name: "Camille Exemple", url: "https://camille.example/", lang: "fr", accounts, settings: { cpuMsPerRun: CRON_CPU_LIMIT_MS } });
  if (!checked.ok) throw new Error(checked.problems.join("; "));
  // Every body a run can ask for is made here, before any run is measured: the fetcher only looks one up.
  const bodies = new Map<string, string>();
  for (let index = 0; index < count; index++) {
    const format = FORMATS[index % FORMATS.length]!;
    for (const version of [0, 1]) bodies.set(`${index}:${version}`, grownFeed(format.file, format.entries + version, version, `s${index}`));
  }
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const index = Number(new URL(url).hostname.slice(1, -".example".length));
    const format = FORMATS[index % FORMATS.length]!;
    const version = posts.get(index) ?? 0;
    const etag = `"v${version}"`;
    if (validators && new Headers(init?.headers).get("If-None-Match") === etag) return new Response(null, { status: 304, headers: { ETag: etag } });
    const body = bodies.get(`${index}:${version}`);
    if (body === undefined) throw new Error(`no body made for source ${index} at version ${version}`);
    const type = format.file.endsWith(".json") ? "application/feed+json" : format.file.endsWith(".atom") ? "application/atom+xml" : "application/rss+xml";
    return new Response(body, { headers: { "Content-Type": `${type}; charset=utf-8`, ...(validators ? { ETag: etag } : {}) } });
  }) as typeof fetch;
  return { profile: checked.profile, sources: resolveSources(checked.profile), fetcher, publish: (index) => posts.set(index, (posts.get(index) ?? 0) + 1) };
}

/** The CPU of one awaited call, in milliseconds, and the collector's share of it. */
interface Cost {
  cpu: number;
  gc: number;
}

async function costOf(run: () => Promise<unknown>): Promise<Cost> {
  const collector = new GCProfiler();
  collector.start();
  const before = process.cpuUsage();
  await run();
  const spent = process.cpuUsage(before);
  const pauses = collector.stop()?.statistics ?? [];
  return { cpu: (spent.user + spent.system) / 1000, gc: pauses.reduce((total, pause) => total + pause.cost, 0) / 1000 };
}

/** A run's own work: its CPU less the collector's pauses in it. */
const own = (cost: Cost) => Math.max(0, cost.cpu - cost.gc);

export interface CronCpu {
  sources: number;
  /** Cron runs until every entry of every source was read (a home's first fill). */
  fillRuns: number;
  /** The fill's runs: median, 95th percentile and dearest of their own work (the JIT warm, as in an isolate that ran before). */
  fillMedian: number;
  fillP95: number;
  fill: number;
  /** The fill's runs whose own work passed the limit. */
  fillOver: number;
  /** The longest collector pause in one run of the fill, and how many runs had one of over 1 ms. */
  fillGc: number;
  fillGcRuns: number;
  /** Every server answers 304 to the stored ETag (own work). */
  notModified: number;
  /** Servers without validators: the same 200 body again, nothing new. */
  unchanged: number;
  /** One source has one new post (304 elsewhere). */
  oneNew: number;
  /** The first run in the process, nothing compiled yet (a cold isolate): own work, and the collector's share. */
  coldFirst: number;
  coldFirstGc: number;
  repetitions: number;
}

const sorted = (samples: readonly number[]) => [...samples].sort((a, b) => a - b);
const median = (samples: readonly number[]) => sorted(samples)[Math.floor(samples.length / 2)]!;
const percentile = (samples: readonly number[], p: number) => sorted(samples)[Math.min(samples.length - 1, Math.floor(samples.length * p))]!;

/** True when every source was fetched and has nothing left to read. */
function filled(kv: CountingKV, count: number): boolean {
  let records = 0;
  for (const [key, value] of kv.data) {
    if (!key.startsWith("source:")) continue;
    const record = JSON.parse(value) as { lastFetch?: string; unread?: number };
    if (!record.lastFetch || (record.unread ?? 0) > 0) return false;
    records++;
  }
  return records === count;
}

/** The longest fill this bench waits for before it calls the home unfilled. */
const MAX_FILL_RUNS = 1_000;

export async function benchCron(counts = [5, 20, 50], repetitions = 5): Promise<CronCpu[]> {
  const results: CronCpu[] = [];
  let coldFirst: Cost | undefined;
  for (const count of counts) {
    const samples = {
      fill: [] as number[],
      fillMedian: [] as number[],
      fillP95: [] as number[],
      fillOver: [] as number[],
      fillGc: [] as number[],
      fillGcRuns: [] as number[],
      fillRuns: [] as number[],
      notModified: [] as number[],
      unchanged: [] as number[],
      oneNew: [] as number[],
    };
    for (let repetition = 0; repetition < repetitions; repetition++) {
      let slot = Math.floor(START / INTERVAL_MS) + 1;
      const run = (home: Fleet, store: CountingKV) => () => refresh(store.asKV(), home.profile, home.sources, { fetcher: home.fetcher, now: new Date(slot++ * INTERVAL_MS) });
      const fill = async (home: Fleet, store: CountingKV) => {
        const costs: Cost[] = [];
        while (!filled(store, count) && costs.length < MAX_FILL_RUNS) {
          const cost = await costOf(run(home, store));
          coldFirst ??= cost;
          costs.push(cost);
        }
        // The cold run is reported apart: the fill's figures are those of a warm isolate.
        const warm = costs.filter((cost) => cost !== coldFirst).map(own);
        const pauses = costs.map((cost) => cost.gc);
        return {
          dearest: Math.max(...warm),
          median: median(warm),
          p95: percentile(warm, 0.95),
          over: warm.filter((cpu) => cpu > CRON_CPU_LIMIT_MS).length,
          gc: Math.max(...pauses),
          gcRuns: pauses.filter((pause) => pause > 1).length,
          runs: costs.length,
        };
      };
      const tagged = fleet(count, true);
      const kv = new CountingKV();
      const first = await fill(tagged, kv);
      samples.fill.push(first.dearest);
      samples.fillMedian.push(first.median);
      samples.fillP95.push(first.p95);
      samples.fillOver.push(first.over);
      samples.fillGc.push(first.gc);
      samples.fillGcRuns.push(first.gcRuns);
      samples.fillRuns.push(first.runs);
      samples.notModified.push(own(await costOf(run(tagged, kv))));
      tagged.publish(0);
      samples.oneNew.push(own(await costOf(run(tagged, kv))));
      const plain = fleet(count, false);
      const plainKv = new CountingKV();
      await fill(plain, plainKv);
      samples.unchanged.push(own(await costOf(run(plain, plainKv))));
    }
    results.push({
      sources: count,
      fillRuns: median(samples.fillRuns),
      fillMedian: median(samples.fillMedian),
      fillP95: median(samples.fillP95),
      fill: median(samples.fill),
      fillOver: median(samples.fillOver),
      fillGc: median(samples.fillGc),
      fillGcRuns: median(samples.fillGcRuns),
      notModified: median(samples.notModified),
      unchanged: median(samples.unchanged),
      oneNew: median(samples.oneNew),
      coldFirst: own(coldFirst!),
      coldFirstGc: coldFirst!.gc,
      repetitions,
    });
  }
  return results;
}

if (import.meta.main) {
  for (const result of await benchCron()) console.log(JSON.stringify(result));
}
