/**
 * Redirects that would stick: a 301 from https down to http is refused (never remembered), and a
 * remembered 301 is checked again at the original URL once MOVED_RECHECK_SECONDS have passed.
 */
import { describe, expect, it } from "vitest";
import { validateProfile } from "../../src/config/index.ts";
import { MOVED_RECHECK_SECONDS, refresh } from "../../src/ingest/refresh.ts";
import { resolveSources } from "../../src/sources/index.ts";
import { readSource } from "../../src/store/index.ts";
import { FEED_TYPES, FIXTURES, env, fakeNet, feedResponse, profileWith, request, workerFor } from "../helpers.ts";

const FEED = "https://blog.example/feed.xml";
const T0 = new Date("2026-11-28T12:00:00Z");
const later = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const moved = (location: string) => new Response(null, { status: 301, headers: { Location: location } });

function blog() {
  const input = profileWith([{ url: "https://blog.example/", feed: FEED, id: "blog" }]);
  const checked = validateProfile(input);
  if (!checked.ok) throw new Error(checked.problems.join("\n"));
  return { input, profile: checked.profile, sources: resolveSources(checked.profile) };
}

describe("permanent redirects", () => {
  it("refuses a 301 from https to http: a redirect failure, nothing remembered, the http URL never fetched", async () => {
    const { input, profile, sources } = blog();
    const net = fakeNet({ [FEED]: moved("http://blog.example/feed.xml"), "http://blog.example/feed.xml": feedResponse(FIXTURES.wordpress, FEED_TYPES.rss) });
    const summary = await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: T0 });
    expect(summary.sources[0]).toMatchObject({ outcome: "failed", failure: { kind: "redirect", stage: "feed", status: 301 } });
    expect(net.requests.map((r) => r.url)).toEqual([FEED]);
    const record = (await readSource(env.M2_KV, "blog"))!;
    expect(record.feed).toBe(FEED);
    expect(record.movedFrom).toBeUndefined();
    const status = (await (await request(workerFor(input, { refresh: { fetcher: net.fetcher, now: T0 } }), "/status.json")).json()) as { sources: Record<string, unknown>[] };
    expect(status.sources[0]).toMatchObject({ feed: FEED, error_kind: "redirect", error_stage: "feed", http_status: 301 });
  });

  it("fetches the original URL again after a week, and goes back to it when the move was undone", async () => {
    const { profile, sources } = blog();
    const target = "https://new.blog.example/feed.xml";
    const net = fakeNet({ [FEED]: moved(target), [target]: feedResponse(FIXTURES.wordpress, FEED_TYPES.rss) });
    await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: T0 });
    expect(await readSource(env.M2_KV, "blog")).toMatchObject({ feed: target, movedFrom: FEED, movedAt: T0.toISOString() });
    // Within the week: straight to the new URL.
    await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: later(MOVED_RECHECK_SECONDS - 3600) });
    expect(net.requests.map((r) => r.url)).toEqual([FEED, target, target]);
    // The site undid the move: after the week the original answers, and is kept.
    net.set(FEED, feedResponse(FIXTURES.wordpress, FEED_TYPES.rss));
    await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: later(MOVED_RECHECK_SECONDS + 1) });
    expect(net.requests.map((r) => r.url).slice(3)).toEqual([FEED]);
    const record = (await readSource(env.M2_KV, "blog"))!;
    expect(record.feed).toBe(FEED);
    expect(record.movedFrom).toBeUndefined();
  });

  it("keeps the move when the original URL fails on its weekly look, and is not marked gone by it", async () => {
    const { profile, sources } = blog();
    const target = "https://new.blog.example/feed.xml";
    const net = fakeNet({ [FEED]: moved(target), [target]: feedResponse(FIXTURES.wordpress, FEED_TYPES.rss) });
    await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: T0 });
    net.set(FEED, new Response("gone", { status: 410 }));
    const week = later(MOVED_RECHECK_SECONDS + 1);
    await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: week });
    const record = (await readSource(env.M2_KV, "blog"))!;
    expect(record).toMatchObject({ feed: target, movedFrom: FEED, movedAt: week.toISOString(), failure: { kind: "gone" } });
    expect(record.gone).toBeUndefined();
    // After the backoff, the moved feed is fetched again, and heals the source.
    await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: new Date(week.getTime() + 3600_000) });
    expect(net.requests.map((r) => r.url).slice(-1)).toEqual([target]);
    expect((await readSource(env.M2_KV, "blog"))?.failure).toBeUndefined();
  });
});
