/** Decode and parse: every fixture format, byte-level oddities, and clear errors. */
import { describe, expect, it } from "vitest";
import { charsetOf, decodeFeed, repairXml } from "../../src/ingest/decode.ts";
import { FeedError, parseFeed } from "../../src/ingest/parse.ts";
import { FIXTURES } from "../helpers.ts";

const encode = (text: string) => new TextEncoder().encode(text);

describe("decodeFeed", () => {
  it("strips a UTF-8 BOM", () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...encode("<rss/>")]);
    expect(decodeFeed(bytes)).toBe("<rss/>");
  });

  it("decodes UTF-16 with a BOM", () => {
    const text = "<rss>é</rss>";
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) bytes[2 + i * 2] = text.charCodeAt(i);
    expect(decodeFeed(bytes)).toBe(text);
  });

  it("follows the Content-Type charset before the XML declaration", () => {
    const latin1 = new Uint8Array([...encode('<?xml version="1.0" encoding="utf-8"?><t>caf'), 0xe9, ...encode("</t>")]);
    expect(decodeFeed(latin1, "text/xml; charset=ISO-8859-1")).toContain("<t>café</t>");
  });

  it("follows the XML declaration when the header has no charset", () => {
    const bytes = new Uint8Array([...encode('<?xml version="1.0" encoding="windows-1252"?><t>'), 0x80, ...encode("</t>")]);
    expect(decodeFeed(bytes, "application/rss+xml")).toContain("<t>€</t>");
  });

  it("defaults to UTF-8 and replaces invalid sequences instead of failing", () => {
    expect(decodeFeed(new Uint8Array([...encode("<t>a"), 0xff, ...encode("</t>")]))).toBe("<t>a\uFFFD</t>");
  });

  it("reads charset from a quoted Content-Type parameter", () => {
    expect(charsetOf('text/xml; charset="ISO-8859-1"')).toBe("iso-8859-1");
    expect(charsetOf("text/xml")).toBeUndefined();
  });
});

describe("repairXml", () => {
  it("escapes a bare ampersand but leaves entities, CDATA and comments alone", () => {
    const input = " \n<t>Fish & chips &amp; &rsquo; &#233; &#xE9;<![CDATA[a & b]]><!-- c & d --></t>";
    expect(repairXml(input)).toBe("<t>Fish &amp; chips &amp; &rsquo; &#233; &#xE9;<![CDATA[a & b]]><!-- c & d --></t>");
  });
});

describe("parseFeed", () => {
  it("reads Mastodon RSS: untitled items with HTML descriptions and media", async () => {
    const feed = await parseFeed(FIXTURES.mastodon);
    expect(feed.format).toBe("rss");
    expect(feed.items).toHaveLength(3);
    expect(feed.items[0]!.title).toBeUndefined();
    expect(feed.items[0]!.html).toContain("Mon site perso");
    expect(feed.items[0]!.tags).toEqual(["IndieWeb"]);
    expect(feed.items[1]!.image).toBe("https://files.mastodon.social/media_attachments/files/113/554/000/original/marche.jpg");
  });

  it("reads GitHub Atom: ids, links, authors and thumbnails", async () => {
    const feed = await parseFeed(FIXTURES.github);
    expect(feed.format).toBe("atom");
    expect(feed.lang).toBe("en-US");
    expect(feed.items[0]).toMatchObject({
      id: "tag:github.com,2008:PushEvent/44000000002",
      link: "https://github.com/camille/m2/compare/1a2b3c...4d5e6f",
      title: "camille pushed to main in camille/m2",
      author: "camille",
      image: "https://avatars.githubusercontent.com/u/1000001?s=30&v=4",
    });
  });

  it("reads YouTube Atom: media:group description and thumbnail", async () => {
    const feed = await parseFeed(FIXTURES.youtube);
    const [video] = feed.items;
    expect(video!.id).toBe("yt:video:dQw4w9WgXcQ");
    expect(video!.html).toContain("on déploie m2 pas à pas");
    expect(video!.image).toBe("https://i2.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg");
    expect(video!.updated).toBe("2026-11-27T08:31:44+00:00");
  });

  it("reads Bluesky RSS: at:// guids and plain-text descriptions", async () => {
    const feed = await parseFeed(FIXTURES.bluesky);
    expect(feed.items[0]!.id).toBe("at://did:plc:abcdefghijklmnopqrstuvwx/app.bsky.feed.post/3lbxyz2abcd2k");
    expect(feed.items[0]!.html).toContain("1/ Chaque compte");
  });

  it("reads WordPress RSS: content:encoded as content, description as summary", async () => {
    const feed = await parseFeed(FIXTURES.wordpress);
    expect(feed.lang).toBe("fr-FR");
    const [post] = feed.items;
    expect(post!.title).toBe("Pourquoi j’ai quitté les silos & repris mon domaine");
    expect(post!.html).toContain("<em>chez moi</em>");
    expect(post!.summaryHtml).toContain("Après dix ans");
    expect(post!.author).toBe("Camille");
    expect(post!.tags).toEqual(["IndieWeb", "Réflexions"]);
  });

  it("reads JSON Feed 1.1 with content_text, relative URLs and languages", async () => {
    const feed = await parseFeed(FIXTURES.jsonfeed);
    expect(feed.format).toBe("json");
    expect(feed.items[0]!.text).toContain("Carnet du jour");
    expect(feed.items[1]).toMatchObject({ id: "2", link: "/2026/11/20/english-note", lang: "en", updated: "2026-11-21T10:00:00Z" });
  });

  it("repairs a bare & before parsing", async () => {
    const feed = await parseFeed('<rss version="2.0"><channel><title>A & B</title><item><title>Fish & chips</title></item></channel></rss>');
    expect(feed.items[0]!.title).toBe("Fish & chips");
  });

  it.each([
    ["", "the feed is empty"],
    ["<!DOCTYPE html><html><body>Hi</body></html>", "got an HTML page, not a feed"],
    ["plain text", "not an RSS, Atom or JSON feed"],
    ['{"version":"nope","items":[]}', "not a valid JSON Feed"],
    ['<rss version="2.0"><channel><item><title>cut', "the XML could not be read"],
  ])("rejects %j with a clear reason", async (input, reason) => {
    const error = await parseFeed(input).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FeedError);
    expect((error as Error).message).toContain(reason);
  });
});
