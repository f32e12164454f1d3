/**
 * @module Part 1 (serving) and the bundle half of part 4 (weight): bundles m2 and a hello-world
 * Hono Worker with `wrangler deploy --dry-run`, hosts both with Miniflare's API (workerd, without
 * wrangler dev's Node proxy), seeds KV, and drives the routes with autocannon.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import autocannon from "autocannon";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { identityAccountsHash } from "../src/identity/schedule.ts";
import { isVerifiable } from "../src/identity/verify.ts";
import type { Site } from "../src/site.ts";
import { contentHash, writeTimeline, type IdentityRecord, type Timeline } from "../src/store/index.ts";
import { ROOT, syntheticItems } from "./common.ts";

const OUT = join(ROOT, "bench", ".out");
const COMPATIBILITY_DATE = "2026-11-01";
export const ROUTES = ["/", "/feed.xml", "/atom.xml", "/feed.json"];

/** Bundles a Worker the way `wrangler deploy` would; returns the output folder. */
export function bundle(name: string, configPath: string): string {
  const outdir = join(OUT, name);
  rmSync(outdir, { recursive: true, force: true });
  execFileSync(join(ROOT, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", outdir, "--config", configPath], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  return outdir;
}

/** Bytes of the bundle's JavaScript modules, raw and gzip-compressed (what Cloudflare's limit counts). */
export function bundleSize(outdir: string): { raw: number; gzip: number } {
  const files = readdirSync(outdir).filter((file) => /\.(m?js|wasm)$/.test(file));
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const bytes = readFileSync(join(outdir, file));
    raw += statSync(join(outdir, file)).size;
    gzip += gzipSync(bytes, { level: 9 }).byteLength;
  }
  return { raw, gzip };
}

/** Hosts a bundled Worker on workerd through Miniflare, KV bound as M2_KV, no network. */
export async function host(outdir: string, port: number): Promise<Miniflare> {
  // Miniflare 5 (the beta wrangler and the vitest plugin pull in) takes a new `workers[].config`
  // shape that its README does not document yet; it converts the 4.x options, which it does.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      port,
      modules: true,
      scriptPath: join(outdir, readdirSync(outdir).find((file) => file.endsWith(".js"))!),
      compatibilityDate: COMPATIBILITY_DATE,
      compatibilityFlags: ["nodejs_compat"],
      kvNamespaces: ["M2_KV"],
      bindings: { ADMIN_TOKEN: "bench" },
      outboundService: () => new Response("the bench has no network", { status: 599 }),
      enableDevRegistry: false,
      logRequests: false,
    } as Parameters<typeof convertV4MiniflareOptions>[0]),
  );
  await mf.ready;
  pinWorkerd();
  return mf;
}

/**
 * Where the processes run, on Linux with two CPUs or more: every workerd this process starts on
 * one CPU (`server`), this process — autocannon — on the others (`driver`). The two Workers a
 * comparison drives at once then share one core's cycles, and whatever the host takes from it, at
 * the same instants, and the load generator never takes cycles from them. Undefined elsewhere
 * (one CPU, no `taskset`): the processes run where the system puts them.
 */
export const placement: { server: number; driver: number[] } | undefined = (() => {
  if (process.platform !== "linux") return undefined;
  const cpus = affinity(process.pid);
  if (!cpus || cpus.length < 2) return undefined;
  const placement = { server: cpus.at(-1)!, driver: cpus.slice(0, -1) };
  setAffinity(process.pid, placement.driver);
  return placement;
})();

/** The CPUs `pid` may run on (`taskset -c -p`), or undefined when that cannot be read. */
function affinity(pid: number): number[] | undefined {
  try {
    const output = execFileSync("taskset", ["-c", "-p", String(pid)], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    // "pid 123's current affinity list: 0,2-3"
    return output
      .slice(output.lastIndexOf(":") + 1)
      .trim()
      .split(",")
      .flatMap((range) => {
        const [first, last = first] = range.split("-").map(Number) as [number, number?];
        return Array.from({ length: last - first + 1 }, (_, i) => first + i);
      });
  } catch {
    return undefined;
  }
}

/** Pins every thread of `pid` to `cpus`. */
function setAffinity(pid: number, cpus: number[]): void {
  execFileSync("taskset", ["-a", "-c", "-p", cpus.join(","), String(pid)], { stdio: "ignore" });
}

/** Pins the workerd processes this process started (Miniflare's children) to the server CPU. */
function pinWorkerd(): void {
  if (!placement) return;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // gone since the listing
    }
    // "pid (comm) state ppid …"; comm may hold spaces and parentheses.
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const ppid = Number(stat.slice(close + 2).split(" ")[1]);
    if (comm === "workerd" && ppid === process.pid) setAffinity(Number(name), [placement.server]);
  }
}

