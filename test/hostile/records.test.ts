/**
 * What a refresh stores stays bounded and belongs to the right account: a feed of huge items
 * cannot push a record past KV's 25 MiB (nor the timeline past its bound), a put KV refuses is
 * that source's failure only, a record follows its account when `accounts` is reordered, and
 * records stored before failures had kinds are still read.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { validateProfile, type ProfileInput } from "../../src/config/index.ts";
import { refresh } from "../../src/ingest/refresh.ts";
import { resolveSources } from "../../src/sources/index.ts";
import { MAX_VALIDATOR_CHARS } from "../../src/ingest/limits.ts";
import { MAX_FAILURE_DETAIL_CHARS, MAX_RECORD_BYTES, MAX_TIMELINE_BYTES, readSource, readTimeline, sourceRecord } from "../../src/store/index.ts";
import { FEED_TYPES, FIXTURES, WORKERS_PAID, env, fakeNet, feedResponse, profileWith, request, workerFor } from "../helpers.ts";

const NOW = new Date("2026-11-28T12:00:00Z");
const bytes = (text: string | null) => new TextEncoder().encode(text ?? "").byteLength;

function siteOf(input: ProfileInput) {
  const result = validateProfile(input);
  if (!result.ok) throw new Error(result.problems.join("\n"));
  return { profile: result.profile, sources: resolveSources(result.profile) };
}

/** An RSS feed of `count` posts of about `size` bytes each, newest first (one a day). */
function hugeFeed(host: string, count: number, size: number): string {
  const text = "Lorem ipsum dolor sit amet. ".repeat(Math.ceil(size / 28)).slice(0, size);
  const items = Array.from({ length: count }, (_, i) => {
    const date = new Date(Date.parse("2026-11-27T12:00:00Z") - i * 86_400_000).toUTCString();
    return `<item><title>Post ${i}</title><link>https://${host}/${i}/</link><guid>https://${host}/${i}/</guid><pubDate>${date}</pubDate><description>&lt;p&gt;${text}&lt;/p&gt;</description></item>`;
  });
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${host}</title><link>https://${host}/</link>${items.join("")}</channel></rss>`;
}

