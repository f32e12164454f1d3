/**
 * The three feed formats, read back by an independent parse (rss-parser for XML, the JSON Feed
 * schema for JSON) as a reader would see them.
 */
import { describe, expect, it } from "vitest";
import { parseFeed } from "../../src/ingest/parse.ts";
import type { Item, Source } from "../../src/model.ts";
import { itemGuid, renderAtom, renderJsonFeed, renderRss, xml, type FeedDocument } from "../../src/render/feeds.ts";

const mastodon: Source = {
  id: "mastodon", url: "https://mastodon.social/@camille", label: "Mastodon", service: "mastodon", serviceName: "Mastodon",
  feed: "https://mastodon.social/@camille.rss", feedOrigin: "derived", identity: true, authn: false, icon: "mastodon", fediverse: true,
};

const items: Item[] = [
  {
    id: "at://did:plc:x/app.bsky.feed.post/1", source: "mastodon", url: "https://mastodon.social/@camille/1", title: "Fish & chips <3",
    titleGenerated: true, content_html: '<p>Fish &amp; chips <a href="https://x.example/" rel="nofollow ugc noopener">x</a></p>', summary: "Fish & chips x",
    published: "2026-11-27T18:02:11.000Z", tags: ["IndieWeb"], lang: "en",
  },
  {
    id: "https://blog.example/?p=1", source: "mastodon", title: "Deux", titleGenerated: false, content_html: "", summary: "Résumé \u0001 avec contrôle",
    published: "2026-11-26T10:00:00.000Z", updated: "2026-11-27T10:00:00.000Z", author: { name: "Camille" },
    enclosure: { url: "https://blog.example/a.mp3", type: "audio/mpeg", length: 1234 },
  },
];

const document: FeedDocument = {
  title: "Camille Exemple", description: "Bio", homeUrl: "https://camille.example/", selfUrl: "https://camille.example/feed.xml",
  lang: "fr", author: { name: "Camille Exemple", url: "https://camille.example/" }, updated: "2026-11-28T00:00:00.000Z",
  items, sources: new Map([["mastodon", mastodon]]), sourceFeeds: new Map([["mastodon", mastodon.feed!]]),
};

describe("feeds", () => {
  it("escapes markup and drops characters XML forbids", () => {
    expect(xml(`<a href="x">'&'</a>\u0000\uFFFF`)).toBe("&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
  });

  it("gives non-URL ids a tag: URI under the home host", () => {
    expect(itemGuid(items[0]!, document.homeUrl)).toBe("tag:camille.example,2026:mastodon/at%3A%2F%2Fdid%3Aplc%3Ax%2Fapp.bsky.feed.post%2F1");
    expect(itemGuid(items[1]!, document.homeUrl)).toBe("https://blog.example/?p=1");
  });

  it.each([
    ["RSS", renderRss],
    ["Atom", renderAtom],
    ["JSON Feed", renderJsonFeed],
  ])("%s reads back with the same titles, links, dates and content", async (_name, render) => {
    const parsed = await parseFeed(render(document));
    expect(parsed.title).toBe("Camille Exemple");
    expect(parsed.items.map((item) => item.title)).toEqual(["Fish & chips <3", "Deux"]);
    expect(parsed.items[0]!.link).toBe("https://mastodon.social/@camille/1");
    expect(new Date(parsed.items[0]!.published!).toISOString()).toBe("2026-11-27T18:02:11.000Z");
    expect(parsed.items[0]!.html).toContain('<a href="https://x.example/" rel="nofollow ugc noopener">x</a>');
    expect(parsed.items[0]!.tags).toEqual(["IndieWeb"]);
    expect(parsed.items[1]!.enclosure).toEqual({ url: "https://blog.example/a.mp3", type: "audio/mpeg", length: 1234 });
    expect(parsed.items[1]!.author).toBe("Camille");
  });

  it("RSS names each item's source feed and has a self link", () => {
    const rss = renderRss(document);
    expect(rss).toContain('<source url="https://mastodon.social/@camille.rss">Mastodon</source>');
    expect(rss).toContain('<atom:link href="https://camille.example/feed.xml" rel="self" type="application/rss+xml"/>');
  });

  it("Atom gives each entry an atom:source and its language", () => {
    const atom = renderAtom({ ...document, selfUrl: "https://camille.example/atom.xml" });
    expect(atom).toContain('<entry xml:lang="en">');
    expect(atom).toContain("<source>\n<id>https://mastodon.social/@camille.rss</id>\n<title>Mastodon</title>");
  });

  it("JSON Feed is version 1.1 with an _m2 source extension", () => {
    const json = JSON.parse(renderJsonFeed({ ...document, selfUrl: "https://camille.example/feed.json" }));
    expect(json.version).toBe("https://jsonfeed.org/version/1.1");
    expect(json.feed_url).toBe("https://camille.example/feed.json");
    expect(json.items[0]._m2).toEqual({
      source: "mastodon", source_name: "Mastodon", source_url: "https://mastodon.social/@camille", service: "mastodon", source_feed: "https://mastodon.social/@camille.rss",
    });
    expect(json.items[1].summary).toBe("Résumé \u0001 avec contrôle");
  });
});
