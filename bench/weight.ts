/**
 * @module Part 4 (weight), the page half: the example profile (profile.json) refreshed from the
 * fixture feeds into a timeline, which the bench seeds into the hosted Worker before fetching `/`.
 */
import { gzipSync } from "node:zlib";
import profileJson from "../profile.json" with { type: "json" };
import { validateProfile } from "../src/config/index.ts";
import { refresh } from "../src/ingest/refresh.ts";
import { resolveSources } from "../src/sources/index.ts";
import type { Timeline } from "../src/store/index.ts";
import { CountingKV, fixture } from "./common.ts";

const FIXTURE_BY_SERVICE: Record<string, [file: string, type: string]> = {
  mastodon: ["mastodon.rss", "application/rss+xml"],
  github: ["github.atom", "application/atom+xml"],
  bluesky: ["bluesky.rss", "application/rss+xml"],
  youtube: ["youtube.atom", "application/atom+xml"],
};

/** The timeline of profile.json after one refresh, every feed answered by its fixture. */
export async function exampleTimeline(): Promise<Timeline> {
  const checked = validateProfile(profileJson);
  if (!checked.ok) throw new Error(checked.problems.join("; "));
  const sources = resolveSources(checked.profile);
  const byFeed = new Map<string, [file: string, type: string]>(sources.filter((source) => source.feed).map((source) => [source.feed!, FIXTURE_BY_SERVICE[source.service] ?? ["wordpress.rss", "application/rss+xml"]]));
  const fetcher = (async (input: RequestInfo | URL) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const entry = byFeed.get(url);
    if (!entry) return new Response("not found", { status: 404 });
    return new Response(fixture(entry[0]), { headers: { "Content-Type": `${entry[1]}; charset=utf-8` } });
  }) as typeof fetch;
  const kv = new CountingKV();
  await refresh(kv.asKV(), checked.profile, sources, { fetcher });
  const stored = kv.data.get("timeline");
  if (!stored) throw new Error("the example refresh stored no timeline");
  return JSON.parse(stored) as Timeline;
}

export interface PageWeight {
  bytes: number;
  gzipBytes: number;
  items: number;
  scripts: number;
  fonts: number;
  stylesheetBytes: number;
}

/** Weighs the page at `origin` and everything it links that would load with it. */
export async function weighPage(origin: string): Promise<PageWeight> {
  const html = new Uint8Array(await (await fetch(`${origin}/`)).arrayBuffer());
  const text = new TextDecoder().decode(html);
  const stylesheets = [...text.matchAll(/<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"/g)].map((match) => match[1]!);
  let css = "";
  for (const href of stylesheets) css += await (await fetch(new URL(href, `${origin}/`))).text();
  const fontLinks = [...text.matchAll(/<link\b[^>]*\b(?:as="font"|href="[^"]+\.(?:woff2?|ttf|otf)")/g)].length;
  return {
    bytes: html.byteLength,
    gzipBytes: gzipSync(html, { level: 9 }).byteLength,
    items: [...text.matchAll(/class="[^"]*\bh-entry\b/g)].length,
    // Code only: a JSON-LD (or other JSON) data block is a <script> element that never runs.
    scripts: [...text.matchAll(/<script\b([^>]*)>/gi)].filter((match) => !/\btype\s*=\s*["']?application\/(?:ld\+)?json/i.test(match[1]!)).length,
    fonts: fontLinks + [...css.matchAll(/@font-face/gi)].length,
    stylesheetBytes: new TextEncoder().encode(css).byteLength,
  };
}
