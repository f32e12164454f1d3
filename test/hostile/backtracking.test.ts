/**
 * Fetched bytes never meet a pattern that can backtrack: each input here is small, took seconds to
 * forever with the patterns it was written against (exponential or quadratic backtracking), and
 * reads in milliseconds now. The per-test timeout is the guard: a test that hangs fails.
 */
import { describe, expect, it } from "vitest";
import { repairXml } from "../../src/ingest/decode.ts";
import { normalise } from "../../src/ingest/normalise.ts";
import { FeedError, parseFeed } from "../../src/ingest/parse.ts";
import { parseLenient } from "../../src/ingest/lenient.ts";
import { judgeLinkBack, looseKey } from "../../src/identity/relme.ts";
import type { Source } from "../../src/model.ts";

/** Every input below took at least ten times this with the old patterns (measured once, by hand). */
const GUARD_MS = 3_000;

const SOURCE: Source = {
  id: "odd", url: "https://odd.example/", label: "Odd", service: "web", serviceName: "Website",
  feedOrigin: "configured", identity: false, authn: false, icon: "web", fediverse: false,
};
const NOW = new Date("2026-11-28T12:00:00Z");
const context = { source: SOURCE, feedUrl: "https://odd.example/feed", now: NOW };

/** 330-odd bytes of valid RSS. */
const RSS =
  '<rss version="2.0"><channel><title>Odd</title><link>https://odd.example/</link><description>d</description>' +
  "<item><title>One</title><link>https://odd.example/1</link><guid>https://odd.example/1</guid>" +
  "<pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate><description>&lt;p&gt;Body&lt;/p&gt;</description></item></channel></rss>";
const ATOM =
  '<feed xmlns="http://www.w3.org/2005/Atom"><title>Odd</title><id>https://odd.example/</id><updated>2026-11-23T10:00:00Z</updated>' +
  '<entry><id>https://odd.example/1</id><title>One</title><link href="https://odd.example/1"/><updated>2026-11-23T10:00:00Z</updated></entry></feed>';
const COMMENTS = "<!---->".repeat(40);

describe("inputs that used to backtrack", () => {
  it("RSS behind 40 empty comments is read (the HTML sniff was exponential in them)", async () => {
    const feed = await parseFeed(`${COMMENTS}${RSS}`);
    expect(feed.format).toBe("rss");
    expect(feed.items.map((item) => item.title)).toEqual(["One"]);
  }, GUARD_MS);

  it("RSS behind an XML declaration and 40 empty comments is read as RSS (the Atom sniff was exponential in them)", async () => {
    const feed = await parseFeed(`<?xml version="1.0"?>\n${COMMENTS}\n${RSS}`);
    expect(feed.format).toBe("rss");
    expect(feed.items.map((item) => item.title)).toEqual(["One"]);
  }, GUARD_MS);

  it("behind the same comments, Atom is still read as Atom and an HTML page still told apart from a feed", async () => {
    expect((await parseFeed(`<?xml version="1.0"?>\n${COMMENTS}\n${ATOM}`)).format).toBe("atom");
    await expect(parseFeed(`${COMMENTS}<!DOCTYPE html><html><body>hi</body></html>`)).rejects.toMatchObject({ kind: "html" });
  }, GUARD_MS);

  it("a feed the strict parser refuses, cut in its 41st trailing comment, is refused quickly (the truncation test was exponential)", async () => {
    // No version: rss-parser refuses it, so the lenient pass decides, and the transfer was cut.
    const cut = `${RSS.replace(' version="2.0"', "")}${COMMENTS}<!-- cut her`;
    const error = await parseFeed(cut).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FeedError);
    expect(parseLenient(cut)).toBeUndefined();
    // With its trailing comments whole, the same document reads.
    expect(parseLenient(`${RSS.replace(' version="2.0"', "")}${COMMENTS}\n`)?.items.map((item) => item.title)).toEqual(["One"]);
  }, GUARD_MS);

  it("a JSON Feed content_html of 80 000 `<a` without `>` is normalised (the HTML test was quadratic)", async () => {
    const json = JSON.stringify({
      version: "https://jsonfeed.org/version/1.1",
      items: [{ id: "1", url: "https://odd.example/1", title: "Tags", content_html: "<a".repeat(80_000), date_published: "2026-11-23T10:00:00Z" }],
    });
    const [item] = normalise(await parseFeed(json), context, 10);
    expect(item?.title).toBe("Tags");
    // Not one tag, so not HTML: it is text, escaped (and cut to the stored size).
    expect(item?.content_html.startsWith("<p>&lt;a&lt;a")).toBe(true);
  }, GUARD_MS);

  it("80 000 unterminated `<!--` and one bare `&` are repaired (the literal-section split was quadratic)", () => {
    const text = `<rss>${"<!--".repeat(80_000)} & </rss>`;
    expect(repairXml(text)).toBe(`<rss>${"<!--".repeat(80_000)} &amp; </rss>`);
    // Whole comments and CDATA sections stay literal; the text around them is repaired.
    expect(repairXml("<a>&<!-- & --><![CDATA[ & ]]>&<!-- & </a>")).toBe("<a>&amp;<!-- & --><![CDATA[ & ]]>&amp;<!-- &amp; </a>");
  }, GUARD_MS);

  it("an account page with an href of 80 000 slashes and one more character is judged (the trailing-slash strip was quadratic)", () => {
    const page = `<a rel="me" href="https://camille.example${"/".repeat(80_000)}x">home</a>`;
    expect(judgeLinkBack(page, "https://camille.example/").verdict).toBe("no-link-back");
    expect(looseKey("HTTPS://Camille.example///")).toBe("camille.example");
  }, GUARD_MS);

  it("an RSS description of 40 000 `&lt;p` never closed is read (rss-parser's own snippet pattern was quadratic)", async () => {
    const rss = RSS.replace("&lt;p&gt;Body&lt;/p&gt;", "&lt;p".repeat(40_000));
    const [item] = normalise(await parseFeed(rss), context, 10);
    expect(item?.title).toBe("One");
    expect(item?.content_html.startsWith("<p>&lt;p&lt;p")).toBe(true);
  }, GUARD_MS);
});
