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
  return mf;
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
}

/**
 * Compares `url` with `baselineUrl` in `rounds` alternating one-second runs. On a shared machine
 * throughput drifts by 2× within a minute; neighbouring one-second runs see the same drift, so
 * the median of their ratios measures the Worker, not its neighbours.
 */
export async function compare(url: string, baselineUrl: string, rounds: number, connections = 10): Promise<Comparison> {
  await autocannon({ url, connections, amount: 200 });
  await autocannon({ url: baselineUrl, connections, amount: 200 });
  const targets: Load[] = [];
  const baselines: Load[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // Alternate which goes first, so neither always runs on a warmer machine.
    const [first, second] = round % 2 === 0 ? [url, baselineUrl] : [baselineUrl, url];
    const a = await drive(first, 1, connections);
    const b = await drive(second, 1, connections);
    const [target, baseline] = round % 2 === 0 ? [a, b] : [b, a];
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
  return { target: summarise(targets), baseline: summarise(baselines), ratio: median(ratios) };
}
