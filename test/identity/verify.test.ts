/**
 * Inbound verification through the Worker: fixture account pages produce their verdicts on the
 * cron, /status.json shows them with a hint in the page's language, the page badges verified
 * accounts, and verification runs only when due, within its budget, writing KV only on change.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { buildSite, type Site } from "../../src/site.ts";
import { IdentityState, VERIFY_BUDGET, inDailySlot, runVerification } from "../../src/identity/schedule.ts";
import { refresh } from "../../src/ingest/refresh.ts";
import { readTimeline } from "../../src/store/index.ts";
import blogWithoutRelMe from "../fixtures/identity/blog-without-rel-me.html?raw";
import blueskyOtherHandle from "../fixtures/identity/bluesky-profile-other-handle.json?raw";
import blueskyProfile from "../fixtures/identity/bluesky-profile.json?raw";
import githubTrailingSlash from "../fixtures/identity/github-trailing-slash.html?raw";
import mastodonExact from "../fixtures/identity/mastodon-exact.html?raw";
import { WORKERS_PAID, env, fakeNet, profileWith, request, runCron, workerFor, type Route } from "../helpers.ts";

const html = (body: string): Route => new Response(body, { headers: { "Content-Type": "text/html; charset=utf-8" } });
const json = (body: string): Route => new Response(body, { headers: { "Content-Type": "application/json" } });

const BLUESKY_API = "https://public.api.bsky.app/xrpc/app.bsky.actor.getProfile?actor=";

function fixtureHome() {
  const net = fakeNet({
    "https://mastodon.social/@camille": html(mastodonExact),
    "https://github.com/camille": html(githubTrailingSlash),
    "https://blog.camille.example/": html(blogWithoutRelMe),
    "https://gone.example/camille": new Response("Not Found", { status: 404, statusText: "Not Found" }),
    [`${BLUESKY_API}camille.example`]: json(blueskyProfile),
  });
  const profile = profileWith([
    { url: "https://mastodon.social/@camille" },
    { url: "https://github.com/camille" },
    { url: "https://blog.camille.example/", label: "Blog" },
    { url: "https://gone.example/camille", label: "Old site" },
    { url: "https://bsky.app/profile/camille.example" },
    { url: "https://www.linkedin.com/in/camille", identity: false },
    { url: "mailto:bonjour@camille.example" },
  ], { settings: WORKERS_PAID });
  return { net, profile };
}

type StatusJson = { sources: { id: string; verification: { verdict: string; detail: string; hint: string | null; checked_at: string; found?: string; http_status?: number } | null }[] };

const NOT_IN_SLOT = new Date("2026-11-28T12:00:00Z");
const IN_SLOT = new Date("2026-11-29T03:00:00Z");

describe("inbound verification", () => {
  it("gives each fixture account its verdict, with a hint in the page's language", async () => {
    const { net, profile } = fixtureHome();
    const worker = workerFor(profile, { refresh: { fetcher: net.fetcher, now: NOT_IN_SLOT } });
    await runCron(worker);
    const pages = net.requests.filter((r) => !/\.(rss|atom)$|\/rss$|\/feed\//.test(r.url));
    for (const page of pages) {
      expect(page.headers.get("Accept"), page.url).toMatch(page.url.startsWith(BLUESKY_API) ? /^application\/json/ : /^text\/html/);
    }

    const status = (await (await request(worker, "/status.json")).json()) as StatusJson;
    const byId = Object.fromEntries(status.sources.map((s) => [s.id, s.verification]));
    expect(byId.mastodon).toMatchObject({ verdict: "verified", hint: null, checked_at: NOT_IN_SLOT.toISOString() });
    expect(byId.github).toMatchObject({
      verdict: "verified-loosely",
      found: "https://camille.example",
      hint: "Remplacez https://camille.example par exactement https://camille.example/ sur github.com",
    });
    expect(byId.blog).toMatchObject({ verdict: "links-back-without-rel-me", hint: expect.stringContaining("sans rel=me") });
    expect(byId["old-site"]).toMatchObject({ verdict: "unreachable", http_status: 404, detail: expect.stringContaining("HTTP 404") });
    expect(byId.bluesky).toMatchObject({ verdict: "verified", detail: expect.stringContaining("handle is the home domain") });
    expect(byId.linkedin).toBeNull();
    expect(byId.email).toBeNull();

    const english = (await (await request(worker, "/status.json?lang=en")).json()) as StatusJson;
    expect(english.sources.find((s) => s.id === "github")!.verification!.hint).toBe(
      "Replace https://camille.example with exactly https://camille.example/ on github.com",
    );
  });

  it("says no-link-back with a service-specific hint, and reads Bluesky descriptions", async () => {
    const { net } = fixtureHome();
    net.set("https://mastodon.social/@camille", html("<html><head><title>x</title></head><body></body></html>"));
    net.set(`${BLUESKY_API}camille.bsky.social`, json(blueskyOtherHandle));
    const profile = profileWith([{ url: "https://mastodon.social/@camille" }, { url: "https://bsky.app/profile/camille.bsky.social" }], { lang: "en" });
    const worker = workerFor(profile, { refresh: { fetcher: net.fetcher, now: NOT_IN_SLOT } });
    await runCron(worker);
    const status = (await (await request(worker, "/status.json")).json()) as StatusJson;
    expect(status.sources[0]!.verification).toMatchObject({ verdict: "no-link-back", hint: "Add https://camille.example/ to a profile field on mastodon.social" });
    expect(status.sources[1]!.verification).toMatchObject({ verdict: "verified-loosely", found: "camille.example" });
    const french = (await (await request(worker, "/status.json?lang=fr")).json()) as StatusJson;
    expect(french.sources[0]!.verification!.hint).toBe("Ajoutez https://camille.example/ à un champ de profil sur mastodon.social");
  });

  it("shows a badge next to verified account links only", async () => {
    const { net, profile } = fixtureHome();
    const worker = workerFor(profile, { refresh: { fetcher: net.fetcher, now: NOT_IN_SLOT } });
    const before = await (await request(worker, "/")).text();
    expect(before).not.toContain('class="verified"');
    await runCron(worker);
    const page = await (await request(worker, "/")).text();
    const badged = [...page.matchAll(/<a [^>]*href="([^"]+)"[^>]*>(?:(?!<\/a>)[\s\S])*class="verified"/g)].map((m) => m[1]);
    expect(badged).toEqual(["https://mastodon.social/@camille", "https://bsky.app/profile/camille.example"]);
  });

  it("reads the timeline once per cron run, for the verdicts and the refresh alike", async () => {
    const { net, profile } = fixtureHome();
    const keys: unknown[] = [];
    const counted = { ...env, M2_KV: { ...env.M2_KV, get: (key: unknown, ...rest: unknown[]) => (keys.push(key), (env.M2_KV.get as (...a: unknown[]) => unknown)(key, ...rest)), put: env.M2_KV.put.bind(env.M2_KV) } };
    const worker = workerFor(profile, { refresh: { fetcher: net.fetcher, now: NOT_IN_SLOT } });
    for (let run = 0; run < 2; run++) {
      keys.length = 0;
      const ctx = createExecutionContext();
      await worker.scheduled({ cron: "*/30 * * * *", scheduledTime: NOT_IN_SLOT.getTime(), noRetry() {} } as ScheduledController, counted as unknown as Env, ctx);
      await waitOnExecutionContext(ctx);
      // One read shared by the verdicts and the refresh; a run that writes the timeline (the first)
      // reads it once more just before, to merge what another run may have written meanwhile.
      expect(keys.filter((key) => key === "timeline"), `run ${run}`).toEqual(run === 0 ? ["timeline", "timeline"] : ["timeline"]);
      // Then each source's record, once, as the run takes it (in the plan's order).
      expect(keys.filter((key) => key !== "timeline").sort(), `run ${run}`).toEqual(siteOf(profile).sources.map((source) => `source:${source.id}`).sort());
    }
    // The first run verified (never verified) and stored the verdicts with the timeline.
    expect((await readTimeline(env.M2_KV))?.identity?.verdicts.mastodon).toMatchObject({ verdict: "verified" });
  });

  it("reads the timeline (with the owner's posts, one bulk read) for a page with its badges, in a fresh isolate, and none for the next requests", async () => {
    // On the real clock: a timeline older than its heartbeat would start a refresh (more reads).
    const { net, profile } = fixtureHome();
    await runCron(workerFor(profile, { refresh: { fetcher: net.fetcher } }));
    const keys: unknown[] = [];
    const counted = { ...env, M2_KV: { get: (key: unknown, ...rest: unknown[]) => (keys.push(key), (env.M2_KV.get as (...a: unknown[]) => unknown)(key, ...rest)) } };
    const fresh = workerFor(profile, { refresh: { fetcher: net.fetcher } });
    const get = async (path: string) => {
      const ctx = createExecutionContext();
      const response = await fresh.fetch(new Request(new URL(path, "https://camille.example")), counted as unknown as Env, ctx);
      await waitOnExecutionContext(ctx);
      return response.text();
    };
    expect(await get("/")).toContain('class="verified"');
    expect(keys).toEqual([["timeline", "posts"]]);
    await get("/feed.xml");
    await get("/status.json");
    await get("/");
    expect(keys).toEqual([["timeline", "posts"]]);
  });

  it("runs after a profile change and in the daily slot only, never re-fetching in between", async () => {
    const { net, profile } = fixtureHome();
    const pageRequests = () => net.requests.filter((r) => r.url === "https://github.com/camille").length;
    await runCron(workerFor(profile, { refresh: { fetcher: net.fetcher, now: NOT_IN_SLOT } }));
    expect(pageRequests()).toBe(1);
    await runCron(workerFor(profile, { refresh: { fetcher: net.fetcher, now: new Date("2026-11-28T12:30:00Z") } }));
    expect(pageRequests()).toBe(1);
    await runCron(workerFor(profile, { refresh: { fetcher: net.fetcher, now: IN_SLOT } }));
    expect(pageRequests()).toBe(2);
    const changed = profileWith([...profile.accounts, { url: "https://codeberg.org/camille", label: "Codeberg" }]);
    await runCron(workerFor(changed, { refresh: { fetcher: net.fetcher, now: new Date("2026-11-29T09:00:00Z") } }));
    expect(pageRequests()).toBe(3);
    expect(inDailySlot(new Date("2026-11-29T03:29:59Z"))).toBe(true);
    expect(inDailySlot(new Date("2026-11-29T03:30:00Z"))).toBe(false);
  });
});

