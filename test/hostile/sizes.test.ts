/**
 * A small feed never becomes a large record: every string an item stores is capped (limits.ts)
 * whatever the feed does to grow it (a long xml:base copied into thousands of relative URLs,
 * megabytes of one element), the cut HTML is still whole HTML, and the lenient pass holds no more
 * than one capped text per field however deeply the document nests its items.
 */
import { describe, expect, it } from "vitest";
import { parseLenient } from "../../src/ingest/lenient.ts";
import * as limits from "../../src/ingest/limits.ts";
import { normalise } from "../../src/ingest/normalise.ts";
import { parseFeed } from "../../src/ingest/parse.ts";
import { sanitise } from "../../src/ingest/sanitise.ts";
import type { Item, Source } from "../../src/model.ts";
import { auditHtml } from "./html-audit.ts";

const SOURCE: Source = {
  id: "big", url: "https://big.example/", label: "Big", service: "web", serviceName: "Website",
  feedOrigin: "configured", identity: false, authn: false, icon: "web", fediverse: false,
};
const NOW = new Date("2026-11-28T12:00:00Z");
const FEED_URL = "https://big.example/feed";

async function itemsOf(text: string): Promise<Item[]> {
  return normalise(await parseFeed(text), { source: SOURCE, feedUrl: FEED_URL, now: NOW }, 50);
}

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The most characters one stored item can take as JSON: every capped field full, each character escaped (×2). */
const ITEM_JSON_MAX =
  2 *
  (limits.MAX_CONTENT_HTML_CHARS + limits.MAX_SUMMARY_CHARS + limits.MAX_TITLE_CHARS + limits.MAX_ID_CHARS + 4 * limits.MAX_URL_CHARS +
    limits.MAX_AUTHOR_CHARS + limits.MAX_TAGS * limits.MAX_TAG_CHARS + limits.MAX_LANG_CHARS + limits.MAX_MIME_TYPE_CHARS + 1_000);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Stored HTML is whole: in the sanitiser's normal form (sanitising again changes nothing), nothing unsafe, no half character. */
function expectWholeHtml(html: string): void {
  expect(html.length).toBeLessThanOrEqual(limits.MAX_CONTENT_HTML_CHARS);
  expect(sanitise(html, FEED_URL)).toBe(html);
  expect(auditHtml(html)).toEqual([]);
  expect(LONE_SURROGATE.test(html)).toBe(false);
}

