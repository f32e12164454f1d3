/** @module Shared bench helpers: a counting in-memory KV, fixture feeds, synthetic items, the table. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Item } from "../src/model.ts";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** A KV namespace in memory that counts its operations (the subset m2 uses). */
export class CountingKV {
  readonly data = new Map<string, string>();
  reads = 0;
  writes = 0;

  async get(key: string, type?: "json" | "text"): Promise<unknown> {
    this.reads++;
    const value = this.data.get(key);
    if (value === undefined) return null;
    return type === "json" ? JSON.parse(value) : value;
  }

  async put(key: string, value: string): Promise<void> {
    this.writes++;
    this.data.set(key, value);
  }

  resetCounts(): void {
    this.reads = 0;
    this.writes = 0;
  }

  asKV(): KVNamespace {
    return this as unknown as KVNamespace;
  }
}

export function fixture(name: string): string {
  return readFileSync(new URL(`../test/fixtures/feeds/${name}`, import.meta.url), "utf8");
}

/** `count` synthetic items, newest first, spread over `sources`, with realistic content sizes. */
export function syntheticItems(count: number, sources: string[], now = Date.now()): Item[] {
  const items: Item[] = [];
  for (let i = 0; i < count; i++) {
    const source = sources[i % sources.length]!;
    const url = `https://example.org/${source}/posts/${i}`;
    items.push({
      id: url,
      source,
      url,
      title: `Post number ${i}: notes on the independent web`,
      titleGenerated: false,
      content_html: `<p>Post ${i}. ${"Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(6)}</p><p><a href="${url}" rel="nofollow ugc noopener">Read more</a></p>`,
      summary: `Post ${i}. ${"Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(3)}`.trim(),
      published: new Date(now - i * 3_600_000).toISOString(),
      lang: "fr",
      tags: ["web", "indieweb"],
    });
  }
  return items;
}

export type Verdict = "PASS" | "FAIL";

export interface Row {
  part: string;
  measure: string;
  value: string;
  target: string;
  verdict: Verdict | "";
}

export const verdict = (ok: boolean): Verdict => (ok ? "PASS" : "FAIL");

/** Prints rows as an aligned text table. */
export function printTable(rows: Row[]): void {
  const header = { part: "part", measure: "measure", value: "value", target: "target", verdict: "PASS/FAIL" };
  const all = [header, ...rows];
  const keys = ["part", "measure", "value", "target", "verdict"] as const;
  const widths = keys.map((key) => Math.max(...all.map((row) => row[key].length)));
  const line = (row: Record<(typeof keys)[number], string>) => keys.map((key, i) => row[key].padEnd(widths[i]!)).join(" │ ").trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => "─".repeat(w)).join("─┼─"));
  for (const row of rows) console.log(line(row));
}