function siteOf(profile: unknown): Site {
  const built = buildSite(profile);
  if (!built.ok) throw new Error(built.problems.join("\n"));
  return built.site;
}

/** The test KV, counting writes. */
function countingKv() {
  const kv = env.M2_KV;
  const counter = { puts: 0, gets: 0 };
  const wrapped = {
    get: (...args: Parameters<KVNamespace["get"]>) => {
      counter.gets++;
      return (kv.get as (...a: unknown[]) => unknown)(...args);
    },
    put: (...args: Parameters<KVNamespace["put"]>) => {
      counter.puts++;
      return kv.put(...args);
    },
  } as unknown as KVNamespace;
  return { kv: wrapped, counter };
}

describe("verification storage and budget", () => {
  it("gives a record to store only when a verdict changed", async () => {
    const { net, profile } = fixtureHome();
    const site = siteOf(profile);
    const kv = env.M2_KV;
    const state = new IdentityState(site);
    const first = await (await state.plan(kv, NOT_IN_SLOT)).run(net.fetcher);
    expect(first).toMatchObject({ reason: "never verified", changed: true });
    expect(first.record?.verdicts.mastodon).toMatchObject({ verdict: "verified" });
    await refresh(kv, site.profile, site.sources, { now: NOT_IN_SLOT, fetcher: net.fetcher, identity: first.record! });
    const quiet = await (await state.plan(kv, new Date("2026-11-28T12:30:00Z"))).run(net.fetcher);
    expect(quiet).toEqual({ reason: null, checked: [], subrequests: 0, changed: false });
    const daily = await (await state.plan(kv, IN_SLOT)).run(net.fetcher);
    expect(daily).toMatchObject({ reason: "daily check", changed: false });
    expect(daily.record).toBeUndefined();
    expect(daily.checked).toHaveLength(5);
    net.set("https://github.com/camille", html(mastodonExact));
    const at = new Date("2026-11-30T03:00:00Z");
    const fixed = await (await new IdentityState(site).plan(kv, at)).run(net.fetcher);
    expect(fixed).toMatchObject({ changed: true });
    await refresh(kv, site.profile, site.sources, { now: at, fetcher: net.fetcher, identity: fixed.record! });
    const timeline = (await readTimeline(kv))!;
    expect(new IdentityState(site).verdicts(timeline).get("github")).toMatchObject({ verdict: "verified", checked_at: at.toISOString() });
  });

  it("stores new verdicts in the refresh's one put of the timeline, and keeps them on later refreshes", async () => {
    const { net, profile } = fixtureHome();
    const site = siteOf(profile);
    const { kv, counter } = countingKv();
    const at = (minutes: number) => new Date(NOT_IN_SLOT.getTime() + minutes * 60_000);
    await refresh(kv, site.profile, site.sources, { now: at(0), fetcher: net.fetcher });
    const { record } = await runVerification(site, null, { now: at(1), budget: VERIFY_BUDGET, fetcher: net.fetcher });
    // Nothing else due: without verdicts a run writes nothing; with them, the timeline once.
    const puts = counter.puts;
    await refresh(kv, site.profile, site.sources, { now: at(1), fetcher: net.fetcher });
    expect(counter.puts).toBe(puts);
    const stored = await refresh(kv, site.profile, site.sources, { now: at(2), fetcher: net.fetcher, identity: record });
    expect(stored).toMatchObject({ kvWrites: 1, timelineWritten: true, subrequests: 0 });
    expect(counter.puts).toBe(puts + 1);
    expect((await readTimeline(kv))?.identity).toEqual(record);
    // A later run that rewrites the timeline (the heartbeat) keeps them; a request reads one key.
    const heartbeat = await refresh(kv, site.profile, site.sources, { now: at(7 * 60), fetcher: net.fetcher });
    expect(heartbeat.timelineWritten).toBe(true);
    expect((await readTimeline(kv))?.identity).toEqual(record);
  });

  it("stands aside when KV cannot be read, so the feeds still get the whole budget", async () => {
    const { profile } = fixtureHome();
    const broken = { get: () => Promise.reject(new Error("KV down")) } as unknown as KVNamespace;
    const plan = await new IdentityState(siteOf(profile)).plan(broken, NOT_IN_SLOT);
    expect(plan.budget).toBe(0);
    expect(await plan.run()).toMatchObject({ reason: null, subrequests: 0 });
  });

  it("spends at most its budget, unverified accounts first, and finishes on later runs", async () => {
    const accounts = Array.from({ length: 14 }, (_, i) => ({ url: `https://site${i}.example/`, label: `Site ${i}` }));
    const net = fakeNet(Object.fromEntries(accounts.map((a) => [a.url, html(mastodonExact)])));
    const site = siteOf(profileWith(accounts));
    const first = await runVerification(site, null, { now: NOT_IN_SLOT, budget: VERIFY_BUDGET, fetcher: net.fetcher });
    expect(first.summary.subrequests).toBe(VERIFY_BUDGET);
    expect(Object.keys(first.record.verdicts)).toHaveLength(VERIFY_BUDGET);
    const second = await runVerification(site, first.record, { now: NOT_IN_SLOT, budget: VERIFY_BUDGET, fetcher: net.fetcher });
    expect(second.summary.checked.slice(0, 4).sort()).toEqual(["site-10", "site-11", "site-12", "site-13"]);
    expect(Object.keys(second.record.verdicts)).toHaveLength(14);
    expect(net.requests).toHaveLength(2 * VERIFY_BUDGET);
  });

  it("leaves the feeds 40 of the cron's 50 subrequests when verification is due (Workers Paid's CPU, which affords them all)", async () => {
    const accounts = Array.from({ length: 45 }, (_, i) => ({ url: `https://site${i}.example/`, feed: `https://site${i}.example/feed.xml`, label: `Site ${i}` }));
    const net = fakeNet();
    await runCron(workerFor(profileWith(accounts, { settings: WORKERS_PAID }), { refresh: { fetcher: net.fetcher, now: NOT_IN_SLOT } }));
    const feeds = net.requests.filter((r) => r.url.endsWith("/feed.xml")).length;
    expect(feeds).toBe(40);
    expect(net.requests.length - feeds).toBe(VERIFY_BUDGET);
  });
});