function atom(base: string, content: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="${escapeXml(base)}"><title>Big</title><id>https://big.example/</id><updated>2026-11-23T10:00:00Z</updated>
<entry><id>https://big.example/1</id><title>One</title><link href="https://big.example/1"/><updated>2026-11-23T10:00:00Z</updated>
<content type="html">${escapeXml(content)}</content></entry></feed>`;
}

describe("an item's stored size is bounded", () => {
  it("a 60 KB Atom feed with a 10 KB xml:base and 2 700 relative images stays one small item (was 27 MB)", async () => {
    const base = `https://big.example/${"b".repeat(10_000)}/`;
    const text = atom(base, "<img src=a>".repeat(2_700));
    expect(text.length).toBeLessThan(70_000);
    const [item] = await itemsOf(text);
    expect(JSON.stringify(item).length).toBeLessThanOrEqual(ITEM_JSON_MAX);
    expectWholeHtml(item!.content_html);
    // The base is too long to be one: relative URLs resolve against the feed's own URL instead.
    expect(item!.content_html).toContain('<img src="https://big.example/a"');
    expect(item!.content_html).not.toContain("bbbb");
  });

  it("1 MB of relative images without xml:base is cut to the cap, whole images only (was 5.6 MB)", async () => {
    const json = JSON.stringify({
      version: "https://jsonfeed.org/version/1.1",
      items: [{ id: "1", url: "https://big.example/1", content_html: "<img src=a>".repeat(95_000), date_published: "2026-11-23T10:00:00Z" }],
    });
    const [item] = await itemsOf(json);
    expect(JSON.stringify(item).length).toBeLessThanOrEqual(ITEM_JSON_MAX);
    expectWholeHtml(item!.content_html);
    expect(item!.content_html.endsWith('loading="lazy" />')).toBe(true);
  });

  it("a cut never leaves an open element, a broken entity or half an emoji", async () => {
    const nested = `${"<div><blockquote>".repeat(5_000)}${"deep &amp; deeper ".repeat(5_000)}`;
    const emoji = `<p>${"😀".repeat(40_000)}</p>`;
    const entities = `<p>${"&lt;&amp;&quot;".repeat(20_000)}</p>`;
    for (const content of [nested, emoji, `<p>x${"😀".repeat(40_000)}</p>`, entities]) {
      const [item] = await itemsOf(atom("https://big.example/", content));
      expectWholeHtml(item!.content_html);
      expect(item!.content_html.length).toBeGreaterThan(limits.MAX_CONTENT_HTML_CHARS / 4);
      expect(LONE_SURROGATE.test(JSON.stringify(item))).toBe(false);
    }
  });

  it("caps every other string: id, urls, image, author, tags, language, enclosure type, title, summary", async () => {
    const long = (prefix: string, length: number) => `${prefix}${"x".repeat(length)}`;
    const json = JSON.stringify({
      version: "https://jsonfeed.org/version/1.1",
      items: [
        {
          id: long("id-", 50_000),
          url: long("https://big.example/", 50_000),
          title: long("Title ", 50_000),
          summary: long("Summary ", 50_000),
          content_text: long("Text ", 1_000_000),
          image: long("https://big.example/i/", 50_000),
          date_published: "2026-11-23T10:00:00Z",
          authors: [{ name: long("Name ", 50_000), url: long("https://big.example/u/", 50_000) }],
          tags: Array.from({ length: 10_000 }, (_, index) => long(`tag${index} `, 1_000)),
          language: long("en-", 50_000),
          attachments: [{ url: long("https://big.example/a/", 50_000), mime_type: long("audio/", 50_000) }],
        },
      ],
    });
    const [item] = await itemsOf(json);
    expect(JSON.stringify(item).length).toBeLessThanOrEqual(ITEM_JSON_MAX);
    // A long id is replaced by a hash of it, never cut (two ids with one start stay two).
    expect(item!.id).toMatch(/^hash:/);
    expect(item!.id.length).toBeLessThanOrEqual(limits.MAX_ID_CHARS);
    // URLs too long to store are dropped, never cut into another URL.
    expect(item!.url).toBeUndefined();
    expect(item!.image).toBeUndefined();
    expect(item!.enclosure).toBeUndefined();
    expect(item!.author?.url).toBeUndefined();
    expect(item!.author?.name?.length).toBeLessThanOrEqual(limits.MAX_AUTHOR_CHARS);
    expect(item!.title.length).toBeLessThanOrEqual(limits.MAX_TITLE_CHARS);
    expect(item!.summary.length).toBeLessThanOrEqual(limits.MAX_SUMMARY_CHARS);
    expect(item!.tags?.length).toBe(limits.MAX_TAGS);
    for (const tag of item!.tags!) expect(tag.length).toBeLessThanOrEqual(limits.MAX_TAG_CHARS);
    expect(item!.lang).toBeUndefined();
    expectWholeHtml(item!.content_html);
  });

  it("the lenient pass takes only the channel's own items, each field capped (nested items took +289 MB)", async () => {
    // No version on <rss>: rss-parser refuses it, so the lenient pass reads it. Each item's
    // description holds the next item, 2 000 deep: 424 KB.
    const depth = 2_000;
    let nested = "";
    for (let level = depth; level > 0; level--) {
      nested = `<item><title>Level ${level}</title><link>https://big.example/${level}</link><description>${"text ".repeat(30)}${nested}</description></item>`;
    }
    const text = `<rss><channel><title>Big</title><link>https://big.example/</link>${nested}</channel></rss>`;
    expect(text.length).toBeGreaterThan(400_000);
    const feed = parseLenient(text)!;
    expect(feed.items.map((item) => item.title)).toEqual(["Level 1"]);
    const held = JSON.stringify(feed).length;
    expect(held).toBeLessThanOrEqual(2 * limits.MAX_LENIENT_FIELD_CHARS + 10_000);
    const [item] = await itemsOf(text);
    expect(item!.url).toBe("https://big.example/1");
    expectWholeHtml(item!.content_html);
  });
});
