/**
 * @module `npm run bench`: the five measurements in one run, then one table with a PASS/FAIL column
 * per target. A measurement, not a test: it exits 0 whatever the verdicts.
 *
 * BENCH_ROUNDS (default 15) sets how many one-second rounds (both Workers driven at once) compare
 * each route with its baseline; BENCH_PARTS (e.g. `pipeline,weight`) runs only some parts, and
 * BENCH_SIZES (e.g. `10`) only some timeline sizes of the serving part.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import profileJson from "../profile.json" with { type: "json" };
import { buildSite, type Site } from "../src/site.ts";
import { benchBudget } from "./budget.ts";
import { CRON_CPU_LIMIT_MS, type CronCpu } from "./cron.ts";
import { printTable, verdict, type Row } from "./common.ts";
import { benchPipeline } from "./pipeline.ts";
import { bundle, bundleSize, compare, host, load, placement, ROUTES, seed, syntheticTimeline, type Comparison, type Load } from "./serve.ts";
import { exampleTimeline, weighPage } from "./weight.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
/** BENCH_PARTS=pipeline,weight runs only those parts (all five by default). */
const PARTS = process.env.BENCH_PARTS?.split(",");
const SECONDS = 3;
const HELLO_PORT = 8790;
const M2_PORT = 8791;
/** BENCH_SIZES=10 serves only that timeline size (10, 1 000 and 10 000 items by default). */
const SIZES = process.env.BENCH_SIZES?.split(",").map(Number) ?? [10, 1_000, 10_000];
const SERVING_TARGET = 0.8;
/** Headers of the transfer, not of the answer: the baseline's own transfer sets them. */
const HOP_BY_HOP = new Set(["content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive"]);
const PIPELINE_TARGET = 1.5;
const PAGE_TARGET = 30 * 1024;
const BUNDLE_TARGET = 1024 * 1024;

const rows: Row[] = [];
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value: number) => `${value.toFixed(2)} ms`;
const loadText = (result: Load) => `${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms`;
const log = (line: string) => console.log(`· ${line}`);
/** The lowest and highest per-round ratio of a comparison. */
const rounds = (comparison: Comparison) => `rounds ${comparison.ratios[0]!.toFixed(2)}–${comparison.ratios.at(-1)!.toFixed(2)}`;
/** The per-round ratios of a comparison, for the log: lowest, highest, median. */
const spread = (comparison: Comparison) => `${rounds(comparison)}, median ${comparison.ratio.toFixed(2)}×`;
/** Body size of the calibration row: about that of the page and the feeds. */
const CALIBRATION_BYTES = 16 * 1024;

