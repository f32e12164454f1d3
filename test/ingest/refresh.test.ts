/** The refresh run: KV written only on change, last good items kept, backoff, budget. */
import { describe, expect, it } from "vitest";
import { validateProfile, type Profile } from "../../src/config/index.ts";
import { backoffSeconds, refresh } from "../../src/ingest/refresh.ts";
import { resolveSources } from "../../src/sources/index.ts";
import { readTimeline } from "../../src/store/index.ts";
import { FEED_TYPES, FIXTURES, env, feedResponse, threeAccountHome } from "../helpers.ts";

function profileOf(input: unknown): Profile {
  const result = validateProfile(input);
  if (!result.ok) throw new Error(result.problems.join("\n"));
  return result.profile;
}

describe("refresh", () => {
  it("writes each changed source and the timeline once, then nothing when nothing changed", async () => {
    const { net, profile: input } = threeAccountHome();
    const profile = profileOf(input);
    const sources = resolveSources(profile);
    const first = await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: new Date("2026-11-28T12:00:00Z") });
    // Reads: the timeline, 3 records, and the timeline again just before it is written (another run may have written it).
    expect(first).toMatchObject({ subrequests: 3, kvReads: 5, kvWrites: 4, timelineWritten: true });
    const second = await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: new Date("2026-11-28T12:30:00Z") });
    expect(second).toMatchObject({ subrequests: 3, kvReads: 4, kvWrites: 0, timelineWritten: false });
    expect(second.sources.map((source) => source.outcome)).toEqual(["unchanged", "unchanged", "unchanged"]);
  });

  it("writes two keys when one source changed", async () => {
    const { net, profile: input } = threeAccountHome();
    const profile = profileOf(input);
    const sources = resolveSources(profile);
    await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: new Date("2026-11-28T12:00:00Z") });
    net.set("https://github.com/camille.atom", feedResponse(FIXTURES.github.replace("Add Atom source elements", "Add a new thing"), FEED_TYPES.atom));
    const run = await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: new Date("2026-11-28T12:30:00Z") });
    expect(run.kvWrites).toBe(2);
    expect(run.sources.find((source) => source.id === "github")!.outcome).toBe("updated");
  });

  it("keeps the last good items when a source fails, and backs off", async () => {
    const { net, profile: input } = threeAccountHome();
    const profile = profileOf(input);
    const sources = resolveSources(profile);
    await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: new Date("2026-11-28T12:00:00Z") });
    net.set("https://mastodon.social/@camille.rss", new Response("oops", { status: 503 }));
    const run = await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: new Date("2026-11-28T12:30:00Z") });
    expect(run.sources[0]).toEqual({ id: "mastodon", outcome: "failed", items: 3, failure: { kind: "http", stage: "feed", detail: "HTTP 503", status: 503 } });
    const timeline = await readTimeline(env.M2_KV);
    expect(timeline!.items.filter((item) => item.source === "mastodon")).toHaveLength(3);
    const status = timeline!.sources.find((source) => source.id === "mastodon")!;
    expect(status).toMatchObject({ failures: 1, nextAttempt: "2026-11-28T13:00:00.000Z", failure: { kind: "http", stage: "feed", detail: "HTTP 503", status: 503 } });
    // Not due again before the backoff ends: no request is made.
    const before = net.requests.length;
    await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: new Date("2026-11-28T12:45:00Z") });
    expect(net.requests.slice(before).map((request) => request.url)).not.toContain("https://mastodon.social/@camille.rss");
  });

  it("doubles the backoff up to a day", () => {
    expect([1, 2, 3, 10].map((failures) => backoffSeconds(failures, 30))).toEqual([1800, 3600, 7200, 86400]);
  });

  it("spends at most the subrequest budget and fetches the rest first next time", async () => {
    const { net, profile: input } = threeAccountHome();
    const profile = profileOf(input);
    const sources = resolveSources(profile);
    const first = await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, budget: 2, now: new Date("2026-11-28T12:00:00Z") });
    expect(first.subrequests).toBe(2);
    expect(first.sources.map((source) => source.outcome).filter((outcome) => outcome === "deferred")).toHaveLength(1);
    const deferred = first.sources.find((source) => source.outcome === "deferred")!.id;
    const second = await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, budget: 1, now: new Date("2026-11-28T12:30:00Z") });
    expect(second.sources.find((source) => source.id === deferred)!.outcome).toBe("updated");
  });
});
