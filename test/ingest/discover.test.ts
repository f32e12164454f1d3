/**
 * Feed discovery: the pure link finder over real-world page heads, and discovery inside a refresh
 * run (remembered in KV, re-tried with backoff, link-only when a page has no feed, within budget).
 */
import { describe, expect, it } from "vitest";
import noFeed from "../fixtures/pages/no-feed.html?raw";
import staticBase from "../fixtures/pages/static-base.html?raw";
import wordpressHome from "../fixtures/pages/wordpress-home.html?raw";
import youtubeHandle from "../fixtures/pages/youtube-handle.html?raw";
import { validateProfile, type ProfileInput } from "../../src/config/index.ts";
import { findFeedLinks, pickFeed } from "../../src/ingest/discover.ts";
import { REDISCOVERY_SECONDS, refresh } from "../../src/ingest/refresh.ts";
import { resolveSources } from "../../src/sources/index.ts";
import { readSource } from "../../src/store/index.ts";
import { FEED_TYPES, FIXTURES, env, fakeNet, feedResponse, profileWith } from "../helpers.ts";

const html = (body: string, status = 200) => new Response(body, { status, headers: { "Content-Type": "text/html; charset=utf-8" } });

function siteFor(accounts: ProfileInput["accounts"]) {
  const result = validateProfile(profileWith(accounts));
  if (!result.ok) throw new Error(result.problems.join("\n"));
  return { profile: result.profile, sources: resolveSources(result.profile) };
}

describe("findFeedLinks / pickFeed", () => {
  it("finds a WordPress home's posts feed, not its comments feed", () => {
    const links = findFeedLinks(wordpressHome, "https://blog.camille.example/");
    expect(links.map((link) => link.href)).toEqual(["https://blog.camille.example/feed/", "https://blog.camille.example/comments/feed/"]);
    expect(links[0]!.title).toBe("Carnet de Camille » Flux");
    expect(pickFeed(links)?.href).toBe("https://blog.camille.example/feed/");
  });

  it("finds a YouTube @handle's channel feed among other rel=alternate links", () => {
    const links = findFeedLinks(youtubeHandle, "https://www.youtube.com/@camille");
    expect(links).toEqual([
      { href: "https://www.youtube.com/feeds/videos.xml?channel_id=UCmTW0bGCOTzGHh2MQBv3DJw", type: "application/rss+xml", title: "RSS" },
    ]);
  });

  it("resolves relative hrefs against <base>, decodes entities, ignores case and type parameters", () => {
    const links = findFeedLinks(staticBase, "https://camille.example/notes/index.html");
    expect(links).toEqual([
      { href: "https://camille.example/notes/feed.json", type: "application/feed+json", title: "JSON Feed" },
      { href: "https://camille.example/notes/atom.xml?lang=en&full=1", type: "application/atom+xml", title: "Atom" },
    ]);
    // The preferred type wins over document order: Atom before JSON Feed.
    expect(pickFeed(links)?.type).toBe("application/atom+xml");
  });

  it("resolves against the page URL without <base>", () => {
    const page = '<html><head><link rel="alternate" type="application/atom+xml" href="../atom.xml"></head></html>';
    expect(findFeedLinks(page, "https://camille.example/blog/posts/")[0]?.href).toBe("https://camille.example/blog/atom.xml");
  });

  it("finds nothing in a page without feeds (comments and <body> links are not the head's)", () => {
    expect(findFeedLinks(noFeed, "https://camille.example/")).toEqual([]);
    expect(pickFeed([])).toBeUndefined();
  });

  it("ignores non-http hrefs and links that are not rel=alternate", () => {
    const page = `<head>
      <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
      <link rel="feed" type="application/rss+xml" href="/x.xml">
      <link rel="home alternate" type="application/rss+xml" href="/ok.xml">
    </head>`;
    expect(findFeedLinks(page, "https://camille.example/").map((link) => link.href)).toEqual(["https://camille.example/ok.xml"]);
  });
});

