/**
 * The /status page in words: a failure is put into words from its kind, stage and status, a
 * verdict from its kind and what was found, each in the page's language; the English detail of
 * /status.json never reaches the page.
 */
import { describe, expect, it } from "vitest";
import { en } from "../../src/i18n/en.ts";
import { fr } from "../../src/i18n/fr.ts";
import type { Messages } from "../../src/i18n/languages.ts";
import type { Failure, FailureKind, Verdict, Verification } from "../../src/model.ts";
import { plainFailure, renderStatusPage, verdictInWords } from "../../src/render/status-page.tsx";
import { buildSite, type Site } from "../../src/site.ts";
import { statusReport } from "../../src/status/report.ts";
import type { SourceStatus, Timeline } from "../../src/store/index.ts";
import { profileWith } from "../helpers.ts";
import { englishIn, visibleText } from "./english.ts";

const NOW = new Date("2026-11-28T12:00:00Z");
const AN_HOUR_AGO = "2026-11-28T11:00:00Z";

/** Each kind with the English detail ingest writes for it. */
const FAILURES: Failure[] = [
  { kind: "http", stage: "feed", status: 404, detail: "HTTP 404 Not Found" },
  { kind: "http", stage: "feed", status: 403, detail: "HTTP 403 Forbidden" },
  { kind: "http", stage: "feed", status: 429, detail: "HTTP 429 Too Many Requests" },
  { kind: "http", stage: "feed", status: 503, detail: "HTTP 503 Service Unavailable" },
  { kind: "http", stage: "feed", status: 418, detail: "HTTP 418 I'm a teapot" },
  { kind: "http", stage: "page", status: 404, detail: "HTTP 404 Not Found" },
  { kind: "gone", stage: "feed", status: 410, detail: "HTTP 410 Gone: the feed is gone; no longer fetched, its history is kept" },
  { kind: "timeout", stage: "feed", detail: "timed out after 10 s" },
  { kind: "network", stage: "page", detail: "could not connect (connection refused)" },
  { kind: "redirect", stage: "feed", detail: "redirect loop at https://r.test/feed" },
  { kind: "too-large", stage: "feed", detail: "body larger than 5000000 bytes" },
  { kind: "empty", stage: "feed", detail: "the answer is empty" },
  { kind: "html", stage: "feed", detail: "an HTML page, not a feed" },
  { kind: "not-a-feed", stage: "feed", detail: "not a feed (neither RSS, Atom nor JSON Feed)" },
  { kind: "unreadable", stage: "feed", detail: "could not be read (Unexpected close tag)" },
  { kind: "storage", stage: "feed", detail: "KV put failed: 429 Too Many Requests" },
];

const ALL_KINDS: FailureKind[] = ["timeout", "network", "http", "gone", "redirect", "too-large", "empty", "html", "not-a-feed", "unreadable", "storage"];

function siteWith(accounts: Parameters<typeof profileWith>[0], lang = "fr"): Site {
  const built = buildSite(profileWith(accounts, { lang }));
  if (!built.ok) throw new Error(built.problems.join("\n"));
  return built.site;
}

function stored(id: string, extra: Partial<SourceStatus> = {}): SourceStatus {
  return { id, failures: 0, itemCount: 0, revision: id, lastFetch: AN_HOUR_AGO, lastSuccess: AN_HOUR_AGO, ...extra };
}

function timelineOf(sources: SourceStatus[]): Timeline {
  return { version: "v", builtAt: AN_HOUR_AGO, checkedAt: AN_HOUR_AGO, items: [], sources };
}

/** A home with one failing source per entry of FAILURES, and the statuses to go with it. */
function failingHome() {
  const site = siteWith(FAILURES.map((_, n) => ({ url: `https://site${n}.test/`, label: `Site ${n}`, feed: `https://site${n}.test/feed.xml` })));
  const timeline = timelineOf(
    FAILURES.map((failure, n) =>
      stored(site.sources[n]!.id, { failure, failures: 2, lastSuccess: undefined, ...(failure.kind === "gone" ? { gone: true } : {}) }),
    ),
  );
  return { site, timeline };
}

async function pageOf(site: Site, timeline: Timeline, t: Messages = fr, verification = new Map<string, Verification>()) {
  const report = statusReport(site, timeline, verification, t, NOW);
  return renderStatusPage({ report, name: "Camille", t, lang: t.code, stylesheet: "/m2.css", now: NOW.getTime() });
}