async function serving(m2Dir: string, helloDir: string, site: Site) {
  const sourceIds = site.sources.map((source) => source.id);
  const hello = await host(helloDir, HELLO_PORT);
  const helloOrigin = `http://127.0.0.1:${HELLO_PORT}`;
  const m2Origin = `http://127.0.0.1:${M2_PORT}`;
  try {
    const plain = await load(`${helloOrigin}/`, SECONDS);
    log(`hello-world baseline: ${loadText(plain)}`);
    rows.push({ part: "1 serving", measure: "hello-world Hono (13 B)", value: loadText(plain), target: "(reference)", verdict: "" });
    // The method's own error: the baseline against a second copy of itself, same answer.
    const twin = await host(helloDir, M2_PORT);
    try {
      const path = `/?bytes=${CALIBRATION_BYTES}`;
      const same = await compare(`${m2Origin}${path}`, `${helloOrigin}${path}`, ROUNDS);
      log(`hello vs hello: ${spread(same)}`);
      rows.push({
        part: "1 serving",
        measure: `hello vs hello (${kb(CALIBRATION_BYTES)})`,
        value: `${Math.round(same.target.requestsPerSecond)} vs ${Math.round(same.baseline.requestsPerSecond)} req/s · ${same.ratio.toFixed(2)}× (${rounds(same)})`,
        target: "(the method's error: ≈ 1)",
        verdict: "",
      });
    } finally {
      await twin.dispose();
    }
    for (const size of SIZES) {
      const m2 = await host(m2Dir, M2_PORT);
      try {
        await seed(m2, syntheticTimeline(size, sourceIds), site);
        for (const route of ROUTES) {
          // As autocannon asks: no compression (Node's fetch would ask for it).
          const first = await fetch(`${m2Origin}${route}`, { headers: { "Accept-Encoding": "identity" } });
          const bytes = (await first.arrayBuffer()).byteLength;
          if (first.status !== 200) throw new Error(`${route} answered ${first.status}`);
          // The same answer from a hello-world: same bytes, same headers. The ratio measures m2's
          // work per request, not what the answer weighs on the wire (see the headers row).
          const headers = [...first.headers].filter(([name]) => !HOP_BY_HOP.has(name));
          const name = `${size}${route.replace(/\W/g, "-")}`;
          const put = await fetch(`${helloOrigin}/answers/${name}`, { method: "PUT", body: JSON.stringify({ bytes, headers }) });
          if (put.status !== 204) throw new Error(`the baseline refused the answer of ${route}`);
          const comparison = await compare(`${m2Origin}${route}`, `${helloOrigin}/answers/${name}`, ROUNDS);
          const { target: result, baseline, ratio } = comparison;
          const errors = result.errors + baseline.errors;
          log(`${size} items ${route}: ${loadText(result)}; baseline ${loadText(baseline)}; ${spread(comparison)}${errors ? `; ${errors} errors` : ""}`);
          rows.push({
            part: "1 serving",
            measure: `${size} items ${route} (${kb(bytes)})`,
            value: `${loadText(result)} · ${ratio.toFixed(2)}× (baseline ${Math.round(baseline.requestsPerSecond)} req/s)${errors ? ` · ${errors} errors` : ""}`,
            target: `≥ ${SERVING_TARGET}× baseline`,
            verdict: verdict(ratio >= SERVING_TARGET && errors === 0),
          });
          if (size === SIZES[0] && route === "/") {
            // What m2's headers cost on this host: the same hello-world answer with and without them.
            const plain = await compare(`${helloOrigin}/answers/${name}`, `${helloOrigin}/?bytes=${bytes}`, ROUNDS);
            log(`headers of /: ${headers.length} vs 1: ${spread(plain)}`);
            rows.push({
              part: "1 serving",
              measure: `hello with the ${headers.length} headers of / vs without`,
              value: `${Math.round(plain.target.requestsPerSecond)} vs ${Math.round(plain.baseline.requestsPerSecond)} req/s · ${plain.ratio.toFixed(2)}×`,
              target: "(what the headers cost here)",
              verdict: "",
            });
          }
        }
      } finally {
        await m2.dispose();
      }
    }
  } finally {
    await hello.dispose();
  }
}

async function pipeline() {
  for (const result of await benchPipeline()) {
    log(`pipeline ${result.items} items: ${ms(result.pipelineMs)} vs raw ${ms(result.rawMs)} (${result.ratio.toFixed(2)}×); first fetch ${ms(result.coldMs)}`);
    rows.push({
      part: "2 pipeline",
      measure: `feed of ${result.items} items, one new`,
      value: `${ms(result.pipelineMs)} vs rss-parser ${ms(result.rawMs)} · ${result.ratio.toFixed(2)}×`,
      target: `≤ ${PIPELINE_TARGET}× raw parse`,
      verdict: verdict(result.ratio <= PIPELINE_TARGET),
    });
    rows.push({
      part: "2 pipeline",
      measure: `feed of ${result.items} items, first fetch`,
      value: `${ms(result.coldMs)} · ${result.coldRatio.toFixed(2)}×`,
      target: "(once per source)",
      verdict: "",
    });
  }
}

async function budget() {
  for (const result of await benchBudget()) {
    const { unchanged, oneChanged } = result;
    log(`budget ${result.sources} sources: ${JSON.stringify(result)}`);
    rows.push({
      part: "3 budget",
      measure: `${result.sources} sources, nothing changed`,
      value: `${unchanged.subrequests} subrequests, ${unchanged.kvReads} KV reads, ${unchanged.kvWrites} KV writes`,
      target: "0 writes, ≤ 50 subrequests",
      verdict: verdict(unchanged.kvWrites === 0 && unchanged.subrequests <= 50),
    });
    rows.push({
      part: "3 budget",
      measure: `${result.sources} sources, one changed`,
      value: `${oneChanged.subrequests} subrequests, ${oneChanged.kvReads} KV reads, ${oneChanged.kvWrites} KV writes`,
      target: "≤ 2 writes, ≤ 50 subrequests",
      verdict: verdict(oneChanged.updated === 1 && oneChanged.kvWrites <= 2 && oneChanged.subrequests <= 50),
    });
    rows.push({
      part: "3 budget",
      measure: `${result.sources} sources, rotation`,
      value: `all fetched in ${result.runsToCoverAll} run(s), ≤ ${result.maxSubrequests} subrequests per run`,
      target: "all in ⌈n/50⌉ runs, ≤ 50",
      verdict: verdict(result.coveredAll && result.runsToCoverAll === Math.ceil(result.sources / 50) && result.maxSubrequests <= 50),
    });
  }
}

