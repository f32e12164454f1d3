/**
 * Per-source output: each item names its source in every format, per-source feeds, the merged
 * feeds' ?source= / ?exclude= filters (validated: unknown ids are a 400 naming the valid ones),
 * and the OPML list of every account's original feed.
 */
import { Parser } from "htmlparser2";
import { describe, expect, it } from "vitest";
import { fakeNet, feedResponse, FEED_TYPES, FIXTURES, profileWith, request, runCron, threeAccountHome, workerFor } from "../helpers.ts";

type JsonFeed = { feed_url: string; title: string; items: { id: string; _m2: { source: string; service?: string; source_feed?: string } }[] };

async function homeAfterCron() {
  const { net, profile } = threeAccountHome();
  const worker = workerFor(profile, { refresh: { fetcher: net.fetcher } });
  await runCron(worker);
  return worker;
}

/** Every element's attributes, read back by a real XML parser. */
function elements(xmlText: string, name: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  const parser = new Parser({ onopentag: (tag, attributes) => void (tag === name && found.push(attributes)) }, { xmlMode: true });
  parser.write(xmlText);
  parser.end();
  return found;
}

describe("items name their source in every format", () => {
  it("RSS <source>, Atom <source>, JSON Feed _m2 on every item", async () => {
    const worker = await homeAfterCron();
    const rss = await (await request(worker, "/feed.xml")).text();
    const rssSources = elements(rss, "source");
    expect(elements(rss, "item")).toHaveLength(7);
    expect(rssSources).toHaveLength(7);
    expect(new Set(rssSources.map((s) => s["url"]))).toEqual(
      new Set(["https://mastodon.social/@camille.rss", "https://github.com/camille.atom", "https://blog.camille.example/feed/"]),
    );
    const atom = await (await request(worker, "/atom.xml")).text();
    expect(atom.match(/<source>/g)).toHaveLength(7);
    const json = (await (await request(worker, "/feed.json")).json()) as JsonFeed;
    expect(json.items.every((item) => item._m2.source && item._m2.service && item._m2.source_feed)).toBe(true);
  });
});

describe("per-source feeds", () => {
  it("serves one account's items as RSS, Atom and JSON Feed", async () => {
    const worker = await homeAfterCron();
    const rss = await request(worker, "/feeds/github.xml");
    expect(rss.status).toBe(200);
    expect(rss.headers.get("Content-Type")).toBe("application/rss+xml; charset=utf-8");
    const rssText = await rss.text();
    expect(elements(rssText, "item")).toHaveLength(2);
    expect(elements(rssText, "atom:link")[0]?.["href"]).toBe("https://camille.example/feeds/github.xml");

    const atom = await request(worker, "/feeds/mastodon.atom");
    expect(atom.headers.get("Content-Type")).toBe("application/atom+xml; charset=utf-8");
    expect((await atom.text()).match(/<entry[ >]/g)).toHaveLength(3);

    const json = (await (await request(worker, "/feeds/blog.json")).json()) as JsonFeed;
    expect(json.feed_url).toBe("https://camille.example/feeds/blog.json");
    expect(json.title).toBe("Camille Exemple — Blog (Website)");
    expect(json.items.map((item) => item._m2.source)).toEqual(["blog", "blog"]);
  });

  it("answers 404 naming the valid ids for an unknown source", async () => {
    const worker = await homeAfterCron();
    const response = await request(worker, "/feeds/twitter.xml");
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toBe('no source "twitter"; valid ids: mastodon, github, blog, ~posts');
  });
});

describe("?source= and ?exclude= on the merged feeds", () => {
  it("keeps only the named sources (repeatable) or leaves some out", async () => {
    const worker = await homeAfterCron();
    const only = (await (await request(worker, "/feed.json?source=github&source=blog")).json()) as JsonFeed;
    expect(new Set(only.items.map((item) => item._m2.source))).toEqual(new Set(["github", "blog"]));
    expect(only.items).toHaveLength(4);
    expect(only.feed_url).toBe("https://camille.example/feed.json?source=blog&source=github");

    const without = await (await request(worker, "/feed.xml?exclude=mastodon")).text();
    expect(elements(without, "item")).toHaveLength(4);
    expect(without).not.toContain("mastodon.social/@camille/");

    const both = (await (await request(worker, "/feed.json?source=github&exclude=github")).json()) as JsonFeed;
    expect(both.items).toHaveLength(0);
  });

  it("answers 400 naming the valid ids for an unknown id", async () => {
    const worker = await homeAfterCron();
    for (const path of ["/feed.xml?source=twitter", "/atom.xml?exclude=nope", "/feed.json?source=github&source=nope"]) {
      const response = await request(worker, path);
      expect(response.status, path).toBe(400);
      expect(((await response.json()) as { error: string }).error, path).toContain("valid ids: mastodon, github, blog, ~posts");
    }
  });

  it("caches each filter's render apart, and answers 304 per filter", async () => {
    const worker = await homeAfterCron();
    const filtered = await request(worker, "/feed.json?source=github");
    const all = await request(worker, "/feed.json");
    expect(((await filtered.json()) as JsonFeed).items).toHaveLength(2);
    expect(((await all.json()) as JsonFeed).items).toHaveLength(7);
    const tag = filtered.headers.get("ETag")!;
    expect(tag).not.toBe(all.headers.get("ETag"));
    // The same filter written in another order is the same document.
    const pair = (await request(worker, "/feed.json?source=github&source=blog")).headers.get("ETag")!;
    const reordered = await request(worker, "/feed.json?source=blog&source=github", { headers: { "If-None-Match": pair } });
    expect(reordered.status).toBe(304);
    expect((await request(worker, "/feed.json?source=github", { headers: { "If-None-Match": tag } })).status).toBe(304);
    const other = await request(worker, "/feed.json?source=blog", { headers: { "If-None-Match": tag } });
    expect(other.status).toBe(200);
  });
});

describe("GET /opml.xml", () => {
  it("lists the merged feed and every account's original feed, escaped", async () => {
    const net = fakeNet({ "https://github.com/camille.atom": feedResponse(FIXTURES.github, FEED_TYPES.atom) });
    const profile = profileWith(
      [
        { url: "https://github.com/camille" },
        { url: "https://blog.camille.example/?a=1&b=2", feed: "https://blog.camille.example/feed/?lang=fr&type=\"all\"", label: "Carnet <Camille> & co" },
        { url: "https://x.com/camille" },
      ],
      { name: "Camille & <Co>" },
    );
    const worker = workerFor(profile, { refresh: { fetcher: net.fetcher } });
    await runCron(worker);
    const response = await request(worker, "/opml.xml");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/x-opml; charset=utf-8");
    const text = await response.text();
    expect(text).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<opml version="2.0">/);
    expect(text).toContain("<title>Camille &amp; &lt;Co&gt; — feeds</title>");
    expect(elements(text, "outline")).toEqual([
      { text: "Camille & <Co>", title: "Camille & <Co>", type: "rss", xmlUrl: "https://camille.example/feed.xml", htmlUrl: "https://camille.example/" },
      { text: "GitHub camille", title: "GitHub camille", type: "rss", xmlUrl: "https://github.com/camille.atom", htmlUrl: "https://github.com/camille" },
      {
        text: "Carnet <Camille> & co (Website)",
        title: "Carnet <Camille> & co (Website)",
        type: "rss",
        xmlUrl: 'https://blog.camille.example/feed/?lang=fr&type="all"',
        htmlUrl: "https://blog.camille.example/?a=1&b=2",
      },
    ]);
    // X has no feed: it is not a subscription.
    expect(text).not.toContain("x.com");
  });
});
