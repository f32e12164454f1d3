/**
 * @module Part 2 (refresh pipeline), timed in Node (performance.now() does not advance inside
 * workerd): decode + parse + normalise + sanitise + merge of WordPress-style feeds of 10, 50 and
 * 500 items, against a raw rss-parser parse of the same bytes.
 */
import Parser from "rss-parser";
import { decodeFeed } from "../src/ingest/decode.ts";
import { readFeed } from "../src/ingest/normalise.ts";
import { mergeTimeline } from "../src/ingest/merge.ts";
import type { Item } from "../src/model.ts";
import { BLOG_SOURCE } from "../test/fleet.ts";

const SOURCE = BLOG_SOURCE;
const ITEMS_PER_SOURCE = 50;

/**
 * A WordPress-style RSS feed of `count` items (content:encoded with images, links, hostile bits),
 * the newest `skip` posts left out (so `wordpressFeed(n, 1)` is the same blog one post earlier).
 */
export function wordpressFeed(count: number, skip = 0): string {
  const items: string[] = [];
  const start = Date.parse("2026-11-25T07:00:00Z");
  for (let i = skip; i < skip + count; i++) {
    const date = new Date(start - i * 86_400_000).toUTCString();
    items.push(`	<item>
		<title>Billet ${i} : pourquoi j&#8217;ai quitté les silos &#038; repris mon domaine</title>
		<link>https://blog.camille.example/2026/11/billet-${i}/</link>
		<dc:creator><![CDATA[Camille]]></dc:creator>
		<pubDate>${date}</pubDate>
		<category><![CDATA[IndieWeb]]></category>
		<category><![CDATA[Réflexions]]></category>
		<guid isPermaLink="false">https://blog.camille.example/?p=${1000 + i}</guid>
		<description><![CDATA[Après dix ans sur les réseaux, j&#8217;ai décidé de tout rapatrier chez moi. Voici pourquoi, et comment. [&#8230;]]]></description>
		<content:encoded><![CDATA[<p>Après dix ans sur les réseaux, j&#8217;ai décidé de tout rapatrier <em>chez moi</em>.</p>
<figure class="wp-block-image"><img decoding="async" src="/wp-content/uploads/2026/11/maison-${i}.jpg" alt="Une petite maison" class="wp-image-413" /></figure>
<p>Un domaine, une page, tous mes comptes. Le Web indépendant n&#8217;est pas une nostalgie : c&#8217;est une <strong>adresse</strong> qui ne change pas quand une plateforme ferme.</p>
<ul><li>Mastodon</li><li>GitHub</li><li>YouTube</li></ul>
<p>Lire aussi <a href="/2026/10/mon-premier-m2/">mon premier m²</a> et <a href="https://indieweb.org/POSSE">POSSE</a>.</p>
<script>alert("hostile")</script>
<p onmouseover="steal()">Fin.</p>]]></content:encoded>
	</item>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
	<title>Le blog de Camille</title>
	<link>https://blog.camille.example</link>
	<description>Web indépendant, accessibilité, et le reste</description>
	<language>fr-FR</language>
${items.join("\n")}
</channel>
</rss>
`;
}

const rawParser = new Parser();

interface Stored {
  items: Item[];
  fingerprints: Record<string, string>;
  older?: Record<string, string>;
}

/** What m2 does with a fetched body (as refresh.ts does): decode, parse, normalise + sanitise, merge. */
async function pipeline(bytes: Uint8Array, stored: Stored, now: Date): Promise<Stored> {
  const previous = new Map(stored.items.map((item) => [item.id, item]));
  const text = decodeFeed(bytes, "application/rss+xml; charset=utf-8");
  const fresh = await readFeed(text, { source: SOURCE, feedUrl: SOURCE.feed!, now, previous, fingerprints: stored.fingerprints, older: stored.older ?? {} }, ITEMS_PER_SOURCE);
  return { items: mergeTimeline([fresh.items, stored.items], ITEMS_PER_SOURCE), fingerprints: fresh.fingerprints, older: fresh.older };
}

const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;

/** Milliseconds per call of `run`, over a batch of `repetitions` calls. */
async function batch(run: () => Promise<unknown>, repetitions: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < repetitions; i++) await run();
  return (performance.now() - start) / repetitions;
}

/**
 * Times `runs` in turn for about `budgetMs`: each round runs every one of them as a batch of
 * about 20 ms (so each batch pays for its own garbage collection, and the timer's resolution is
 * far below a batch), then the ratio of each to the first is taken within the round. The medians
 * of those per-round ratios compare runs that saw the same state of a shared machine.
 */
async function timeInTurn(runs: (() => Promise<unknown>)[], budgetMs: number): Promise<{ ms: number[]; ratios: number[] }> {
  // Warm up until V8 has optimised the code paths, and size each batch to about 20 ms.
  const warm = performance.now() + budgetMs / 4;
  while (performance.now() < warm) for (const run of runs) await run();
  const repetitions: number[] = [];
  for (const run of runs) repetitions.push(Math.max(1, Math.round(20 / (await batch(run, 3)))));
  const samples: number[][] = runs.map(() => []);
  const ratios: number[][] = runs.map(() => []);
  const until = performance.now() + budgetMs;
  while (performance.now() < until || samples[0]!.length < 7) {
    const round: number[] = [];
    for (const [index, run] of runs.entries()) round.push(await batch(run, repetitions[index]!));
    round.forEach((ms, index) => {
      samples[index]!.push(ms);
      ratios[index]!.push(ms / round[0]!);
    });
  }
  return { ms: samples.map(median), ratios: ratios.map(median) };
}

export interface PipelineResult {
  items: number;
  rawMs: number;
  /** The steady state: the feed has one post the stored items do not. */
  pipelineMs: number;
  ratio: number;
  /** The first fetch of a source: nothing stored yet. */
  coldMs: number;
  coldRatio: number;
}

export async function benchPipeline(sizes = [10, 50, 500], budgetMs = 4000): Promise<PipelineResult[]> {
  const now = new Date("2026-11-26T00:00:00Z");
  const results: PipelineResult[] = [];
  for (const size of sizes) {
    const bytes = new TextEncoder().encode(wordpressFeed(size));
    // What the previous cron run stored: the same blog one post earlier.
    const previous = await pipeline(new TextEncoder().encode(wordpressFeed(size, 1)), { items: [], fingerprints: {} }, now);
    // The raw parse gets the same UTF-8 decoding step as ours.
    const { ms, ratios } = await timeInTurn(
      [
        () => rawParser.parseString(new TextDecoder("utf-8").decode(bytes)),
        () => pipeline(bytes, previous, now),
        () => pipeline(bytes, { items: [], fingerprints: {} }, now),
      ],
      budgetMs,
    );
    results.push({ items: size, rawMs: ms[0]!, pipelineMs: ms[1]!, ratio: ratios[1]!, coldMs: ms[2]!, coldRatio: ratios[2]! });
  }
  return results;
}

if (import.meta.main) {
  for (const result of await benchPipeline()) console.log(result);
}