describe("bounded size", () => {
  it("keeps every record under MAX_RECORD_BYTES and the timeline under MAX_TIMELINE_BYTES, the newest items first", { timeout: 60_000 }, async () => {
    const hosts = ["a.example", "b.example", "c.example"];
    const net = fakeNet(Object.fromEntries(hosts.map((host) => [`https://${host}/feed.xml`, feedResponse(hugeFeed(host, 120, 12_000), FEED_TYPES.rss)])));
    const { profile, sources } = siteOf(
      profileWith(
        hosts.map((host) => ({ url: `https://${host}/`, feed: `https://${host}/feed.xml` })),
        { settings: { itemsPerSource: 120, maxItems: 1000, maxFeedBytes: 10_000_000, ...WORKERS_PAID } },
      ),
    );
    const summary = await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: NOW });
    expect(summary.timelineWritten).toBe(true);
    for (const source of sources) {
      const stored = await env.M2_KV.get(`source:${source.id}`, "text");
      expect(bytes(stored), source.id).toBeLessThanOrEqual(MAX_RECORD_BYTES);
      const record = (await readSource(env.M2_KV, source.id))!;
      expect(record.items.length, source.id).toBeGreaterThan(0);
      expect(record.items.length, source.id).toBeLessThan(120);
      expect(record.items[0]!.title).toBe("Post 0");
      expect(record.warning).toMatch(/larger than 1048576 bytes: the \d+ oldest are not kept/);
    }
    const timelineText = await env.M2_KV.get("timeline", "text");
    expect(bytes(timelineText)).toBeLessThanOrEqual(MAX_TIMELINE_BYTES);
    const timeline = (await readTimeline(env.M2_KV))!;
    expect(timeline.items.slice(0, 3).map((item) => item.title)).toEqual(["Post 0", "Post 0", "Post 0"]);
    // The same feeds again: the bounded records are stable, nothing is written.
    const again = await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: new Date(NOW.getTime() + 1800_000) });
    expect(again.kvWrites).toBe(0);
  });

  it("a put KV refuses is that source's storage failure; the later sources and the timeline are still written", async () => {
    const net = fakeNet({
      "https://mastodon.social/@camille.rss": feedResponse(FIXTURES.mastodon, FEED_TYPES.rss),
      "https://big.example/feed.xml": feedResponse(FIXTURES.wordpress, FEED_TYPES.rss),
      "https://github.com/camille.atom": feedResponse(FIXTURES.github, FEED_TYPES.atom),
    });
    const profile = profileWith([
      { url: "https://mastodon.social/@camille" },
      { url: "https://big.example/", feed: "https://big.example/feed.xml", id: "big" },
      { url: "https://github.com/camille" },
    ]);
    const refusing = new Proxy(env.M2_KV, {
      get(target, key) {
        if (key === "put") {
          return (name: string, ...rest: unknown[]) =>
            name === "source:big"
              ? Promise.reject(new Error("Value length of 26214401 exceeds limit of 26214400."))
              : (target.put as (...args: unknown[]) => Promise<void>).call(target, name, ...rest);
        }
        const value = Reflect.get(target, key);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const worker = workerFor(profile, { refresh: { fetcher: net.fetcher, now: NOW } });
    const ctx = createExecutionContext();
    await worker.scheduled({ cron: "*/30 * * * *", scheduledTime: NOW.getTime(), noRetry() {} } as ScheduledController, { ...env, M2_KV: refusing }, ctx);
    await waitOnExecutionContext(ctx);
    expect(await readSource(env.M2_KV, "github")).toMatchObject({ failures: 0 });
    const status = (await (await request(worker, "/status.json")).json()) as { sources: { id: string; error: string | null; error_kind: string | null; item_count: number }[] };
    const byId = new Map(status.sources.map((source) => [source.id, source]));
    expect(byId.get("big")).toMatchObject({ error_kind: "storage", error: expect.stringContaining("exceeds limit") });
    expect(byId.get("mastodon")).toMatchObject({ error: null, item_count: 3 });
    expect(byId.get("github")).toMatchObject({ error: null, item_count: 2 });
  });
});

describe("a record belongs to its account", () => {
  const alice = FIXTURES.github.replaceAll("camille", "alice");
  const bob = FIXTURES.github.replaceAll("camille", "bob").replaceAll("44000000", "55000000");
  const net = () =>
    fakeNet({
      "https://github.com/alice.atom": feedResponse(alice, FEED_TYPES.atom),
      "https://github.com/bob.atom": feedResponse(bob, FEED_TYPES.atom),
    });

  it("does not show A's posts under B when the accounts are reordered or replaced", async () => {
    const fake = net();
    const before = siteOf(profileWith([{ url: "https://github.com/alice" }, { url: "https://github.com/bob" }]));
    expect(before.sources.map((source) => source.id)).toEqual(["github", "github-2"]);
    await refresh(env.M2_KV, before.profile, before.sources, { fetcher: fake.fetcher, now: NOW });
    // Alice is gone from the profile: Bob now has the id "github".
    const after = siteOf(profileWith([{ url: "https://github.com/bob" }]));
    await refresh(env.M2_KV, after.profile, after.sources, { fetcher: fake.fetcher, now: new Date(NOW.getTime() + 1800_000) });
    const record = (await readSource(env.M2_KV, "github"))!;
    expect(record.account).toBe("https://github.com/bob");
    expect(record.items.map((item) => item.url).every((url) => url?.startsWith("https://github.com/bob"))).toBe(true);
    expect(record.items).toHaveLength(2);
    const timeline = (await readTimeline(env.M2_KV))!;
    expect(timeline.items.filter((item) => item.url?.includes("alice"))).toEqual([]);
  });

  it("does not keep fetching A's discovered feed for B", async () => {
    const page = (feed: string) => new Response(`<html><head><link rel="alternate" type="application/rss+xml" href="${feed}"></head></html>`, { headers: { "Content-Type": "text/html" } });
    const fake = fakeNet({
      "https://www.youtube.com/@alice": page("https://alice.example/feed.xml"),
      "https://www.youtube.com/@bob": page("https://bob.example/feed.xml"),
      "https://alice.example/feed.xml": feedResponse(FIXTURES.wordpress, FEED_TYPES.rss),
      "https://bob.example/feed.xml": feedResponse(FIXTURES.wordpress.replaceAll("blog.camille.example", "bob.example"), FEED_TYPES.rss),
    });
    const before = siteOf(profileWith([{ url: "https://www.youtube.com/@alice" }]));
    await refresh(env.M2_KV, before.profile, before.sources, { fetcher: fake.fetcher, now: NOW });
    const after = siteOf(profileWith([{ url: "https://www.youtube.com/@bob" }]));
    expect(after.sources[0]!.id).toBe(before.sources[0]!.id);
    const seen = fake.requests.length;
    await refresh(env.M2_KV, after.profile, after.sources, { fetcher: fake.fetcher, now: new Date(NOW.getTime() + 1800_000) });
    expect(fake.requests.slice(seen).map((r) => r.url)).toEqual(["https://www.youtube.com/@bob", "https://bob.example/feed.xml"]);
    expect((await readSource(env.M2_KV, after.sources[0]!.id))?.feed).toBe("https://bob.example/feed.xml");
  });
});

describe("records stored before failures had kinds", () => {
  it("are read, their error and httpStatus mapped once to a failure", async () => {
    const { profile, sources } = siteOf(profileWith([{ url: "https://bad.example/", feed: "https://bad.example/feed.xml", id: "bad" }]));
    const legacy = {
      id: "bad",
      feed: "https://bad.example/feed.xml",
      lastFetch: "2026-11-28T11:30:00.000Z",
      error: "HTTP 503 Service Unavailable",
      httpStatus: 503,
      failures: 1,
      nextAttempt: "2026-11-28T13:00:00.000Z",
      items: [],
    };
    await env.M2_KV.put("source:bad", JSON.stringify(legacy));
    expect(await readSource(env.M2_KV, "bad")).toMatchObject({ failure: { kind: "http", stage: "feed", detail: "HTTP 503 Service Unavailable", status: 503 } });
    const net = fakeNet();
    // Still backing off: not fetched, and its failure is on /status.json with its kind.
    const summary = await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: NOW });
    expect(net.requests).toHaveLength(0);
    expect(summary.sources[0]).toMatchObject({ outcome: "skipped" });
    const worker = workerFor(profile, { refresh: { fetcher: net.fetcher, now: NOW } });
    const status = (await (await request(worker, "/status.json")).json()) as { sources: Record<string, unknown>[] };
    expect(status.sources[0]).toMatchObject({ error: "HTTP 503 Service Unavailable", error_kind: "http", error_stage: "feed", http_status: 503 });
  });
});


