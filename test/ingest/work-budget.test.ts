/** The CPU a refresh run may spend (settings.cpuMsPerRun): work past it waits for the next run, and nothing is lost. */
import { describe, expect, it } from "vitest";
import { validateProfile, type Profile } from "../../src/config/index.ts";
import { WorkBudget, WORK_COST } from "../../src/ingest/budget.ts";
import { refresh, sourcesPerRun } from "../../src/ingest/refresh.ts";
import { resolveSources } from "../../src/sources/index.ts";
import { readSource } from "../../src/store/index.ts";
import { env } from "../helpers.ts";

const FEED = "https://blog.lea.test/feed/";
const ENTRIES = 40;

/** A blog's RSS of `ENTRIES` posts of about 1 KB each, newest first. */
function longFeed(): string {
  const items = Array.from({ length: ENTRIES }, (_, index) => {
    const date = new Date(Date.parse("2026-11-25T07:00:00Z") - index * 86_400_000).toUTCString();
    return `<item><title>Billet ${index}</title><link>https://blog.lea.test/${index}/</link><guid>https://blog.lea.test/${index}/</guid><pubDate>${date}</pubDate><description><![CDATA[<p>${"Un paragraphe du billet, avec un peu de texte. ".repeat(20)}</p>]]></description></item>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Léa</title><link>https://blog.lea.test/</link>${items.join("\n")}</channel></rss>`;
}

function home(settings: Record<string, number>, accounts = [{ url: "https://blog.lea.test/", feed: FEED }]): Profile {
  const result = validateProfile({ name: "Léa", url: "https://lea.test/", accounts, settings });
  if (!result.ok) throw new Error(result.problems.join("\n"));
  return result.profile;
}

/** A server of `body` that sends an ETag (when `etag`) and honours If-None-Match; counts its answers. */
function server(body: string, etag: boolean) {
  const answers: number[] = [];
  const fetcher = (async (_input: RequestInfo | URL, init?: RequestInit) => {
    if (etag && new Headers(init?.headers).get("If-None-Match") === '"v1"') {
      answers.push(304);
      return new Response(null, { status: 304, headers: { ETag: '"v1"' } });
    }
    answers.push(200);
    return new Response(body, { headers: { "Content-Type": "application/rss+xml; charset=utf-8", ...(etag ? { ETag: '"v1"' } : {}) } });
  }) as typeof fetch;
  return { fetcher, answers };
}

const at = (run: number) => new Date(Date.parse("2026-11-28T12:00:00Z") + run * 30 * 60_000);

describe("the work budget", () => {
  it("spreads the first read of a long feed over runs at Workers Free's 10 ms, newest entries first, and ends with every entry read", async () => {
    const profile = home({ cpuMsPerRun: 10 });
    const sources = resolveSources(profile);
    const { fetcher, answers } = server(longFeed(), true);
    const first = await refresh(env.M2_KV, profile, sources, { fetcher, now: at(0) });
    expect(first.sources[0]).toMatchObject({ outcome: "updated" });
    const partial = (await readSource(env.M2_KV, sources[0]!.id))!;
    expect(partial.unread).toBeGreaterThan(0);
    expect(partial.items.length + partial.unread!).toBe(ENTRIES);
    // The newest posts come first; without validators the next run gets the whole body again.
    expect(partial.items[0]!.title).toBe("Billet 0");
    expect(partial.etag).toBeUndefined();
    let runs = 1;
    while ((await readSource(env.M2_KV, sources[0]!.id))!.unread && runs < 50) await refresh(env.M2_KV, profile, sources, { fetcher, now: at(runs++) });
    const filled = (await readSource(env.M2_KV, sources[0]!.id))!;
    expect(runs).toBeGreaterThan(1);
    expect(filled.unread).toBeUndefined();
    expect(filled.items.map((item) => item.title)).toEqual(Array.from({ length: ENTRIES }, (_, index) => `Billet ${index}`));
    expect(filled.etag).toBe('"v1"');
    // Read whole: the next run is a conditional GET.
    await refresh(env.M2_KV, profile, sources, { fetcher, now: at(runs) });
    expect(answers.at(-1)).toBe(304);
  });

  it("spreads it at the default, which is Workers Free's 10 ms", async () => {
    const profile = home({});
    expect(profile.settings.cpuMsPerRun).toBe(10);
    const sources = resolveSources(profile);
    await refresh(env.M2_KV, profile, sources, { fetcher: server(longFeed(), true).fetcher, now: at(0) });
    expect((await readSource(env.M2_KV, sources[0]!.id))!.unread).toBeGreaterThan(0);
  });

  it("reads the same feed in one run at Workers Paid's 30 000 ms", async () => {
    const profile = home({ cpuMsPerRun: 30_000 });
    const sources = resolveSources(profile);
    await refresh(env.M2_KV, profile, sources, { fetcher: server(longFeed(), true).fetcher, now: at(0) });
    const record = (await readSource(env.M2_KV, sources[0]!.id))!;
    expect(record.items).toHaveLength(ENTRIES);
    expect(record.unread).toBeUndefined();
  });

  it("does not read again a 200 whose body is the one read last time, from a server without validators", async () => {
    const profile = home({ cpuMsPerRun: 30_000 });
    const sources = resolveSources(profile);
    const { fetcher } = server(longFeed(), false);
    await refresh(env.M2_KV, profile, sources, { fetcher, now: at(0) });
    expect((await readSource(env.M2_KV, sources[0]!.id))!.bodyDigest).toMatch(/^[0-9a-f]{40}\./);
    const again = await refresh(env.M2_KV, profile, sources, { fetcher, now: at(1) });
    expect(again.sources[0]).toMatchObject({ outcome: "unchanged" });
    expect(again.kvWrites).toBe(0);
  });

  it("starts no more sources than the estimate affords, and the others wait for a later run", async () => {
    const accounts = Array.from({ length: 60 }, (_, index) => ({ url: `https://blog${index}.lea.test/`, feed: `https://blog${index}.lea.test/feed/` }));
    const profile = home({ cpuMsPerRun: 10 }, accounts);
    const sources = resolveSources(profile);
    // 60 sources leave 3 ms of work at 10 ms (README: 12 sources a run from 30 on).
    expect(sourcesPerRun(profile.settings, sources.length)).toBe(12);
    const run = await refresh(env.M2_KV, profile, sources, { fetcher: server(longFeed(), true).fetcher, now: at(0) });
    expect(run.subrequests).toBeLessThanOrEqual(12);
    expect(run.sources.filter((source) => source.outcome === "deferred").length).toBeGreaterThan(40);
  });

  it("lets two reads at once claim the same milliseconds only once", () => {
    const work = new WorkBudget(10, 1);
    work.spendFetch(10_240);
    const first = work.claim();
    expect(first).toBeGreaterThan(0);
    expect(work.claim()).toBe(0);
    work.settle(first, 1_024);
    // What the first read did not use is back for the next one.
    expect(work.claim()).toBe(first - 1_024);
    expect(WORK_COST.parseMsPerKb).toBeGreaterThan(WORK_COST.scanMsPerKb);
  });
});
