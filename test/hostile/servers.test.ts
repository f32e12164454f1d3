/**
 * Failing servers, each through the Worker: one source misbehaves, the other (a Mastodon fixture)
 * keeps its items on the page and in the feeds; /status.json says what happened and when the
 * misbehaving source will be tried again.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { backoffSeconds } from "../../src/ingest/refresh.ts";
import { FEED_TYPES, FIXTURES, env, fakeNet, feedResponse, profileWith, request, runCron, workerFor, type Route, type Worker } from "../helpers.ts";

const BAD = "https://bad.example/feed.xml";
const GOOD_ENTRY = "https://mastodon.social/@camille/113555000000000003";
const T0 = new Date("2026-11-28T12:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

interface StatusEntry {
  id: string;
  feed: string | null;
  error: string | null;
  http_status: number | null;
  warning: string | null;
  failures: number;
  next_attempt: string | null;
  gone: boolean;
  item_count: number;
  last_success: string | null;
}

const SMALL_WORDPRESS = FIXTURES.wordpress;

function home(route: Route, settings: Record<string, number> = {}) {
  const net = fakeNet({ "https://mastodon.social/@camille.rss": feedResponse(FIXTURES.mastodon, FEED_TYPES.rss), [BAD]: route });
  const profile = profileWith(
    [{ url: "https://mastodon.social/@camille" }, { url: "https://bad.example/", feed: BAD, label: "Bad", id: "bad" }],
    { settings: { fetchTimeoutSeconds: 1, ...settings } },
  );
  /** A Worker whose clock reads `now` (a fresh isolate at a later time shares the same KV). */
  const workerAt = (now: Date) => workerFor(profile, { refresh: { fetcher: net.fetcher, now } });
  return { net, workerAt, profile };
}

async function statusOf(worker: Worker): Promise<{ bad: StatusEntry; mastodon: StatusEntry }> {
  const report = (await (await request(worker, "/status.json")).json()) as { sources: StatusEntry[] };
  const find = (id: string) => report.sources.find((source) => source.id === id)!;
  return { bad: find("bad"), mastodon: find("mastodon") };
}

/** The good source is unaffected: healthy on status, its posts on the page and in the feeds. */
async function expectOthersServed(worker: Worker) {
  const { mastodon } = await statusOf(worker);
  expect(mastodon).toMatchObject({ error: null, item_count: 3, failures: 0 });
  expect(await (await request(worker, "/")).text()).toContain(GOOD_ENTRY);
  expect(await (await request(worker, "/feed.xml")).text()).toContain(GOOD_ENTRY);
}

const requestsTo = (net: { requests: Request[] }, url: string) => net.requests.filter((r) => r.url === url).length;