describe("plainFailure", () => {
  it("says each kind in words of its own, in French and in English", () => {
    for (const t of [fr, en]) {
      const feedWords = ALL_KINDS.map((kind) => plainFailure({ kind, stage: "feed", detail: "x", ...(kind === "http" ? { status: 400 } : {}) }, t));
      expect(new Set(feedWords).size, t.code).toBe(ALL_KINDS.length);
    }
    for (const failure of FAILURES) {
      expect(plainFailure(failure, fr), failure.detail).not.toBe(plainFailure(failure, en));
      expect(englishIn(plainFailure(failure, fr)), failure.detail).toEqual([]);
    }
  });

  it("tells the statuses apart: not found, refused, slow down, the service's own problem", () => {
    const http = (status: number, stage: Failure["stage"] = "feed") => plainFailure({ kind: "http", stage, status, detail: `HTTP ${status}` }, fr);
    expect(http(404)).toContain("répond « introuvable »");
    expect(http(401).replace("401", "403")).toBe(http(403));
    expect(http(403)).toContain("refus");
    expect(http(429)).toContain("ralentir");
    expect(http(500).replace("500", "503")).toBe(http(503));
    expect(http(503)).toContain("de son côté");
    expect(http(418)).toContain("HTTP 418");
    expect(plainFailure({ kind: "http", stage: "feed", status: 404, detail: "" }, en)).toContain("“not found”");
  });

  it("says when the account page, not the feed, could not be read", () => {
    const page = plainFailure({ kind: "http", stage: "page", status: 404, detail: "HTTP 404" }, en);
    expect(page).toMatch(/^Could not read your account page to find its feed/);
    expect(page).toContain("“not found”");
    expect(plainFailure({ kind: "http", stage: "page", status: 404, detail: "HTTP 404" }, fr)).toMatch(/^m2 n'a pas pu lire la page de votre compte pour y trouver son flux/);
    expect(plainFailure({ kind: "timeout", stage: "feed", detail: "" }, en)).toMatch(/^Could not read the feed/);
  });
});

describe("the French status page of failing sources", () => {
  it("says every failure in French, from its kind, and keeps the English detail for /status.json", async () => {
    const { site, timeline } = failingHome();
    const html = await pageOf(site, timeline);
    const text = visibleText(html);
    expect(englishIn(text, FAILURES.map((failure) => failure.detail))).toEqual([]);
    for (const failure of FAILURES) expect(text).toContain(plainFailure(failure, fr));
    expect(html.match(/<li class="entry source-card">/g)).toHaveLength(FAILURES.length);
    // Where the English detail is: one link to /status.json per failure.
    expect(html.match(/<a href="\/status.json">/g)).toHaveLength(FAILURES.length);
  });

  it("says where each feed comes from in French: configured, derived, found on the page", async () => {
    const site = siteWith([{ url: "https://mastodon.social/@camille" }, { url: "https://lea.test/" }, { url: "https://blog.test/", feed: "https://blog.test/feed/" }]);
    const timeline = timelineOf([
      stored("mastodon", { feed: "https://mastodon.social/@camille.rss" }),
      stored("lea-test", { feed: "https://lea.test/feed.xml", discoveredFrom: "https://lea.test/" }),
      stored("blog-test", { feed: "https://blog.test/feed/" }),
    ]);
    const text = visibleText(await pageOf(site, timeline));
    expect(englishIn(text)).toEqual([]);
    expect(text).toContain(fr.feedDerived.replace("{service}", "Mastodon"));
    expect(text).toContain(fr.feedDiscovered);
    expect(text).toContain(fr.feedConfigured);
    // The English page says the same in English.
    const english = visibleText(await pageOf(site, timeline, en));
    expect(english).toContain("derived from the Mastodon account URL");
  });

  it("names an unlabelled website by its host and its kind in French, never “Website”", async () => {
    const site = siteWith([{ url: "https://lea.test/" }, { url: "https://www.camille.example/notes/" }]);
    const html = await pageOf(site, timelineOf([]));
    expect(html).toContain('<a href="https://lea.test/">lea.test</a>');
    expect(html).toContain('<a href="https://www.camille.example/notes/">camille.example</a>');
    expect(html).toContain(`<span class="muted">${fr.website}</span>`);
    expect(html).not.toContain("Website");
  });
});

describe("verdicts in words", () => {
  const problems: Verdict[] = ["verified-loosely", "links-back-without-rel-me", "no-link-back", "unreachable"];

  it("say a problem for every verdict but verified, in both languages", () => {
    for (const verdict of problems) {
      expect(verdictInWords(verdict, fr), verdict).toMatch(/^non vérifié|n'a pas pu être vérifié/);
      expect(verdictInWords(verdict, en), verdict).toMatch(/^not verified|could not be checked/);
    }
    expect(verdictInWords("verified", fr)).toMatch(/^vérifié/);
    expect(verdictInWords("verified", en)).toMatch(/^verified/);
  });

  it("explain each verdict from its kind and what was found, never from the English detail", async () => {
    const home = "https://camille.example/";
    const site = siteWith([{ url: "https://lea.test/" }, { url: "https://github.com/camille" }, { url: "https://mastodon.social/@camille" }, { url: "https://old.test/" }]);
    const checked = { checked_at: AN_HOUR_AGO };
    const verdicts = new Map<string, Verification>([
      // A page that links to the exact home URL, but without rel=me: the detail used to read "found https://camille.example/, expected https://camille.example/".
      ["lea-test", { verdict: "links-back-without-rel-me", found: home, detail: `mentions the home URL, without rel=me: found ${home}, expected ${home}`, checked_url: "https://lea.test/", ...checked }],
      ["github", { verdict: "verified-loosely", found: "https://camille.example", detail: "links back with rel=me, but not to the exact home URL", checked_url: "https://github.com/camille", ...checked }],
      ["mastodon", { verdict: "no-link-back", detail: "does not link back to the home URL", checked_url: "https://mastodon.social/@camille", ...checked }],
      ["old-test", { verdict: "unreachable", status: 404, detail: "could not read https://old.test/: HTTP 404 Not Found", checked_url: "https://old.test/", ...checked }],
    ]);
    const html = await pageOf(site, timelineOf([]), fr, verdicts);
    const text = visibleText(html);
    expect(englishIn(text, [...verdicts.values()].map((v) => v.detail))).toEqual([]);
    const card = (host: string) => visibleText(html.split('<li class="entry source-card">').find((part) => part.includes(`href="https://${host}`))!);
    expect(card("lea.test")).toContain(`non vérifié`);
    expect(card("lea.test")).toContain(`lea.test renvoie vers ${home}, mais sans rel=me`);
    expect(card("github.com")).toContain("https://camille.example au lieu de https://camille.example/");
    expect(card("mastodon.social")).toContain(`mastodon.social ne renvoie pas vers ${home}`);
    expect(card("old.test")).toContain("old.test n'a pas pu être lu (HTTP 404)");
    expect(html.match(/class="badge badge-fail">non vérifié/g)).toHaveLength(3);
  });
});