/** A timeline of `count` synthetic items, fresh (no background refresh starts). */
export function syntheticTimeline(count: number, sources: string[]): Timeline {
  const items = syntheticItems(count, sources);
  const now = new Date().toISOString();
  return { version: contentHash({ count, first: items[0]?.id }), builtAt: now, checkedAt: now, items, sources: [] };
}

/**
 * Stores `timeline` and, as a deployed home has after its first cron, the rel=me verdicts of every
 * identity account of `site` (all verified, so the page shows its badges).
 */
export async function seed(mf: Miniflare, timeline: Timeline, site: Site): Promise<void> {
  const kv = (await mf.getKVNamespace("M2_KV")) as unknown as KVNamespace;
  const checked_at = timeline.checkedAt;
  const verdicts: IdentityRecord["verdicts"] = {};
  for (const source of site.sources.filter(isVerifiable)) {
    verdicts[source.id] = { verdict: "verified", detail: "links back with rel=me", checked_url: source.url, checked_at };
  }
  await writeTimeline(kv, { ...timeline, identity: { accounts: identityAccountsHash(site), verdicts } });
}

export interface Load {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  bytes: number;
}

async function drive(url: string, seconds: number, connections: number): Promise<Load> {
  const result = await autocannon({ url, connections, duration: seconds });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    bytes: result.throughput.average / Math.max(result.requests.average, 1),
  };
}

/** Drives one URL with autocannon for `seconds` after a short warm-up. */
export async function load(url: string, seconds: number, connections = 10): Promise<Load> {
  await autocannon({ url, connections, amount: 200 });
  return drive(url, seconds, connections);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export interface Comparison {
  /** Medians over the rounds (p99: the worst round). */
  target: Load;
  baseline: Load;
  /** Median of the per-round ratios of req/s. */
  ratio: number;
  /** The per-round ratios, sorted. */
  ratios: number[];
}

/**
 * Compares `url` with `baselineUrl` in `rounds` one-second runs in which both are driven at
 * once, each by its own autocannon with the same connections. Both Workers share one CPU (see
 * `placement`): in each second they get the same cycles and lose the same ones to the host, so
 * the ratio of their req/s is the ratio of their costs per request. Run one after the other (as
 * this bench did before), the two halves of a round see different seconds of a shared machine:
 * the hello-world Worker against a second copy of itself gave per-round ratios of 0.84–1.27 and
 * a median of 0.94 over 11 rounds on a 2-CPU VM; driven at once on one CPU, 0.93–1.11 and medians
 * of 0.98–1.01 (three runs). The table's `hello vs hello` row shows the method's error in each run.
 */
export async function compare(url: string, baselineUrl: string, rounds: number, connections = 10): Promise<Comparison> {
  await autocannon({ url, connections, amount: 200 });
  await autocannon({ url: baselineUrl, connections, amount: 200 });
  const targets: Load[] = [];
  const baselines: Load[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // Alternate which starts first, so neither always gets the first connections in.
    const [target, baseline] =
      round % 2 === 0
        ? await Promise.all([drive(url, 1, connections), drive(baselineUrl, 1, connections)])
        : await Promise.all([drive(baselineUrl, 1, connections), drive(url, 1, connections)]).then(([b, a]) => [a, b] as const);
    targets.push(target);
    baselines.push(baseline);
    ratios.push(target.requestsPerSecond / Math.max(baseline.requestsPerSecond, 1));
  }
  const summarise = (loads: Load[]): Load => ({
    requestsPerSecond: median(loads.map((l) => l.requestsPerSecond)),
    p50: median(loads.map((l) => l.p50)),
    p99: Math.max(...loads.map((l) => l.p99)),
    errors: loads.reduce((sum, l) => sum + l.errors, 0),
    bytes: median(loads.map((l) => l.bytes)),
  });
  return { target: summarise(targets), baseline: summarise(baselines), ratio: median(ratios), ratios: ratios.sort((a, b) => a - b) };
}
