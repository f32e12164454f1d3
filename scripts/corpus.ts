/**
 * @module `npm run corpus -- <dir>`: runs the ingest pipeline (decode → parse → normalise →
 * sanitise) over every file under a folder and prints what it made of them: files, parsed, items,
 * failures grouped by reason, the slowest files. A robustness check over real-world feeds; it
 * never touches the network. Exits 1 only when a stage threw something other than a FeedError
 * (a bug: ingest must turn every bad feed into a clear reason).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { decodeFeed } from "../src/ingest/decode.ts";
import { normalise } from "../src/ingest/normalise.ts";
import { FeedError, parseFeed } from "../src/ingest/parse.ts";
import type { Source } from "../src/model.ts";

const root = process.argv[2];
if (!root) {
  console.error("usage: npm run corpus -- <dir>");
  process.exit(2);
}

/** Files that sit beside feeds in test corpora without being feeds. */
const NOT_FEEDS = /(?:^|\/)(?:LICENSE[^/]*|README[^/]*|[^/]*\.md|[^/]*_expected\.json|\.[^/]*)$/i;

/** gofeed keeps each input's expected parse beside it: `x.xml` and `x.json`. */
function isExpectedOutput(name: string, siblings: string[]): boolean {
  if (!name.endsWith(".json")) return false;
  const stem = name.slice(0, -".json".length);
  return siblings.some((other) => other !== name && other.startsWith(`${stem}.`));
}

function filesUnder(dir: string): string[] {
  const files: string[] = [];
  const names = readdirSync(dir).sort();
  for (const name of names) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...filesUnder(path));
    else if (!NOT_FEEDS.test(path) && !isExpectedOutput(name, names)) files.push(path);
  }
  return files;
}

const source: Source = {
  id: "corpus",
  url: "https://corpus.example/",
  label: "Corpus",
  service: "web",
  serviceName: "Website",
  feedOrigin: "configured",
  identity: false,
  authn: false,
  icon: "web",
  fediverse: false,
};

/** A failure reason without its file-specific details, so alike failures group together. */
function reasonOf(error: unknown): string {
  if (error instanceof FeedError) return error.message.replace(/\s*\(.*$/s, "").replace(/: .*$/s, "");
  return `BUG ${(error as Error)?.name ?? "Error"}: ${String((error as Error)?.message ?? error).split("\n")[0]}`;
}

interface FolderStats {
  files: number;
  parsed: number;
  withItems: number;
  items: number;
  failures: Map<string, string[]>;
}

const folders = new Map<string, FolderStats>();
const timings: { file: string; ms: number }[] = [];
const now = new Date("2026-11-28T12:00:00Z");
let bugs = 0;

for (const file of filesUnder(root)) {
  const rel = relative(root, file);
  const folder = rel.includes("/") ? rel.slice(0, rel.indexOf("/")) : ".";
  const stats = folders.get(folder) ?? { files: 0, parsed: 0, withItems: 0, items: 0, failures: new Map() };
  folders.set(folder, stats);
  stats.files++;
  const bytes = new Uint8Array(readFileSync(file));
  const started = performance.now();
  try {
    const text = decodeFeed(bytes, file.endsWith(".json") ? "application/feed+json" : null);
    const parsed = await parseFeed(text);
    const items = normalise(parsed, { source, feedUrl: `https://corpus.example/${rel}`, now }, 10_000);
    stats.parsed++;
    stats.items += items.length;
    if (items.length > 0) stats.withItems++;
  } catch (error) {
    const reason = reasonOf(error);
    if (reason.startsWith("BUG")) bugs++;
    const list = stats.failures.get(reason) ?? [];
    list.push(rel);
    stats.failures.set(reason, list);
  }
  timings.push({ file: rel, ms: performance.now() - started });
}

const pad = (text: string | number, width: number) => String(text).padStart(width);
console.log(`corpus: ${root}\n`);
console.log(`${"folder".padEnd(14)}${pad("files", 7)}${pad("parsed", 8)}${pad("w/ items", 10)}${pad("items", 8)}${pad("failed", 8)}`);
const total: FolderStats = { files: 0, parsed: 0, withItems: 0, items: 0, failures: new Map() };
for (const [name, stats] of folders) {
  const failed = stats.files - stats.parsed;
  console.log(`${name.padEnd(14)}${pad(stats.files, 7)}${pad(stats.parsed, 8)}${pad(stats.withItems, 10)}${pad(stats.items, 8)}${pad(failed, 8)}`);
  total.files += stats.files;
  total.parsed += stats.parsed;
  total.withItems += stats.withItems;
  total.items += stats.items;
  for (const [reason, files] of stats.failures) total.failures.set(reason, [...(total.failures.get(reason) ?? []), ...files]);
}
console.log(`${"total".padEnd(14)}${pad(total.files, 7)}${pad(total.parsed, 8)}${pad(total.withItems, 10)}${pad(total.items, 8)}${pad(total.files - total.parsed, 8)}`);

console.log("\nfailures by reason:");
const reasons = [...total.failures].sort((a, b) => b[1].length - a[1].length);
if (reasons.length === 0) console.log("  none");
for (const [reason, files] of reasons) {
  console.log(`${pad(files.length, 6)}  ${reason}`);
  for (const file of files.slice(0, 3)) console.log(`          e.g. ${file}`);
}

timings.sort((a, b) => b.ms - a.ms);
console.log("\nslowest files:");
for (const { file, ms } of timings.slice(0, 3)) console.log(`${pad(ms.toFixed(1), 8)} ms  ${file}`);
const totalMs = timings.reduce((sum, t) => sum + t.ms, 0);
console.log(`\n${timings.length} files in ${totalMs.toFixed(0)} ms (mean ${(totalMs / Math.max(1, timings.length)).toFixed(2)} ms)`);
if (bugs > 0) {
  console.error(`\n${bugs} file(s) made a stage throw something other than a FeedError: that is a bug.`);
  process.exit(1);
}
