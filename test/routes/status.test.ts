/**
 * /status and /status.json through the Worker, tried in French as a new user would: the page says
 * everything in French (feed origins, failures, verdicts), /status.json keeps the English detail
 * beside the failure's kind and stage.
 */
import { describe, expect, it } from "vitest";
import { fr } from "../../src/i18n/fr.ts";
import type { Failure } from "../../src/model.ts";
import { writeTimeline, type SourceStatus } from "../../src/store/index.ts";
import { env, fakeNet, feedResponse, FEED_TYPES, FIXTURES, profileWith, request, runCron, workerFor } from "../helpers.ts";
import { englishIn, visibleText } from "../render/english.ts";

type StatusJson = { sources: { id: string; label: string; error: string | null; http_status: number | null; error_kind: string | null; error_stage: string | null; feed_note: string; verification: unknown }[] };

/** A new user's French home: a Mastodon account, a GitHub whose feed is gone missing, two websites (one page unreadable). */
function newUserHome() {
  const net = fakeNet({
    "https://mastodon.social/@lea.rss": feedResponse(FIXTURES.mastodon, FEED_TYPES.rss),
    "https://github.com/lea.atom": new Response("Not Found", { status: 404, statusText: "Not Found" }),
    "https://lea.test/": new Response('<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body><a href="https://lea.test/">Léa</a></body></html>', {
      headers: { "Content-Type": "text/html" },
    }),
    "https://lea.test/feed.xml": feedResponse(FIXTURES.wordpress, FEED_TYPES.rss),
    "https://photos.lea.test/": new Response("Not Found", { status: 404, statusText: "Not Found" }),
  });
  const profile = profileWith([{ url: "https://mastodon.social/@lea" }, { url: "https://github.com/lea" }, { url: "https://lea.test/" }, { url: "https://photos.lea.test/" }], { url: "https://lea.test/" });
  return { net, worker: workerFor(profile, { refresh: { fetcher: net.fetcher } }) };
}

describe("/status in French, as a new user reads it", () => {
  it("has no English sentence: feed origins, failures and verdicts come from the French table", async () => {
    const { worker } = newUserHome();
    await runCron(worker);
    const json = (await (await request(worker, "/status.json")).json()) as StatusJson;
    const english = json.sources.flatMap((source) => [source.error ?? "", source.feed_note]).filter((text) => text !== "");
    const html = await (await request(worker, "/status")).text();
    const text = visibleText(html);
    expect(englishIn(text, english)).toEqual([]);
    expect(text).toContain(fr.feedDerived.replace("{service}", "Mastodon"));
    expect(text).toContain(fr.feedDiscovered);
    expect(text).toContain("m2 n'a pas pu lire le flux : l'adresse répond « introuvable »");
    expect(text).toContain("m2 n'a pas pu lire la page de votre compte pour y trouver son flux : l'adresse répond « introuvable »");
    // lea.test links to the home URL itself, but without rel=me: a problem, said as one.
    const lea = visibleText(html.split('<li class="entry source-card">').find((card) => card.includes('href="https://lea.test/"'))!);
    expect(lea).toContain(fr.verdictLinksBackWithoutRelMe);
    expect(lea).toContain("lea.test renvoie vers https://lea.test/, mais sans rel=me");
    // The two websites are told apart by their hosts.
    expect(json.sources.map((source) => source.label)).toEqual(["Mastodon", "GitHub", "lea.test", "photos.lea.test"]);
  });

  it("keeps the English detail, the status, the kind and the stage on /status.json", async () => {
    const { worker } = newUserHome();
    await runCron(worker);
    const json = (await (await request(worker, "/status.json")).json()) as StatusJson;
    const byId = Object.fromEntries(json.sources.map((source) => [source.id, source]));
    expect(byId.github).toMatchObject({ error: "HTTP 404 Not Found", http_status: 404, error_kind: "http", error_stage: "feed" });
    expect(byId["photos-lea-test"]).toMatchObject({ error: expect.stringContaining("HTTP 404"), http_status: 404, error_kind: "http", error_stage: "page" });
    expect(byId.mastodon).toMatchObject({ error: null, http_status: null, error_kind: null, error_stage: null });
    expect(byId["lea-test"]!.feed_note).toContain("found on https://lea.test/");
    // The English detail says the verdict too, and no longer "found X, expected X".
    expect(byId["lea-test"]!.verification).toMatchObject({ verdict: "links-back-without-rel-me", found: "https://lea.test/", detail: "links to https://lea.test/ without rel=me, so it does not verify" });
  });

  it("reads the failure stored with a source: its kind, stage and status choose the words", async () => {
    const { worker } = newUserHome();
    const now = new Date().toISOString();
    const failure: Failure = { kind: "timeout", stage: "feed", detail: "timed out after 10 s" };
    const github: SourceStatus = { id: "github", feed: "https://github.com/lea.atom", failure, failures: 1, lastFetch: now, itemCount: 0, revision: "r" };
    await writeTimeline(env.M2_KV, { version: "stored", builtAt: now, checkedAt: now, items: [], sources: [github] });
    const json = (await (await request(worker, "/status.json")).json()) as StatusJson;
    expect(json.sources.find((source) => source.id === "github")).toMatchObject({ error: "timed out after 10 s", http_status: null, error_kind: "timeout", error_stage: "feed" });
    const text = visibleText(await (await request(worker, "/status")).text());
    expect(text).toContain(`m2 n'a pas pu lire le flux : ${fr.reasonTimeout}`);
    expect(text).not.toContain("timed out");
  });

  it("words a record stored before failures had a kind from its status alone, never from its message", async () => {
    const { worker } = newUserHome();
    const now = new Date().toISOString();
    const base = { failures: 1, lastFetch: now, itemCount: 0, revision: "r" };
    // The fields such a record has: a message, and a status when there was an answer.
    const legacy = [
      { id: "github", feed: "https://github.com/lea.atom", error: "HTTP 403 Forbidden", httpStatus: 403, ...base },
      { id: "mastodon", feed: "https://mastodon.social/@lea.rss", error: "timed out after 10 s", ...base },
    ] as unknown as SourceStatus[];
    await writeTimeline(env.M2_KV, { version: "legacy", builtAt: now, checkedAt: now, items: [], sources: legacy });
    const json = (await (await request(worker, "/status.json")).json()) as StatusJson;
    const byId = Object.fromEntries(json.sources.map((source) => [source.id, source]));
    expect(byId.github).toMatchObject({ error: "HTTP 403 Forbidden", http_status: 403, error_kind: "http", error_stage: "feed" });
    expect(byId.mastodon).toMatchObject({ error: "timed out after 10 s", http_status: null, error_kind: "unknown", error_stage: "feed" });
    const text = visibleText(await (await request(worker, "/status")).text());
    expect(text).toContain("m2 n'a pas pu lire le flux : le service en refuse l'accès (HTTP 403).");
    // No kind and no status: the generic words, not a guess read out of "timed out".
    expect(text).toContain(fr.failureUnknown);
    expect(text).not.toContain(fr.reasonTimeout);
  });
});
