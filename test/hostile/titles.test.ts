/**
 * A title is text that no reader can take for markup. Feed readers guess whether an RSS title is
 * HTML (Python's feedparser renders it as HTML when it holds a closing tag or an entity), and
 * double-escaped titles are common: a title whose text still looks like a tag after decoding is
 * a live `<a href="javascript:…">` there. Every XSS vector goes in as a title escaped once and
 * twice (RSS, Atom `type="html"`, JSON Feed); no title that comes out of normalising, nor out of
 * any output that carries titles, holds anything a reader could read as a tag; nor does a
 * summary (an RSS description is HTML to every reader).
 */
import { describe, expect, it } from "vitest";
import { parse } from "parse5";
import type { DefaultTreeAdapterMap } from "parse5";
import vectorsText from "../fixtures/hostile/xss-vectors.txt?raw";
import { normalise } from "../../src/ingest/normalise.ts";
import { parseFeed } from "../../src/ingest/parse.ts";
import { neutralise, titleText } from "../../src/ingest/sanitise.ts";
import type { Source } from "../../src/model.ts";
import { FEED_TYPES, WORKERS_PAID, fakeNet, feedResponse, profileWith, request, runCron, workerFor } from "../helpers.ts";
import { xmlElements } from "./html-audit.ts";

const VECTORS = vectorsText.split("\n").filter((line) => line.trim() !== "");

