/**
 * Refreshes that overlap: the cron and a request-triggered refresh, or two isolates on a first
 * deploy. Each run merges what the other wrote (verdicts and later fetches are never lost),
 * request-triggered runs coalesce on a lease, and a run that is cut short keeps every source it
 * finished. Every step is sequenced by promises, never by sleeps.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { validateProfile } from "../../src/config/index.ts";
import { refresh } from "../../src/ingest/refresh.ts";
import type { Verification } from "../../src/model.ts";
import { resolveSources } from "../../src/sources/index.ts";
import { readSource, readTimeline } from "../../src/store/index.ts";
import { FEED_TYPES, FIXTURES, HOME, env, fakeNet, feedResponse, profileWith, threeAccountHome, workerFor } from "../helpers.ts";

const T0 = new Date("2026-11-28T12:00:00Z");
const later = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

/** A promise resolved the first time `url` is requested through the returned fetcher, whose answers to `url` wait for `release`. */
function heldAt(fetcher: typeof fetch, url: string) {
  const reached = gate();
  const release = gate();
  const held = (async (input: RequestInfo | URL, init?: RequestInit) => {
    if (new Request(input).url === url) {
      reached.open();
      await release.opened;
    }
    return fetcher(input, init);
  }) as typeof fetch;
  return { fetcher: held, reached: reached.opened, release: release.open };
}

function site() {
  const { net, profile: input } = threeAccountHome();
  const checked = validateProfile(input);
  if (!checked.ok) throw new Error(checked.problems.join("\n"));
  return { net, profile: checked.profile, sources: resolveSources(checked.profile) };
}

const verdict = (at: Date): Verification => ({ verdict: "verified", detail: "links back", checked_url: "https://mastodon.social/@camille", checked_at: at.toISOString() });

describe("two refreshes at once", () => {
  it("never drops the verdicts the other run stored", async () => {
    const { net, profile, sources } = site();
    const slow = heldAt(net.fetcher, "https://blog.camille.example/feed/");
    // A request-triggered refresh reads the (empty) store, then waits on one feed…
    const first = refresh(env.M2_KV, profile, sources, { fetcher: slow.fetcher, now: T0 });
    await slow.reached;
    // …while the cron verifies and stores verdicts with its refresh.
    const identity = { accounts: "accounts-hash", verdicts: { mastodon: verdict(later(1)) } };
    await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: later(1), identity });
    slow.release();
    await first;
    expect((await readTimeline(env.M2_KV))?.identity).toEqual(identity);
  });

  it("keeps the items of a source the other run fetched later", async () => {
    const { net, profile, sources } = site();
    const slow = heldAt(net.fetcher, "https://blog.camille.example/feed/");
    const first = refresh(env.M2_KV, profile, sources, { fetcher: slow.fetcher, now: T0 });
    await slow.reached;
    // Meanwhile GitHub gets a new post, and a second run (a minute later) stores it.
    net.set("https://github.com/camille.atom", feedResponse(FIXTURES.github.replace("Add Atom source elements", "A newer push"), FEED_TYPES.atom));
    await refresh(env.M2_KV, profile, sources, { fetcher: net.fetcher, now: later(60) });
    slow.release();
    await first;
    const timeline = (await readTimeline(env.M2_KV))!;
    expect(timeline.items.filter((item) => item.source === "github").map((item) => item.content_html).join(" ")).toContain("A newer push");
    expect(timeline.items).toHaveLength(7);
    expect(timeline.sources.find((status) => status.id === "github")?.lastFetch).toBe(later(60).toISOString());
  });

  it("coalesces request-triggered refreshes: a second isolate stands aside while the first holds the lease", async () => {
    const { net, profile } = threeAccountHome();
    const slow = heldAt(net.fetcher, "https://blog.camille.example/feed/");
    const firstIsolate = workerFor(profile, { refresh: { fetcher: slow.fetcher } });
    const secondIsolate = workerFor(profile, { refresh: { fetcher: net.fetcher } });
    // A first deploy: nothing stored, so each isolate's first request starts a background refresh.
    const firstCtx = createExecutionContext();
    expect((await firstIsolate.fetch(new Request(HOME), env, firstCtx)).status).toBe(200);
    await slow.reached;
    const secondCtx = createExecutionContext();
    expect((await secondIsolate.fetch(new Request(HOME), env, secondCtx)).status).toBe(200);
    await waitOnExecutionContext(secondCtx);
    const feedsFetched = () => net.requests.filter((r) => !r.url.startsWith("https://blog.")).length;
    // The second isolate fetched nothing: only the first run's two other feeds were fetched.
    expect(feedsFetched()).toBe(2);
    slow.release();
    await waitOnExecutionContext(firstCtx);
    expect(net.requests).toHaveLength(3);
    expect((await readTimeline(env.M2_KV))?.items).toHaveLength(7);
    // The lease is given back: the owner's refresh right after runs in full.
    const admin = await secondIsolate.fetch(new Request(new URL("/admin/refresh", HOME), { method: "POST", headers: { Authorization: "Bearer test-admin-token" } }), env, createExecutionContext());
    expect(((await admin.json()) as { sources: unknown[] }).sources).toHaveLength(3);
  });

  it("stores each source as soon as it is done, while another feed stalls", async () => {
    const net = fakeNet({ "https://mastodon.social/@camille.rss": feedResponse(FIXTURES.mastodon, FEED_TYPES.rss) });
    const stalled = gate();
    net.set("https://stall.example/feed.xml", () => stalled.opened.then(() => new Response("late", { status: 503 })));
    const checked = validateProfile(
      profileWith([{ url: "https://mastodon.social/@camille" }, { url: "https://stall.example/", feed: "https://stall.example/feed.xml", id: "stall" }], {
        settings: { fetchTimeoutSeconds: 60 },
      }),
    );
    if (!checked.ok) throw new Error(checked.problems.join("\n"));
    const stored = gate();
    const watched = new Proxy(env.M2_KV, {
      get(target, key) {
        if (key === "put") {
          return async (name: string, ...rest: unknown[]) => {
            await (target.put as (...args: unknown[]) => Promise<void>).call(target, name, ...rest);
            if (name === "source:mastodon") stored.open();
          };
        }
        const value = Reflect.get(target, key);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const run = refresh(watched, checked.profile, resolveSources(checked.profile), { fetcher: net.fetcher, now: T0 });
    // Before the fix, records were written only once every fetch had ended: this waited 60 s.
    await stored.opened;
    expect((await readSource(env.M2_KV, "mastodon"))?.items).toHaveLength(3);
    stalled.open();
    expect((await run).sources.map((source) => source.outcome)).toEqual(["updated", "failed"]);
  });
});