describe("a failing server never holds up the others", () => {
  it("timeout: a server that never answers fails after fetchTimeoutSeconds", async () => {
    const { workerAt } = home(() => new Promise<Response>(() => {})); // not even the abort signal is honoured
    const worker = workerAt(T0);
    await runCron(worker);
    const { bad } = await statusOf(worker);
    expect(bad.error).toBe("no complete answer within 1 s");
    expect(bad.http_status).toBeNull();
    await expectOthersServed(worker);
  });

  it("slow body: headers come, then the body stalls", async () => {
    const stalled = () =>
      new Response(new ReadableStream({ start: (controller) => controller.enqueue(new TextEncoder().encode("<rss version=\"2.0\"><channel>")) }), {
        headers: { "Content-Type": FEED_TYPES.rss },
      });
    const { workerAt } = home(stalled);
    const worker = workerAt(T0);
    await runCron(worker);
    expect((await statusOf(worker)).bad.error).toBe("no complete answer within 1 s");
    await expectOthersServed(worker);
  });

  it.each([["declared", true], ["streamed", false]])("body over the cap (%s)", async (_, declared) => {
    const big = "<rss>" + " ".repeat(5000) + "</rss>";
    {
      const route = () =>
        declared
          ? new Response(big, { headers: { "Content-Length": String(big.length), "Content-Type": FEED_TYPES.rss } })
          : new Response(new Blob([big]).stream(), { headers: { "Content-Type": FEED_TYPES.rss } });
      const { workerAt } = home(route, { maxFeedBytes: 4000 });
      const worker = workerAt(T0);
      await runCron(worker);
      expect((await statusOf(worker)).bad.error).toBe("body larger than 4000 bytes");
      await expectOthersServed(worker);
    }
  });

  it("redirect loop", async () => {
    const { net, workerAt } = home(new Response(null, { status: 302, headers: { Location: "https://bad.example/other" } }));
    net.set("https://bad.example/other", new Response(null, { status: 302, headers: { Location: BAD } }));
    const worker = workerAt(T0);
    await runCron(worker);
    expect((await statusOf(worker)).bad.error).toBe(`redirect loop at ${BAD}`);
    await expectOthersServed(worker);
  });

  it("301: the new URL is remembered and fetched directly next time", async () => {
    const moved = "https://new.bad.example/feed.xml";
    const { net, workerAt } = home(new Response(null, { status: 301, headers: { Location: moved } }));
    net.set(moved, feedResponse(SMALL_WORDPRESS, FEED_TYPES.rss));
    await runCron(workerAt(T0));
    const later = workerAt(at(3600));
    await runCron(later);
    expect(requestsTo(net, BAD)).toBe(1);
    expect(requestsTo(net, moved)).toBe(2);
    const { bad } = await statusOf(later);
    expect(bad).toMatchObject({ feed: moved, error: null, item_count: 2 });
    await expectOthersServed(later);
  });

  it.each([404, 500])("%i is a failure with its status", async (status) => {
    {
      const { workerAt } = home(new Response("no", { status }));
      const worker = workerAt(T0);
      await runCron(worker);
      expect((await statusOf(worker)).bad).toMatchObject({ error: expect.stringMatching(new RegExp(`^HTTP ${status}`)), http_status: status, failures: 1 });
      await expectOthersServed(worker);
    }
  });

  it("410: stops fetching, keeps the history, says so on status", async () => {
    const { net, workerAt } = home(feedResponse(SMALL_WORDPRESS, FEED_TYPES.rss));
    await runCron(workerAt(T0));
    net.set(BAD, new Response("gone", { status: 410 }));
    await runCron(workerAt(at(3600)));
    const later = workerAt(at(10 * 86400));
    await runCron(later);
    expect(requestsTo(net, BAD)).toBe(2); // nothing after the 410
    const { bad } = await statusOf(later);
    expect(bad).toMatchObject({ gone: true, http_status: 410, item_count: 2 });
    expect(bad.error).toMatch(/gone; no longer fetched, its history is kept/);
    expect(await (await request(later, "/")).text()).toContain("https://blog.camille.example/2026/11/pourquoi-quitter-les-silos/");
    await expectOthersServed(later);
  });

  it("429 with Retry-After in seconds: waits that long, then tries again", async () => {
    const { net, workerAt } = home(new Response("slow down", { status: 429, headers: { "Retry-After": "7200" } }));
    await runCron(workerAt(T0));
    const soon = workerAt(at(3600));
    await runCron(soon);
    expect(requestsTo(net, BAD)).toBe(1);
    expect((await statusOf(soon)).bad).toMatchObject({ http_status: 429, next_attempt: at(7200).toISOString() });
    await expectOthersServed(soon);
    net.set(BAD, feedResponse(SMALL_WORDPRESS, FEED_TYPES.rss));
    const after = workerAt(at(7201));
    await runCron(after);
    expect(requestsTo(net, BAD)).toBe(2);
    expect((await statusOf(after)).bad).toMatchObject({ error: null, failures: 0, next_attempt: null, item_count: 2 });
  });

  it("503 with Retry-After as an HTTP date", async () => {
    const { workerAt } = home(new Response("maintenance", { status: 503, headers: { "Retry-After": at(5 * 3600).toUTCString() } }));
    const worker = workerAt(T0);
    await runCron(worker);
    expect((await statusOf(worker)).bad).toMatchObject({ http_status: 503, next_attempt: at(5 * 3600).toISOString() });
    await expectOthersServed(worker);
  });

  it("wrong content type: an image fails clearly; a feed labelled text/plain is still read", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const { workerAt } = home(new Response(png, { headers: { "Content-Type": "image/png" } }));
    const worker = workerAt(T0);
    await runCron(worker);
    expect((await statusOf(worker)).bad.error).toBe("not an RSS, Atom or JSON feed");
    await expectOthersServed(worker);

    const plain = home(feedResponse(SMALL_WORDPRESS, "text/plain"));
    const plainWorker = plain.workerAt(at(3600)); // same KV: after the failure's backoff
    await runCron(plainWorker);
    expect((await statusOf(plainWorker)).bad).toMatchObject({ error: null, item_count: 2 });
  });

  it("empty 200 after a good fetch: an error, and the last good items are kept", async () => {
    const { net, workerAt } = home(feedResponse(SMALL_WORDPRESS, FEED_TYPES.rss));
    await runCron(workerAt(T0));
    net.set(BAD, new Response("", { status: 200, headers: { "Content-Type": FEED_TYPES.rss } }));
    const later = workerAt(at(3600));
    await runCron(later);
    expect((await statusOf(later)).bad).toMatchObject({ error: "the feed is empty", item_count: 2 });
    expect(await (await request(later, "/")).text()).toContain("https://blog.camille.example/2026/11/pourquoi-quitter-les-silos/");
    await expectOthersServed(later);
  });

  it("a valid feed that suddenly has no items keeps the earlier ones, with a warning", async () => {
    const { net, workerAt } = home(feedResponse(SMALL_WORDPRESS, FEED_TYPES.rss));
    await runCron(workerAt(T0));
    net.set(BAD, feedResponse('<rss version="2.0"><channel><title>Blog</title></channel></rss>', FEED_TYPES.rss));
    const later = workerAt(at(3600));
    await runCron(later);
    expect((await statusOf(later)).bad).toMatchObject({ error: null, item_count: 2, warning: "the feed returned no items; kept 2 earlier ones" });
  });
});