/** What a reader could take for markup in a text: a tag, a closing tag, a comment or declaration, a processing instruction, or `<` spelled as an entity. */
const MARKUP = /<[A-Za-z/!?]|&(?:lt|#0*60|#x0*3c);/i;

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const SOURCE: Source = {
  id: "t", url: "https://t.example/", label: "Titles", service: "web", serviceName: "Website",
  feedOrigin: "configured", identity: false, authn: false, icon: "web", fediverse: false,
};
const NOW = new Date("2026-11-28T12:00:00Z");

/** RSS whose titles are the vectors escaped once (`once`) or twice, as in the wild. */
function rssWith(vectors: string[], escapes: 1 | 2): string {
  const title = (vector: string) => (escapes === 1 ? escapeXml(vector) : escapeXml(escapeXml(vector)));
  const items = vectors.map(
    (vector, index) =>
      `<item><title>${title(vector)}</title><link>https://rss.example/${index}</link><guid>https://rss.example/${index}</guid><description>${escapeXml(vector)}</description><pubDate>Mon, 2${index % 8} Nov 2026 10:00:00 GMT</pubDate></item>`,
  );
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Titles</title><link>https://rss.example/</link>${items.join("")}</channel></rss>`;
}

/** Atom whose `type="html"` titles are the vectors escaped twice: their HTML is the vector as text. */
function atomWith(vectors: string[]): string {
  const entries = vectors.map(
    (vector, index) =>
      `<entry><id>tag:atom.example,2026:${index}</id><title type="html">${escapeXml(escapeXml(vector))}</title><link href="https://atom.example/${index}"/><updated>2026-11-2${index % 8}T10:00:00Z</updated><content type="html">${escapeXml(vector)}</content></entry>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><id>https://atom.example/</id><title>Titles</title><updated>2026-11-28T10:00:00Z</updated>${entries.join("")}</feed>`;
}

function jsonFeedWith(vectors: string[]): string {
  return JSON.stringify({
    version: "https://jsonfeed.org/version/1.1",
    items: vectors.flatMap((vector, index) => [
      { id: `${index}`, url: `https://json.example/${index}`, title: vector, content_text: vector, date_published: `2026-11-2${index % 8}T10:00:00Z` },
      { id: `${index}e`, url: `https://json.example/${index}e`, title: escapeXml(vector), date_published: `2026-11-2${index % 8}T10:00:00Z` },
      // Untitled: the title is made from the text, which says the vector.
      { id: `${index}u`, url: `https://json.example/${index}u`, content_html: escapeXml(vector), date_published: `2026-11-2${index % 8}T10:00:00Z` },
    ]),
  });
}

describe("titleText and neutralise", () => {
  it("read a double-escaped title as its words, and make what is left plain characters", () => {
    expect(titleText("&lt;b&gt;Bold&lt;/b&gt; title")).toBe("Bold title");
    expect(titleText('&amp;lt;a href="javascript:alert(1)"&amp;gt;click&amp;lt;/a&amp;gt;')).toBe("click");
    expect(titleText("Tom &amp; Jerry &gt; 3 &lt; 4")).toBe("Tom & Jerry > 3 < 4");
    expect(neutralise("I <3 <div>s & more")).toBe("I ‹3 ‹div>s ＆ more");
    expect(neutralise("3 < 4 & 5 > 2")).toBe("3 < 4 & 5 > 2");
  });
});

describe("every XSS vector as a title", () => {
  it("normalises to a title that holds nothing a reader could take for markup (RSS once and twice escaped, Atom html, JSON Feed)", async () => {
    const feeds = [rssWith(VECTORS, 1), rssWith(VECTORS, 2), atomWith(VECTORS), jsonFeedWith(VECTORS)];
    const leaks: string[] = [];
    let titles = 0;
    for (const text of feeds) {
      const items = normalise(await parseFeed(text), { source: SOURCE, feedUrl: "https://t.example/feed", now: NOW }, 10_000);
      for (const item of items) {
        titles++;
        if (MARKUP.test(item.title)) leaks.push(item.title);
      }
    }
    expect(titles).toBeGreaterThanOrEqual(VECTORS.length * 6);
    expect(leaks).toEqual([]);
  });

  it("leaves no markup-looking title in RSS, Atom, JSON Feed, the page, OPML or /status", async () => {
    const vectors = VECTORS.slice(0, 120);
    const net = fakeNet({
      "https://rss.example/feed.xml": feedResponse(rssWith(vectors, 2), FEED_TYPES.rss),
      "https://atom.example/feed.atom": feedResponse(atomWith(vectors), FEED_TYPES.atom),
      "https://json.example/feed.json": feedResponse(jsonFeedWith(vectors), FEED_TYPES.json),
    });
    const profile = profileWith(
      [
        { url: "https://rss.example/", feed: "https://rss.example/feed.xml", label: "RSS" },
        { url: "https://atom.example/", feed: "https://atom.example/feed.atom", label: "Atom" },
        { url: "https://json.example/", feed: "https://json.example/feed.json", label: "JSON" },
      ],
      { settings: { itemsPerSource: 500, maxItems: 10_000, pageItems: 200, feedItems: 500, ...WORKERS_PAID } },
    );
    const worker = workerFor(profile, { refresh: { fetcher: net.fetcher } });
    await runCron(worker);
    const leaks: string[] = [];
    const check = (where: string, titles: string[], least: number) => {
      expect(titles.length, where).toBeGreaterThanOrEqual(least);
      for (const title of titles) if (MARKUP.test(title)) leaks.push(`${where}: ${title}`);
    };

    // The XML text of each <title>, as a reader gets it after XML decoding: what feedparser sniffs.
    const rss = xmlElements(await (await request(worker, "/feed.xml?limit=500")).text());
    check("RSS", rss.filter((element) => element.name === "title").map((element) => element.text), 400);
    // An RSS description is HTML to every reader: the summary m2 writes there is text, so it too
    // must hold nothing that reads as a tag once XML-decoded. Names and categories likewise.
    check("RSS description", rss.filter((element) => element.name === "description").map((element) => element.text), 200);
    check("RSS author, category", rss.filter((element) => ["dc:creator", "category"].includes(element.name)).map((element) => element.text), 0);
    const atom = xmlElements(await (await request(worker, "/atom.xml?limit=500")).text());
    check("Atom", atom.filter((element) => element.name === "title").map((element) => element.text), 400);
    const json = (await (await request(worker, "/feed.json?limit=500")).json()) as { items: { title?: string; summary?: string }[] };
    check("JSON Feed", json.items.flatMap((item) => (item.title === undefined ? [] : [item.title])), 300);
    check("JSON Feed summary", json.items.flatMap((item) => (item.summary === undefined ? [] : [item.summary])), 200);

    const page = parse(await (await request(worker, "/?limit=200")).text());
    // The cards' titles (an untitled post's excerpt is its text, not a title).
    check("page", textsOf(page, (element) => element.tagName === "h3" && classOf(element).includes("p-name")), 10);

    const opml = xmlElements(await (await request(worker, "/opml.xml")).text());
    check("OPML", opml.flatMap((element) => [element.attributes.text ?? "", element.attributes.title ?? ""]).filter((text) => text !== ""), 3);
    const statusPage = parse(await (await request(worker, "/status")).text());
    check("status page", textsOf(statusPage, () => true), 3);
    const statusJson = (await (await request(worker, "/status.json")).json()) as { sources: Record<string, unknown>[] };
    check("status.json", JSON.stringify(statusJson).match(/"(?:[^"\\]|\\.)*"/g) ?? [], 3);

    expect(leaks).toEqual([]);
  });
});

type Element = DefaultTreeAdapterMap["element"];
type Node = DefaultTreeAdapterMap["node"];

function classOf(element: Element): string[] {
  return (element.attrs.find((attribute) => attribute.name === "class")?.value ?? "").split(/\s+/);
}

/** The whole text of every element `wanted` picks (outside script, style and template). */
function textsOf(document: Node, wanted: (element: Element) => boolean): string[] {
  const texts: string[] = [];
  const textOf = (node: Node): string =>
    "value" in node && node.nodeName === "#text" ? String(node.value) : "childNodes" in node ? (node.childNodes as Node[]).map(textOf).join("") : "";
  const walk = (node: Node) => {
    if ("tagName" in node) {
      if (["script", "style", "template"].includes(node.tagName)) return;
      if (wanted(node) && !(node.childNodes as Node[]).some((child) => "tagName" in child && wanted(child))) texts.push(textOf(node));
    }
    if ("childNodes" in node) for (const child of node.childNodes as Node[]) walk(child);
  };
  walk(document);
  return texts;
}