/** Part 5 runs in a Node of its own, `--single-threaded`: all of V8's work on the measured thread (bench/cron.ts). */
async function cron() {
  const output = execFileSync(process.execPath, ["--single-threaded", fileURLToPath(new URL("./cron.ts", import.meta.url))], { encoding: "utf8", maxBuffer: 1 << 20 });
  const results = output.trim().split("\n").map((line) => JSON.parse(line) as CronCpu);
  for (const result of results) {
    log(`cron ${result.sources} sources: ${JSON.stringify(result)}`);
    const row = (measure: string, cpu: number, note = "") =>
      rows.push({
        part: "5 cron CPU",
        measure: `${result.sources} sources, ${measure}`,
        value: `${ms(cpu)} CPU${note}`,
        target: `≤ ${CRON_CPU_LIMIT_MS} ms (Workers Free)`,
        verdict: verdict(cpu <= CRON_CPU_LIMIT_MS),
      });
    const fill = `first fill (${result.fillRuns}${result.fillRuns >= 1_000 ? "+" : ""} runs)`;
    row(`${fill}, median run`, result.fillMedian, ` (95th percentile ${ms(result.fillP95)})`);
    row(`${fill}, dearest run`, result.fill, ` (${result.fillOver} runs over; collector apart: longest pause ${ms(result.fillGc)}, ${result.fillGcRuns} runs with one over 1 ms)`);
    row("nothing new (304)", result.notModified);
    row("nothing new (200, no validators)", result.unchanged);
    row("one new post", result.oneNew);
  }
  const cold = results[0]!;
  rows.push({
    part: "5 cron CPU",
    measure: "first run in a cold isolate (nothing compiled yet)",
    value: `${ms(cold.coldFirst)} CPU (+ ${ms(cold.coldFirstGc)} collector)`,
    target: `≤ ${CRON_CPU_LIMIT_MS} ms (Workers Free)`,
    verdict: verdict(cold.coldFirst <= CRON_CPU_LIMIT_MS),
  });
}

async function weight(m2Dir: string, site: Site) {
  const m2 = await host(m2Dir, M2_PORT);
  try {
    await seed(m2, await exampleTimeline(), site);
    const page = await weighPage(`http://127.0.0.1:${M2_PORT}`);
    log(`page: ${JSON.stringify(page)}`);
    rows.push({
      part: "4 weight",
      measure: `/ of profile.json (${page.items} items)`,
      value: `${kb(page.bytes)}, ${kb(page.gzipBytes)} gzip (+ ${kb(page.stylesheetBytes)} CSS, cached a year)`,
      target: "≤ 30 KB",
      verdict: verdict(page.bytes <= PAGE_TARGET),
    });
    rows.push({ part: "4 weight", measure: "scripts on /", value: String(page.scripts), target: "0", verdict: verdict(page.scripts === 0) });
    rows.push({ part: "4 weight", measure: "web fonts on /", value: String(page.fonts), target: "0", verdict: verdict(page.fonts === 0) });
  } finally {
    await m2.dispose();
  }
  const size = bundleSize(m2Dir);
  log(`bundle: ${JSON.stringify(size)}`);
  rows.push({
    part: "4 weight",
    measure: "Worker bundle (wrangler deploy --dry-run)",
    value: `${kb(size.raw)}, ${kb(size.gzip)} gzip`,
    target: "≤ 1 MB gzip",
    verdict: verdict(size.gzip <= BUNDLE_TARGET),
  });
}

log(
  placement
    ? `workerd on CPU ${placement.server}, autocannon on CPU ${placement.driver.join(",")}: a comparison's two Workers share one CPU`
    : "processes not pinned (one CPU, or no taskset): serving ratios are noisier",
);
const built = buildSite(profileJson);
if (!built.ok) throw new Error(`profile.json: ${built.problems.join("; ")}`);
const { site } = built;

log("bundling m2 and the hello-world baseline with wrangler deploy --dry-run");
const m2Dir = bundle("m2", "wrangler.toml");
const helloDir = bundle("hello", "bench/hello.wrangler.toml");
for (const [name, part] of [
  ["pipeline", pipeline],
  ["budget", budget],
  ["cron", cron],
  ["serving", () => serving(m2Dir, helloDir, site)],
  ["weight", () => weight(m2Dir, site)],
] as const) {
  if (PARTS && !PARTS.includes(name)) continue;
  try {
    await part();
  } catch (error) {
    console.error(`bench part ${name} failed:`, error);
    rows.push({ part: name, measure: "(did not run)", value: String((error as Error).message ?? error).slice(0, 80), target: "", verdict: "FAIL" });
  }
}
console.log("");
printTable(rows);
process.exit(0);