describe("backoff", () => {
  it("doubles the wait after each consecutive failure, and a success resets it", async () => {
    const { net, workerAt } = home(new Response("no", { status: 500 }));
    let clock = 0;
    const waits: number[] = [];
    for (let run = 0; run < 4; run++) {
      const worker = workerAt(at(clock));
      await runCron(worker);
      const { bad } = await statusOf(worker);
      expect(bad.failures).toBe(run + 1);
      const next = (Date.parse(bad.next_attempt!) - at(clock).getTime()) / 1000;
      waits.push(next);
      clock += next - 1;
      await runCron(workerAt(at(clock))); // one second early: not fetched
      clock += 1;
    }
    expect(waits).toEqual([1800, 3600, 7200, 14400]);
    expect(requestsTo(net, BAD)).toBe(4);
    net.set(BAD, feedResponse(SMALL_WORDPRESS, FEED_TYPES.rss));
    const healed = workerAt(at(clock));
    await runCron(healed);
    expect((await statusOf(healed)).bad).toMatchObject({ failures: 0, next_attempt: null, error: null });
  });

  it("is capped at a day", () => {
    expect(backoffSeconds(1, 30)).toBe(1800);
    expect(backoffSeconds(6, 30)).toBe(57600);
    expect(backoffSeconds(7, 30)).toBe(86400);
    expect(backoffSeconds(50, 30)).toBe(86400);
  });
});

describe("a refresh that dies halfway", () => {
  it("leaves the previous timeline readable when the timeline write throws", async () => {
    const { net, workerAt } = home(feedResponse(SMALL_WORDPRESS, FEED_TYPES.rss));
    const first = workerAt(T0);
    await runCron(first);
    const before = await (await request(first, "/feed.json")).text();

    net.set(BAD, new Response("no", { status: 500 }));
    const failingKv = new Proxy(env.M2_KV, {
      get(target, key) {
        if (key === "put") {
          return (name: string, ...rest: unknown[]) => {
            if (name === "timeline") return Promise.reject(new Error("KV unavailable"));
            return (target.put as (...args: unknown[]) => Promise<void>).call(target, name, ...rest);
          };
        }
        const value = Reflect.get(target, key);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const dying = workerAt(at(3600));
    const ctx = createExecutionContext();
    await dying.scheduled({ cron: "*/30 * * * *", scheduledTime: Date.now(), noRetry() {} } as ScheduledController, { ...env, M2_KV: failingKv }, ctx);
    await waitOnExecutionContext(ctx);
    expect(errors.mock.calls.flat().join(" ")).toContain("refresh failed: KV unavailable");
    errors.mockRestore();

    const reader = workerAt(at(3600));
    const after = await request(reader, "/feed.json");
    expect(after.status).toBe(200);
    expect(JSON.parse(await after.text()).items).toEqual(JSON.parse(before).items);
  });

  it("a fetcher that throws fails its source only", async () => {
    const { workerAt } = home(() => {
      throw new TypeError("socket hang up");
    });
    const worker = workerAt(T0);
    await runCron(worker);
    expect((await statusOf(worker)).bad.error).toBe("could not connect (socket hang up)");
    await expectOthersServed(worker);
  });
});