describe("what a server sends into a record", () => {
  it("keeps no ETag or Last-Modified longer than MAX_VALIDATOR_CHARS, and no failure detail longer than MAX_FAILURE_DETAIL_CHARS", async () => {
    const { profile, sources } = siteOf(profileWith([{ url: "https://blog.example/", feed: "https://blog.example/feed/", label: "Blog" }]));
    const huge = `"${"e".repeat(20_000)}"`;
    const served = fakeNet({ "https://blog.example/feed/": () => feedResponse(FIXTURES.wordpress, FEED_TYPES.rss, { ETag: huge, "Last-Modified": `${"x".repeat(20_000)} GMT` }) });
    await refresh(env.M2_KV, profile, sources, { fetcher: served.fetcher, now: NOW });
    const record = (await readSource(env.M2_KV, sources[0]!.id))!;
    expect(record.items.length).toBeGreaterThan(0);
    expect(record.etag).toBeUndefined();
    expect(record.lastModified).toBeUndefined();
    expect(MAX_VALIDATOR_CHARS).toBeLessThan(huge.length);

    const failing = sourceRecord({ id: "blog", failures: 1, items: [], failure: { kind: "unreadable", stage: "feed", detail: `😀${"🦊".repeat(10_000)}` } });
    expect(failing.failure!.detail.length).toBeLessThanOrEqual(MAX_FAILURE_DETAIL_CHARS);
    expect(failing.failure!.detail.endsWith("…")).toBe(true);
    // Cut on a character boundary: no lone surrogate before the ellipsis.
    const beforeEllipsis = failing.failure!.detail.charCodeAt(failing.failure!.detail.length - 2);
    expect(beforeEllipsis >= 0xd800 && beforeEllipsis <= 0xdbff).toBe(false);
  });
});
