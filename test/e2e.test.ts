/**
 * The main path end to end: three fixture accounts → cron → KV → every route, read back by
 * independent parsers (microformats-parser for the page, the feeds' own formats).
 */
import { mf2 } from "microformats-parser";
import { describe, expect, it } from "vitest";
import { exports } from "cloudflare:workers";
import { FEED_TYPES, HOME, adminRefresh, env, feedResponse, request, runCron, threeAccountHome, workerFor } from "./helpers.ts";
import mastodon from "./fixtures/feeds/mastodon.rss?raw";
import { buildSite } from "../src/site.ts";
import { TimelineCache } from "../src/timeline-cache.ts";
import { writeTimeline } from "../src/store/index.ts";

describe("a home with three accounts", () => {
  it("merges them into the page, RSS, Atom and JSON Feed after one cron run", async () => {
    const { net, profile } = threeAccountHome();
    const worker = workerFor(profile, { refresh: { fetcher: net.fetcher } });
    await runCron(worker);
    // The feeds, then (first run: never verified) each identity account's page, for rel=me back.
    expect(net.requests.map((r) => r.url).sort()).toEqual([
      "https://blog.camille.example/",
      "https://blog.camille.example/feed/",
      "https://github.com/camille",
      "https://github.com/camille.atom",
      "https://mastodon.social/@camille",
      "https://mastodon.social/@camille.rss",
    ]);
    for (const r of net.requests) expect(r.headers.get("User-Agent")).toContain(HOME);

    const page = await request(worker, "/");
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Type")).toMatch(/^text\/html/);
    const html = await page.text();
    const parsed = mf2(html, { baseUrl: HOME });
    const card = parsed.items.find((item) => item.type?.includes("h-card"));
    expect(card?.properties.name).toEqual(["Camille Exemple"]);
    expect(card?.properties.uid).toEqual([HOME]);
    expect(parsed["rels"].me).toEqual(
      expect.arrayContaining(["https://mastodon.social/@camille", "https://github.com/camille", "https://blog.camille.example/"]),
    );
    const feed = parsed.items.find((item) => item.type?.includes("h-feed"));
    const entries = (feed?.children ?? []).filter((child) => child.type?.includes("h-entry"));
    expect(entries).toHaveLength(7);
    const entryUrls = entries.map((entry) => entry.properties.url?.[0]);
    expect(entryUrls[0]).toBe("https://mastodon.social/@camille/113555000000000003");
    expect(entryUrls).toContain("https://blog.camille.example/2026/11/pourquoi-quitter-les-silos/");
    expect(entryUrls).toContain("https://github.com/camille/m2");
    // The only script element is the JSON-LD data block (not executable; CSP script-src 'none').
    expect(html.match(/<script[^>]*>/g)).toEqual(['<script type="application/ld+json">']);
    expect(html).not.toContain("onmouseover");

    const rss = await (await request(worker, "/feed.xml")).text();
    const guids = [...rss.matchAll(/<guid isPermaLink="(?:true|false)">([^<]+)<\/guid>/g)].map((m) => m[1]);
    expect(guids).toHaveLength(7);
    expect(rss).toContain('<source url="https://github.com/camille.atom">GitHub</source>');
    expect(rss).toContain('<source url="https://blog.camille.example/feed/">Blog (Website)</source>');

    const atom = await (await request(worker, "/atom.xml")).text();
    expect(atom.match(/<entry[ >]/g)).toHaveLength(7);
    expect(atom).toContain("<id>https://mastodon.social/@camille.rss</id>");

    const json = (await (await request(worker, "/feed.json")).json()) as { items: { id: string; _m2: { source: string } }[] };
    expect(json.items.map((item) => item._m2.source)).toEqual(
      expect.arrayContaining(["mastodon", "github", "blog"]),
    );
    expect(json.items).toHaveLength(7);
  });

  it("lists every source on /status.json with its service, feed and health", async () => {
    const { net, profile } = threeAccountHome();
    net.set("https://github.com/camille.atom", new Response("nope", { status: 500 }));
    const worker = workerFor(profile, { refresh: { fetcher: net.fetcher } });
    await runCron(worker);
    const status = (await (await request(worker, "/status.json")).json()) as { sources: Record<string, unknown>[] };
    expect(status.sources.map((s) => [s.id, s.service, s.feed])).toEqual([
      ["mastodon", "mastodon", "https://mastodon.social/@camille.rss"],
      ["github", "github", "https://github.com/camille.atom"],
      ["blog", "web", "https://blog.camille.example/feed/"],
    ]);
    const github = status.sources[1]!;
    expect(github.error).toBe("HTTP 500");
    expect(github.item_count).toBe(0);
    expect(github.last_success).toBeNull();
    expect(status.sources[0]!.item_count).toBe(3);
    expect(status.sources[2]!.last_success).toEqual(expect.any(String));
  });

  it("refreshes on POST /admin/refresh with the token and answers a per-source summary", async () => {
    const { net, profile } = threeAccountHome();
    const worker = workerFor(profile, { refresh: { fetcher: net.fetcher } });
    expect((await adminRefresh(worker, "wrong")).status).toBe(401);
    expect(net.requests).toHaveLength(0);
    const response = await adminRefresh(worker);
    expect(response.status).toBe(200);
    const summary = (await response.json()) as { sources: { id: string; outcome: string; items: number }[] };
    expect(summary.sources).toEqual([
      { id: "mastodon", outcome: "updated", items: 3, newItems: 3 },
      { id: "github", outcome: "updated", items: 2, newItems: 2 },
      { id: "blog", outcome: "updated", items: 2, newItems: 2 },
    ]);
  });

  it("serves stale data at once and refreshes in the background", async () => {
    const { net, profile } = threeAccountHome();
    const worker = workerFor(profile, { refresh: { fetcher: net.fetcher } });
    const first = await request(worker, "/feed.json");
    // The first request found nothing stored: it answered an empty feed right away…
    expect(((await first.json()) as { items: unknown[] }).items).toHaveLength(0);
    // …and the refresh it started in the background (awaited by request()) filled KV.
    expect(net.requests).toHaveLength(3);
    const second = (await (await request(worker, "/feed.json")).json()) as { items: unknown[] };
    expect(second.items).toHaveLength(7);
    expect(net.requests).toHaveLength(3);
  });

  it("answers 304 to a reader who already has the current version", async () => {
    const { net, profile } = threeAccountHome();
    const worker = workerFor(profile, { refresh: { fetcher: net.fetcher } });
    await runCron(worker);
    for (const path of ["/", "/feed.xml", "/atom.xml", "/feed.json", "/status.json"]) {
      const first = await request(worker, path);
      const tag = first.headers.get("ETag");
      expect(tag, path).toMatch(/^"/);
      expect(first.headers.get("Cache-Control"), path).toBeTruthy();
      const again = await request(worker, path, { headers: { "If-None-Match": tag! } });
      expect(again.status, path).toBe(304);
    }
  });

  it("answers a repeat from the answer cache, through the app, and renders again after a refresh", async () => {
    const { net, profile } = threeAccountHome();
    const worker = workerFor(profile, { refresh: { fetcher: net.fetcher } });
    await runCron(worker);
    const first = await request(worker, "/feed.json");
    expect(worker.answers.size).toBe(1);
    const repeat = await request(worker, "/feed.json");
    expect(await repeat.text()).toBe(await first.text());
    // The repeat was the kept answer: nothing new was kept.
    expect(worker.answers.size).toBe(1);
    const revalidated = await request(worker, "/feed.json", { headers: { "If-None-Match": first.headers.get("ETag")! } });
    expect(revalidated.status).toBe(304);
    // Routes that are not cached keep nothing.
    expect((await request(worker, "/status.json")).status).toBe(200);
    expect(worker.answers.size).toBe(1);
    // A refresh that brings a new post: the next answer is rendered again, with it.
    net.set("https://mastodon.social/@camille.rss", feedResponse(mastodon.replace("<item>", `<item><title>Nouveau</title><guid>https://mastodon.social/@camille/1</guid><pubDate>${new Date().toUTCString()}</pubDate></item><item>`), FEED_TYPES.rss));
    await adminRefresh(worker);
    const after = (await (await request(worker, "/feed.json")).json()) as { items: { title?: string }[] };
    expect(after.items[0]?.title).toBe("Nouveau");
    expect(worker.answers.size).toBe(2);
  });

  it("does not parse the timeline key again while its text is unchanged", async () => {
    const { net, profile } = threeAccountHome();
    const built = buildSite(profile);
    if (!built.ok) throw new Error(built.problems.join("\n"));
    const refresher = new TimelineCache(built.site, { fetcher: net.fetcher });
    const noWait = () => {};
    await refresher.run(env.M2_KV);
    const first = await refresher.timeline(env.M2_KV, noWait);
    expect(first.items.length).toBeGreaterThan(0);
    // A run that changes nothing forgets the memory; the re-read finds the same text.
    expect((await refresher.run(env.M2_KV)).timelineWritten).toBe(false);
    expect(await refresher.timeline(env.M2_KV, noWait)).toBe(first);
    // Another text is parsed.
    await writeTimeline(env.M2_KV, { ...first, version: "changed" });
    await refresher.run(env.M2_KV);
    const changed = await refresher.timeline(env.M2_KV, noWait);
    expect(changed).not.toBe(first);
    expect(changed.version).toBe("changed");
  });

  it("replays the page and feeds exactly as it rendered them, and a changed copy changes nothing", async () => {
    const { net, profile } = threeAccountHome();
    const worker = workerFor(profile, { refresh: { fetcher: net.fetcher } });
    await runCron(worker);
    for (const path of ["/", "/feed.xml", "/atom.xml", "/feed.json"]) {
      const fresh = await request(worker, path);
      const freshBody = await fresh.text();
      const replayed = await request(worker, path);
      expect([...replayed.headers], path).toEqual([...fresh.headers]);
      expect(await replayed.text(), path).toBe(freshBody);
      // A caller that edits its answer (a middleware, a test) must not edit the stored one.
      replayed.headers.set("X-Edited", "yes");
      replayed.headers.delete("ETag");
      const next = await request(worker, path, { headers: { "If-None-Match": `"other", ${fresh.headers.get("ETag")}` } });
      expect(next.status, path).toBe(304);
      expect(next.headers.get("ETag"), path).toBe(fresh.headers.get("ETag"));
      expect(next.headers.has("X-Edited"), path).toBe(false);
      // A 304 keeps only the headers hono/etag keeps: no Content-Type, no body.
      expect(next.headers.has("Content-Type"), path).toBe(false);
      expect(await next.text(), path).toBe("");
      const full = await request(worker, path);
      expect(full.headers.get("ETag"), path).toBe(fresh.headers.get("ETag"));
      expect(full.headers.has("X-Edited"), path).toBe(false);
    }
  });
});

describe("the deployed Worker (profile.json)", () => {
  it("serves the example profile's page through the default export", async () => {
    const response = await exports.default.fetch("https://camille.example/");
    expect(response.status).toBe(200);
    const html = await response.text();
    const parsed = mf2(html, { baseUrl: HOME });
    expect(parsed["rels"].me).toContain("https://mastodon.social/@camille");
    expect(env.M2_KV).toBeDefined();
  });
});
