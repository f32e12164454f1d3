/**
 * The refresh's steps one by one: the budget is a typed outcome (never a string found in a
 * message), every fetch failure carries its kind, each record step builds its record afresh, and
 * the plan orders the sources.
 */
import { describe, expect, it } from "vitest";
import { validateProfile } from "../../src/config/index.ts";
import { SubrequestBudget } from "../../src/ingest/budget.ts";
import { FEED_ACCEPT, politeFetch, userAgentFor, type FetchOptions } from "../../src/ingest/fetch.ts";
import { refresh } from "../../src/ingest/refresh.ts";
import { planRun } from "../../src/ingest/refresh/plan.ts";
import { afterFeedFailure, afterNotModified, emptyRecord } from "../../src/ingest/refresh/records.ts";
import { verifySource } from "../../src/identity/verify.ts";
import { resolveSources } from "../../src/sources/index.ts";
import { fakeNet, env, profileWith } from "../helpers.ts";
import refreshSource from "../../src/ingest/refresh.ts?raw";
import scheduleSource from "../../src/identity/schedule.ts?raw";
import storeSource from "../../src/store/index.ts?raw";

const options = (fetcher: typeof fetch, extra: Partial<FetchOptions> = {}): FetchOptions => ({
  userAgent: userAgentFor("https://camille.example/"),
  accept: FEED_ACCEPT,
  timeoutMs: 200,
  maxBytes: 1000,
  maxRedirects: 2,
  fetcher,
  ...extra,
});
const NOW = new Date("2026-11-28T12:00:00Z");

function siteOf(accounts: Parameters<typeof profileWith>[0]) {
  const checked = validateProfile(profileWith(accounts));
  if (!checked.ok) throw new Error(checked.problems.join("\n"));
  return { profile: checked.profile, sources: resolveSources(checked.profile) };
}

describe("the subrequest budget", () => {
  it("is an outcome of its own: a spent budget is budget-spent, for a feed and for a verification", async () => {
    const net = fakeNet({ "https://a.example/feed": new Response("<rss/>") });
    const budget = new SubrequestBudget(1, net.fetcher);
    expect((await politeFetch("https://a.example/feed", options(budget.fetch))).kind).toBe("fetched");
    expect(await politeFetch("https://a.example/feed", options(budget.fetch))).toEqual({ kind: "budget-spent", subrequests: 1 });
    expect(net.requests).toHaveLength(1);
    const [source] = siteOf([{ url: "https://a.example/" }]).sources;
    expect(await verifySource(source!, "https://camille.example/", { userAgent: "t", timeoutMs: 200, fetcher: budget.fetch })).toBe("budget-spent");
  });

  it("is never read out of words: a server that answers 'subrequest budget spent' is a failure, not deferred for ever", async () => {
    const { profile, sources } = siteOf([{ url: "https://a.example/", feed: "https://a.example/feed", id: "a" }]);
    const net = fakeNet({ "https://a.example/feed": new Response("no", { status: 503, statusText: "subrequest budget spent" }) });
    const summary = await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: NOW });
    expect(summary.sources[0]).toMatchObject({ outcome: "failed", failure: { kind: "http", status: 503 } });
  });
});

describe("failure kinds, set where the failure happens", () => {
  it.each([
    ["timeout", () => new Promise<Response>(() => {})],
    ["network", () => Promise.reject(new TypeError("connection refused"))],
    ["http", () => Promise.resolve(new Response("no", { status: 500 }))],
    ["gone", () => Promise.resolve(new Response("gone", { status: 410 }))],
    ["redirect", () => Promise.resolve(new Response(null, { status: 302 }))],
    ["too-large", () => Promise.resolve(new Response("x".repeat(2000)))],
  ] as const)("%s", async (kind, answer) => {
    const outcome = await politeFetch("https://a.example/feed", options((() => answer()) as typeof fetch));
    expect(outcome).toMatchObject({ kind: "failed", failure: { kind } });
  });

  it("discovery's failures are of stage page", async () => {
    const { profile, sources } = siteOf([{ url: "https://blog.example/" }]);
    const net = fakeNet({ "https://blog.example/": new Response("no", { status: 500 }) });
    const summary = await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: NOW });
    expect(summary.sources[0]!.failure).toMatchObject({ kind: "http", stage: "page", status: 500 });
  });
});

describe("record steps", () => {
  it("build each record afresh: a 304 after a failure keeps nothing of the failure", () => {
    const [source] = siteOf([{ url: "https://a.example/", feed: "https://a.example/feed", id: "a" }]).sources;
    const failed = afterFeedFailure(emptyRecord(source!), source!, "https://a.example/feed", { kind: "failed", failure: { kind: "gone", detail: "HTTP 410", status: 410 }, subrequests: 1 }, NOW, 30);
    expect(failed.record).toMatchObject({ gone: true, failures: 1, failure: { kind: "gone", stage: "feed" } });
    const healed = afterNotModified(failed.record, source!, "https://a.example/feed", { kind: "not-modified", url: "https://a.example/feed", subrequests: 1, etag: '"1"' }, NOW);
    expect(healed.record).toEqual({
      id: "a",
      account: "https://a.example/",
      feed: "https://a.example/feed",
      etag: '"1"',
      lastFetch: NOW.toISOString(),
      lastSuccess: NOW.toISOString(),
      failures: 0,
      items: [],
    });
    expect(Object.keys(healed.record)).not.toContain("failure");
  });

  it("the plan takes never-fetched sources first, then the rotation's order", () => {
    const { sources } = siteOf([{ url: "https://a.example/" }, { url: "https://b.example/" }, { url: "https://c.example/" }]);
    const fetched = { ...emptyRecord(sources[0]!), lastFetch: NOW.toISOString() };
    const plan = planRun(sources, [fetched, null, null], NOW, 30, 50);
    expect(plan.map(({ source }) => source.url)).toEqual(["https://b.example/", "https://c.example/", "https://a.example/"]);
  });

  it("the plan takes a source with entries left to read before the fetched ones", () => {
    const { sources } = siteOf([{ url: "https://a.example/" }, { url: "https://b.example/" }, { url: "https://c.example/" }]);
    const done = (index: number) => ({ ...emptyRecord(sources[index]!), lastFetch: NOW.toISOString() });
    const plan = planRun(sources, [done(0), done(1), { ...done(2), unread: 12 }], NOW, 30, 50);
    expect(plan.map(({ source }) => source.url)).toEqual(["https://c.example/", "https://a.example/", "https://b.example/"]);
  });
});


describe("layers", () => {
  it("the store imports nothing of identity/ or ingest/, and one budgeted fetcher and pool serve both the refresh and verification", () => {
    expect(storeSource).not.toMatch(/from "\.\.\/(identity|ingest)\//);
    for (const source of [refreshSource, scheduleSource]) {
      expect(source).toMatch(/import \{ pool, SubrequestBudget(, WorkBudget)? \} from "\.\.?\/(ingest\/)?budget\.ts"/);
      expect(source).not.toMatch(/Promise\.reject\(new|subrequest budget spent/);
    }
  });
});
