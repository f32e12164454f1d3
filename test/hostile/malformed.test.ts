/**
 * Malformed and odd feeds: parsing never throws out of ingest. A document that cannot be read marks
 * its source with a clear reason and the other sources go on; a document that can be read with
 * some forgiveness (the lenient second pass) is read, and /status says so.
 */
import { describe, expect, it } from "vitest";
import { decodeFeed } from "../../src/ingest/decode.ts";
import { normalise } from "../../src/ingest/normalise.ts";
import { FeedError, parseFeed } from "../../src/ingest/parse.ts";
import type { Source } from "../../src/model.ts";
import { FEED_TYPES, FIXTURES, WORKERS_PAID, fakeNet, feedResponse, profileWith, request, runCron, workerFor } from "../helpers.ts";

const SOURCE: Source = {
  id: "odd", url: "https://odd.example/", label: "Odd", service: "web", serviceName: "Website",
  feedOrigin: "configured", identity: false, authn: false, icon: "web", fediverse: false,
};
const NOW = new Date("2026-11-28T12:00:00Z");

async function itemsOf(text: string) {
  return normalise(await parseFeed(text), { source: SOURCE, feedUrl: "https://odd.example/feed", now: NOW }, 10_000);
}

async function reasonOf(text: string): Promise<string> {
  try {
    await parseFeed(text);
  } catch (error) {
    expect(error).toBeInstanceOf(FeedError);
    return (error as Error).message;
  }
  throw new Error("expected a FeedError");
}

const rss = (items: string, root = '<rss version="2.0">') => `<?xml version="1.0"?>${root}<channel><title>T</title><link>https://odd.example/</link>${items}</channel></rss>`;
const item = (n: number) => `<item><title>Post ${n}</title><link>https://odd.example/${n}</link><guid>https://odd.example/${n}</guid><pubDate>Mon, 23 Nov 2026 10:${String(n % 60).padStart(2, "0")}:00 GMT</pubDate><description>&lt;p&gt;Body ${n}&lt;/p&gt;</description></item>`;

const ODD_DOCUMENTS: Record<string, string> = {
  html: "<!doctype html><html><head><title>Blog</title></head><body><p>Hello</p></body></html>",
  empty: "",
  whitespace: "  \n\t ",
  garbage: "this is not a feed at all",
  xmlNotFeed: '<?xml version="1.0"?><note><to>Tove</to></note>',
  jsonNotFeed: '{"hello": "world"}',
  brokenJson: '{"version": "https://jsonfeed.org/version/1.1", "items": [',
};

describe("parseFeed on documents that are not feeds", () => {
  it.each([
    ["html", /HTML page/],
    ["empty", /empty/],
    ["whitespace", /empty/],
    ["garbage", /not an RSS, Atom or JSON feed/],
    ["xmlNotFeed", /not an RSS, Atom or JSON feed/],
    ["jsonNotFeed", /not a valid JSON Feed: version/],
    ["brokenJson", /JSON could not be read/],
  ])("%s → a FeedError saying %s", async (name, reason) => {
    expect(await reasonOf(ODD_DOCUMENTS[name]!)).toMatch(reason);
  });
});