describe("discovery in a refresh run", () => {
  const NOW = new Date("2026-11-28T12:00:00Z");
  const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

  it("reads the page once, fetches the feed it names and remembers it in KV", async () => {
    const { profile, sources } = siteFor([{ url: "https://blog.camille.example/", label: "Blog" }]);
    const net = fakeNet({
      "https://blog.camille.example/": html(wordpressHome),
      "https://blog.camille.example/feed/": feedResponse(FIXTURES.wordpress, FEED_TYPES.rss),
    });
    const first = await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: NOW });
    expect(net.requests.map((r) => [r.url, r.headers.get("Accept")?.split(",")[0]])).toEqual([
      ["https://blog.camille.example/", "text/html"],
      ["https://blog.camille.example/feed/", "application/feed+json"],
    ]);
    expect(first.subrequests).toBe(2);
    expect(first.sources[0]).toMatchObject({ id: "blog", outcome: "updated", items: 2 });
    const record = await readSource(env.M2_KV, "blog");
    expect(record).toMatchObject({ feed: "https://blog.camille.example/feed/", discoveredFrom: "https://blog.camille.example/", failures: 0 });

    // The next run goes straight to the remembered feed.
    await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: later(3600) });
    expect(net.requests.map((r) => r.url).slice(2)).toEqual(["https://blog.camille.example/feed/"]);
  });

  it("makes a page without feeds a link-only account, read again only after a week", async () => {
    const { profile, sources } = siteFor([{ url: "https://camille.example/portfolio/" }]);
    const net = fakeNet({ "https://camille.example/portfolio/": html(noFeed) });
    const first = await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: NOW });
    expect(first.sources[0]).toMatchObject({ outcome: "link-only", items: 0 });
    expect(await readSource(env.M2_KV, sources[0]!.id)).toMatchObject({ noFeedOn: "https://camille.example/portfolio/", failures: 0 });

    await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: later(24 * 3600) });
    expect(net.requests).toHaveLength(1);
    await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: later(REDISCOVERY_SECONDS + 1) });
    expect(net.requests).toHaveLength(2);
  });

  it("retries a page that failed with backoff, and keeps the error", async () => {
    const { profile, sources } = siteFor([{ url: "https://blog.camille.example/" }]);
    const net = fakeNet({ "https://blog.camille.example/": html("oops", 503) });
    const first = await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: NOW });
    expect(first.sources[0]).toMatchObject({ outcome: "failed", failure: { kind: "http", stage: "page", detail: "could not read the page to find its feed (HTTP 503)", status: 503 } });
    const record = await readSource(env.M2_KV, sources[0]!.id);
    expect(record?.failures).toBe(1);
    expect(record?.nextAttempt).toBe(later(30 * 60).toISOString());

    await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: later(60) });
    expect(net.requests).toHaveLength(1); // still backing off
    net.set("https://blog.camille.example/", html(wordpressHome));
    net.set("https://blog.camille.example/feed/", feedResponse(FIXTURES.wordpress, FEED_TYPES.rss));
    const third = await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: later(31 * 60) });
    expect(third.sources[0]).toMatchObject({ outcome: "updated", items: 2 });
    expect((await readSource(env.M2_KV, sources[0]!.id))?.failure).toBeUndefined();
  });

  it("counts page fetches against the run's subrequest budget", async () => {
    const { profile, sources } = siteFor([{ url: "https://blog.camille.example/" }, { url: "https://www.youtube.com/@camille" }]);
    const net = fakeNet({
      "https://blog.camille.example/": html(wordpressHome),
      "https://blog.camille.example/feed/": feedResponse(FIXTURES.wordpress, FEED_TYPES.rss),
      "https://www.youtube.com/@camille": html(youtubeHandle),
      "https://www.youtube.com/feeds/videos.xml?channel_id=UCmTW0bGCOTzGHh2MQBv3DJw": feedResponse(FIXTURES.youtube, FEED_TYPES.atom),
    });
    const first = await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: NOW, budget: 3 });
    expect(first.subrequests).toBe(3);
    expect(net.requests).toHaveLength(3);
    expect(first.sources.map((s) => s.outcome).sort()).toEqual(["deferred", "updated"]);
    // The deferred one kept what discovery found and fetches its feed next run without the page.
    const second = await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: later(60), budget: 3 });
    expect(second.subrequests).toBe(2);
    expect(second.sources.map((s) => [s.id, s.items])).toEqual([["blog-camille-example", 2], ["youtube", 1]]);
    expect(net.requests.filter((r) => r.headers.get("Accept")?.startsWith("text/html"))).toHaveLength(2);
  });

  it("reads the page again when the feed it found is gone", async () => {
    const { profile, sources } = siteFor([{ url: "https://blog.camille.example/" }]);
    const net = fakeNet({
      "https://blog.camille.example/": html(wordpressHome),
      "https://blog.camille.example/feed/": feedResponse(FIXTURES.wordpress, FEED_TYPES.rss),
    });
    await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: NOW });
    net.set("https://blog.camille.example/feed/", new Response("gone", { status: 404 }));
    const failed = await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: later(3600) });
    expect(failed.sources[0]).toMatchObject({ outcome: "failed", items: 2 });
    const record = await readSource(env.M2_KV, sources[0]!.id);
    expect(record?.feed).toBeUndefined();
    expect(record?.items).toHaveLength(2); // history kept

    net.set("https://blog.camille.example/", html(wordpressHome.replace("https://blog.camille.example/feed/", "https://blog.camille.example/feed/atom/")));
    net.set("https://blog.camille.example/feed/atom/", feedResponse(FIXTURES.wordpress, FEED_TYPES.rss));
    const again = await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: later(2 * 3600) });
    expect(again.sources[0]!.outcome).toMatch(/updated|unchanged/);
    expect((await readSource(env.M2_KV, sources[0]!.id))?.feed).toBe("https://blog.camille.example/feed/atom/");
  });
});
