/**
 * The answer cache under junk: query strings and languages that validation drops share the one
 * answer of their variant (the cache does not grow), a real new input (another language,
 * `?source=`, a new timeline version) still gets a fresh answer, and the cache is bounded by bytes.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import mastodon from "../fixtures/feeds/mastodon.rss?raw";
import { AnswerCache } from "../../src/routes/answers.ts";
import { adminRefresh, FEED_TYPES, feedResponse, request, runCron, threeAccountHome, workerFor } from "../helpers.ts";

const JUNK = 64;

async function homeAfterCron() {
  const { net, profile } = threeAccountHome();
  const worker = workerFor(profile, { refresh: { fetcher: net.fetcher } });
  await runCron(worker);
  return { net, worker };
}

describe("the answer cache, under junk", () => {
  // The page's variant holds the render clock (10-minute buckets): a fixed clock keeps one bucket.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date());
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it(`keeps one answer for ${JUNK} junk query strings on a feed`, async () => {
    const { worker } = await homeAfterCron();
    const first = await request(worker, "/feed.json");
    const body = await first.text();
    const { size, bytes } = worker.answers;
    expect(size).toBe(1);
    expect(bytes).toBeGreaterThan(body.length);
    for (let i = 1; i <= JUNK; i++) {
      const junk = await request(worker, `/feed.json?x=${i}&utm_source=${"y".repeat(i)}`);
      expect(junk.status).toBe(200);
      expect(junk.headers.get("ETag")).toBe(first.headers.get("ETag"));
      expect(await junk.text()).toBe(body);
    }
    expect(worker.answers.size).toBe(size);
    expect(worker.answers.bytes).toBe(bytes);
  });

  it(`keeps one answer for ${JUNK} junk languages on the page`, async () => {
    const { worker } = await homeAfterCron();
    const first = await request(worker, "/");
    const body = await first.text();
    const { size, bytes } = worker.answers;
    expect(size).toBe(1);
    for (let i = 1; i <= JUNK; i++) {
      // Languages the page does not speak resolve to the profile's (fr): the same variant.
      const byHeader = await request(worker, "/", { headers: { "Accept-Language": `x${i}-JUNK, zz;q=0.${i % 10}` } });
      expect(await byHeader.text()).toBe(body);
      const byQuery = await request(worker, `/?lang=junk${i}`);
      expect(await byQuery.text()).toBe(body);
    }
    expect(worker.answers.size).toBe(size);
    expect(worker.answers.bytes).toBe(bytes);
  });

  it("gives a fresh answer for another language, ?source= and a new timeline version", async () => {
    const { net, worker } = await homeAfterCron();
    const french = await (await request(worker, "/")).text();
    expect(french).toContain('<html lang="fr"');
    const english = await request(worker, "/", { headers: { "Accept-Language": "en-GB,en;q=0.9" } });
    expect(await english.text()).toContain('<html lang="en"');
    expect(worker.answers.size).toBe(2);

    const all = (await (await request(worker, "/feed.json")).json()) as { items: { _m2: { source: string } }[] };
    const github = (await (await request(worker, "/feed.json?source=github")).json()) as { items: { _m2: { source: string } }[] };
    expect(new Set(all.items.map((item) => item._m2.source)).size).toBeGreaterThan(1);
    expect(github.items.length).toBeGreaterThan(0);
    expect(github.items.every((item) => item._m2.source === "github")).toBe(true);
    expect(worker.answers.size).toBe(4);

    net.set(
      "https://mastodon.social/@camille.rss",
      feedResponse(mastodon.replace("<item>", `<item><title>Nouveau</title><guid>https://mastodon.social/@camille/new</guid><pubDate>${new Date().toUTCString()}</pubDate></item><item>`), FEED_TYPES.rss),
    );
    expect((await adminRefresh(worker)).status).toBe(200);
    const after = (await (await request(worker, "/feed.json")).json()) as { items: { title?: string }[] };
    expect(after.items[0]?.title).toBe("Nouveau");
    expect(worker.answers.size).toBe(5);
  });

  it("refuses a bad value before it can be kept", async () => {
    const { worker } = await homeAfterCron();
    for (let i = 0; i < JUNK; i++) expect((await request(worker, `/feed.xml?limit=${1000 + i}`)).status).toBe(400);
    expect((await request(worker, "/feed.xml?source=nobody")).status).toBe(400);
    expect((await request(worker, "/feeds/nobody.json")).status).toBe(404);
    expect(worker.answers.size).toBe(0);
  });
});

describe("AnswerCache", () => {
  const body = (bytes: number) => new Uint8Array(bytes).buffer;

  it("never holds more bytes than its capacity, dropping the least recently used first", () => {
    const cache = new AnswerCache(1_000);
    cache.keep("a", new Headers(), body(300));
    cache.keep("b", new Headers(), body(300));
    cache.keep("c", new Headers(), body(300));
    expect(cache.size).toBe(3);
    // "a" is used again: "b" is now the least recently used.
    expect(cache.replay("a")).toBeInstanceOf(Response);
    cache.keep("d", new Headers(), body(300));
    expect(cache.bytes).toBeLessThanOrEqual(1_000);
    expect(cache.replay("b")).toBeUndefined();
    expect(cache.replay("a")).toBeInstanceOf(Response);
    expect(cache.replay("d")).toBeInstanceOf(Response);
    for (let i = 0; i < 100; i++) {
      cache.keep(`k${i}`, new Headers(), body(50 + i));
      expect(cache.bytes).toBeLessThanOrEqual(1_000);
    }
  });

  it("serves but does not keep an answer larger than its capacity, and counts a replaced key once", async () => {
    const cache = new AnswerCache(1_000);
    cache.keep("big", new Headers(), body(2_000));
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
    cache.keep("a", new Headers({ "Content-Type": "text/plain" }), await new Response("one").arrayBuffer());
    const once = cache.bytes;
    cache.keep("a", new Headers({ "Content-Type": "text/plain" }), await new Response("two").arrayBuffer());
    expect(cache.bytes).toBe(once);
    expect(await cache.replay("a")!.text()).toBe("two");
  });
});