describe("parseFeed on odd but readable feeds", () => {
  it("refuses a truncated document (a broken transfer: the last good items stay)", async () => {
    const whole = rss([1, 2, 3].map(item).join(""));
    expect(await reasonOf(whole.slice(0, whole.indexOf("Body 3")))).toMatch(/^the XML could not be read \(/);
    // Only the closing root tag missing: every item is whole, so it is read.
    expect((await parseFeed(whole.slice(0, -"</rss>".length))).items).toHaveLength(3);
  });

  it("decodes invalid UTF-8 as U+FFFD instead of failing", async () => {
    const bytes = new TextEncoder().encode(rss(item(1).replace("Body 1", "Body \u0001X")));
    const at = bytes.indexOf(0x01);
    bytes[at] = 0xff; // a byte that never starts a UTF-8 sequence
    const items = await itemsOf(decodeFeed(bytes, "application/rss+xml; charset=utf-8"));
    expect(items).toHaveLength(1);
    expect(items[0]!.content_html).toBe("<p>Body \uFFFDX</p>");
  });

  it("reads a feed using an undeclared namespace prefix", async () => {
    const items = await itemsOf(rss(item(1).replace("</item>", "<dc:creator>Camille</dc:creator><media:thumbnail url='https://odd.example/t.jpg'/></item>")));
    expect(items).toHaveLength(1);
    expect(items[0]!.author?.name).toBe("Camille");
  });

  it("reads a feed with HTML entities XML does not define, and one with a DTD entity", async () => {
    const entities = await itemsOf(rss(item(1).replace("<title>Post 1</title>", "<title>L&rsquo;été&nbsp;&hellip; &unknownentity;</title>")));
    expect(entities[0]!.title).toBe("L’été … &unknownentity;"); // nbsp folded; an unknown entity stays text
    const dtd = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY me "Camille">]><rss version="2.0"><channel><title>T</title>${item(1).replace("Post 1", "Post by &me;")}</channel></rss>`;
    expect(await itemsOf(dtd)).toHaveLength(1);
  });

  it("reads <rss> without a version, and RSS 1.0 without a channel's items list", async () => {
    expect(await itemsOf(rss(item(1) + item(2), "<rss>"))).toHaveLength(2);
    const rdf = `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://odd.example/"><title>T</title></channel><item rdf:about="https://odd.example/1"><title>One</title><link>https://odd.example/1</link></item></rdf:RDF>`;
    expect((await itemsOf(rdf)).map((entry) => entry.url)).toEqual(["https://odd.example/1"]);
  });

  it("keeps every Atom entry when one has an invalid date (rss-parser throws on it)", async () => {
    const entry = (n: number, date: string) =>
      `<entry><id>tag:odd.example,2026:${n}</id><title>E${n}</title><link href="https://odd.example/e${n}"/><updated>${date}</updated><content type="html">&lt;p&gt;x&lt;/p&gt;</content></entry>`;
    const atom = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><id>x</id><title>T</title>${entry(1, "2026-11-20T10:00:00Z")}${entry(2, "not a date")}${entry(3, "2026-11-22T10:00:00Z")}</feed>`;
    const items = await itemsOf(atom);
    expect(items.map((entry) => entry.title).sort()).toEqual(["E1", "E2", "E3"]);
    // The undated entry is first seen now; the dated ones keep their dates.
    expect(items.find((entry) => entry.title === "E2")!.published).toBe(NOW.toISOString());
    expect(items.find((entry) => entry.title === "E1")!.published).toBe("2026-11-20T10:00:00.000Z");
  });

  it("gives items without id, date or link a stable id and the first-seen time", async () => {
    const bare = rss("<item><description>Just text</description></item><item><title>Only a title</title></item>");
    const first = await itemsOf(bare);
    const second = await itemsOf(bare);
    expect(first).toHaveLength(2);
    expect(first.map((entry) => entry.id)).toEqual(second.map((entry) => entry.id));
    for (const entry of first) {
      expect(entry.id).toMatch(/^hash:/);
      expect(entry.url).toBeUndefined();
      expect(entry.published).toBe(NOW.toISOString());
    }
  });

  it("reads a 10 000-item feed and keeps the newest within the limit", async () => {
    const big = rss(Array.from({ length: 10_000 }, (_, n) => item(n)).join(""));
    const parsed = await parseFeed(big);
    expect(parsed.items).toHaveLength(10_000);
    const kept = normalise(parsed, { source: SOURCE, feedUrl: "https://odd.example/feed", now: NOW }, 50);
    expect(kept).toHaveLength(50);
  }, 30_000); // CPU-bound: 10 000 items parsed and sanitised inside workerd

  it("normalises only the newest items of a long feed, with the same result as normalising all", async () => {
    // Shuffled dates, undated items and duplicates: the shortcut must pick exactly what the full pass keeps.
    const entries = Array.from({ length: 600 }, (_, n) => {
      const k = (n * 7919) % 600;
      const date = k % 13 === 0 ? "" : `<pubDate>${new Date(Date.UTC(2026, 0, 1) + k * 3_600_000).toUTCString()}</pubDate>`;
      const id = k % 17 === 0 ? "dup" : String(k);
      return `<item><title>P${k}</title><guid>${id}</guid>${date}</item>`;
    });
    const parsed = await parseFeed(rss(entries.join("")));
    const context = { source: SOURCE, feedUrl: "https://odd.example/feed", now: NOW };
    expect(normalise(parsed, context, 20)).toEqual(normalise(parsed, context, 100_000).slice(0, 20));
  });

  it("accepts JSON Feeds whose version says http:// or a bare 1.1", async () => {
    for (const version of ["http://jsonfeed.org/version/1", "1.1"]) {
      expect(await itemsOf(JSON.stringify({ version, items: [{ id: "1", content_text: "hi" }] }))).toHaveLength(1);
    }
  });
});

describe("odd feeds through the Worker", () => {
  it("marks each unreadable source with its reason and keeps serving the others", async () => {
    const documents = { ...ODD_DOCUMENTS, huge: rss(Array.from({ length: 10_000 }, (_, n) => item(n)).join("")) };
    const net = fakeNet({ "https://mastodon.social/@camille.rss": feedResponse(FIXTURES.mastodon, FEED_TYPES.rss) });
    const accounts: { url: string; feed?: string; label?: string }[] = [{ url: "https://mastodon.social/@camille" }];
    for (const [name, body] of Object.entries(documents)) {
      net.set(`https://${name.toLowerCase()}.example/feed`, feedResponse(body, FEED_TYPES.rss));
      accounts.push({ url: `https://${name.toLowerCase()}.example/`, feed: `https://${name.toLowerCase()}.example/feed`, label: name });
    }
    const worker = workerFor(profileWith(accounts, { settings: WORKERS_PAID }), { refresh: { fetcher: net.fetcher } });
    await runCron(worker);

    const status = (await (await request(worker, "/status.json")).json()) as { sources: { id: string; error: string | null; item_count: number }[] };
    const byId = new Map(status.sources.map((source) => [source.id, source]));
    expect(byId.get("mastodon")).toMatchObject({ error: null, item_count: 3 });
    expect(byId.get("html")!.error).toMatch(/HTML page/);
    expect(byId.get("empty")!.error).toMatch(/empty/);
    expect(byId.get("garbage")!.error).toMatch(/not an RSS, Atom or JSON feed/);
    expect(byId.get("brokenjson")!.error).toMatch(/JSON could not be read/);
    expect(byId.get("huge")).toMatchObject({ error: null, item_count: 50 });

    const page = await request(worker, "/");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("https://mastodon.social/@camille/113555000000000003");
  }, 30_000); // CPU-bound: the 10 000-item feed

  it("says on /status when a feed was read leniently", async () => {
    const net = fakeNet({ "https://blog.example/feed": feedResponse(rss(item(1), "<rss>").replace("<title>Post 1", "<title>Post 1 &me;"), FEED_TYPES.rss) });
    const worker = workerFor(profileWith([{ url: "https://blog.example/", feed: "https://blog.example/feed" }]), { refresh: { fetcher: net.fetcher } });
    await runCron(worker);
    const status = (await (await request(worker, "/status.json")).json()) as { sources: { error: string | null; warning: string | null }[] };
    expect(status.sources[0]!.error).toBeNull();
    expect(status.sources[0]!.warning).toMatch(/read leniently/);
  });
});
