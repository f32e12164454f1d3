/**
 * The page and the status page through the Worker: languages, headers, weight, accessibility
 * markup that can be read from HTML (the real-browser checks are in test/browser/).
 */
import { describe, expect, it } from "vitest";
import { accentPalette } from "../src/render/accent.ts";
import { renderStatusPage } from "../src/render/status-page.tsx";
import { messagesFor } from "../src/i18n/languages.ts";
import type { StatusReport } from "../src/status/report.ts";
import type { Item } from "../src/model.ts";
import { writeTimeline } from "../src/store/index.ts";
import { env, profileWith, request, runCron, threeAccountHome, workerFor } from "./helpers.ts";

async function seededHome(extra: Parameters<typeof profileWith>[1] = {}) {
  const { net, profile } = threeAccountHome();
  const worker = workerFor({ ...profile, ...extra }, { refresh: { fetcher: net.fetcher } });
  await runCron(worker);
  return worker;
}

describe("the home page", () => {
  it("speaks the profile's language by default, and English on ?lang=en or Accept-Language", async () => {
    const worker = await seededHome();
    const french = await request(worker, "/");
    expect(await french.text()).toMatch(/^<!doctype html><html lang="fr">[\s\S]*Activité récente/);
    expect(french.headers.get("Vary")).toContain("Accept-Language");
    // The language is said once, by <html lang>: no Content-Language header to keep in step.
    expect(french.headers.has("Content-Language")).toBe(false);

    const byQuery = await (await request(worker, "/?lang=en")).text();
    expect(byQuery).toContain('<html lang="en">');
    expect(byQuery).toContain("Recent activity");
    // The note stays marked as French on the English page.
    expect(byQuery).toContain('<p class="p-note" lang="fr">');
    const byHeader = await request(worker, "/", { headers: { "Accept-Language": "en-GB,en;q=0.9,fr;q=0.5" } });
    expect(await byHeader.text()).toContain('<html lang="en">');
    // A language m2 does not have falls back to the profile's, not to English.
    expect(await (await request(worker, "/", { headers: { "Accept-Language": "de" } })).text()).toContain('<html lang="fr">');
    // Each language has its own ETag, so a cache never answers French to an English reader.
    expect(byHeader.headers.get("ETag")).not.toBe(french.headers.get("ETag"));
  });

  it("links the other language, marks foreign-language items with lang, and dates with <time title>", async () => {
    const worker = await seededHome();
    const html = await (await request(worker, "/")).text();
    expect(html).toContain('<a href="?lang=en" hreflang="en" lang="en">Read in English</a>');
    // GitHub's Atom says xml:lang="en-US"; the page is French.
    expect(html).toMatch(/<article class="[^"]*h-entry[^"]*" lang="en-US">/);
    // The blog's items are fr-FR on a French page: no lang of their own.
    expect(html).not.toContain('lang="fr-FR"');
    expect(html).toMatch(/<time class="dt-published" datetime="[^"]+" title="\d+ \S+ \d{4} à \d\d:\d\d UTC">(il y a|hier|avant-hier|la semaine)/);
    expect(html.match(/<h1[ >]/g)).toHaveLength(1);
    expect(html).toContain('<main id="content">');
    expect(html).toContain('<a class="skip" href="#content">Aller au contenu</a>');
  });

  it("stays under 30 KB with a full page of long items (pageItems, every field at its cap)", async () => {
    const { profile } = threeAccountHome();
    const sources = ["mastodon", "github", "blog"];
    const items: Item[] = Array.from({ length: 20 }, (_, index) => ({
      id: `https://blog.camille.example/2026/11/${index}/un-titre-assez-long-pour-remplir-la-ligne`,
      source: sources[index % 3]!,
      url: `https://blog.camille.example/2026/11/${index}/un-titre-assez-long-pour-remplir-la-ligne`,
      title: `Un titre assez long pour remplir la ligne, numéro ${index}, avec des accents éèà`.slice(0, 80),
      titleGenerated: index % 3 === 0,
      content_html: "<p>" + "Texte ".repeat(200) + "</p>",
      summary: "Résumé du billet, long comme ceux des flux réels. ".repeat(6).slice(0, 300),
      published: new Date(Date.parse("2026-11-28T12:00:00Z") - index * 3_600_000).toISOString(),
      image: `https://blog.camille.example/wp-content/uploads/2026/11/image-${index}.jpg`,
    }));
    const at = "2026-11-28T12:00:00.000Z";
    await writeTimeline(env.M2_KV, { version: "full", builtAt: at, checkedAt: new Date().toISOString(), items, sources: [] });
    const html = await (await request(workerFor(profile), "/")).text();
    expect(html.match(/<article\b/g)).toHaveLength(20);
    expect(new TextEncoder().encode(html).length).toBeLessThanOrEqual(30 * 1024);
  });

  it("shows pronouns and place, and stays under 30 KB with no script and no web font", async () => {
    const worker = await seededHome({ pronouns: "elle / she", locality: "Lyon, France" });
    const response = await request(worker, "/");
    const html = await response.text();
    expect(html).toContain('<span class="p-pronouns">elle / she</span>');
    expect(html).toContain('<span class="p-locality">Lyon, France</span>');
    expect(new TextEncoder().encode(html).length).toBeLessThanOrEqual(30 * 1024);
    // No executable script (the JSON-LD data block is not one), no inline handler or style.
    expect(html.replace(/<script type="application\/ld\+json">[^<]*<\/script>/g, "")).not.toMatch(/<script|\son\w+=|style=/i);
    const css = await (await request(worker, html.match(/<link rel="stylesheet" href="([^"]+)"/)![1]!)).text();
    expect(css).not.toMatch(/@font-face|url\(/);
  });

  it("serves the profile's accent stylesheet and monogram favicon from fingerprinted, immutable paths", async () => {
    const worker = await seededHome({ accent: "#ffcc00" });
    const html = await (await request(worker, "/")).text();
    const cssPath = html.match(/<link rel="stylesheet" href="(\/m2\.[a-z0-9]+\.css)"/)![1]!;
    const css = await request(worker, cssPath);
    expect(css.status).toBe(200);
    expect(css.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(await css.text()).toContain(`--accent:${accentPalette("#ffcc00").light}`);

    const iconPath = html.match(/<link rel="icon" type="image\/svg\+xml" href="(\/favicon\.[a-z0-9]+\.svg)"/)![1]!;
    const icon = await request(worker, iconPath);
    expect(icon.headers.get("Content-Type")).toBe("image/svg+xml");
    expect(icon.headers.get("Cache-Control")).toContain("immutable");
    expect(await icon.text()).toMatch(/<svg [^>]*>.*>CE<\/text><\/svg>$/);
    expect((await request(worker, "/m2.nothere.css")).status).toBe(404);
  });

  it("draws a monogram instead of the photo when the profile has none", async () => {
    const worker = await seededHome();
    const html = await (await request(worker, "/")).text();
    expect(html).toContain('<span class="avatar monogram" aria-hidden="true">CE</span>');
    const withPhoto = await seededHome({ photo: "https://camille.example/me.jpg" });
    expect(await (await request(withPhoto, "/")).text()).toContain('alt="Portrait de Camille Exemple"');
  });
});

describe("the status page", () => {
  it("lists each source with its health in plain words, in the reader's language", async () => {
    const { net, profile } = threeAccountHome();
    net.set("https://github.com/camille.atom", new Response("gone away", { status: 404 }));
    const worker = workerFor(profile, { refresh: { fetcher: net.fetcher } });
    await runCron(worker);
    const response = await request(worker, "/status");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain("<h1>Sources et vérification</h1>");
    expect(html.match(/<li class="entry source-card">/g)).toHaveLength(3);
    expect(html).toContain("répond « introuvable »");
    // The status is said in the words; the English detail is on /status.json, linked from the card.
    expect(html).toContain("(HTTP 404)");
    expect(html).not.toContain("HTTP 404 Not Found");
    expect(html).toContain('<a href="/status.json">/status.json</a>');
    expect(html).toContain('<a href="https://mastodon.social/@camille.rss">');
    // The cron also checked each identity (the fake net has no profile pages): its verdict and hint, in French.
    expect(html).toContain('<strong class="badge badge-fail">n&#39;a pas pu être vérifié</strong>');
    expect(html).toContain("Pour corriger : github.com n&#39;a pas pu être lu");
    const english = await (await request(worker, "/status?lang=en")).text();
    expect(english).toContain("Could not read the feed: the address answers “not found” (HTTP 404)");
  });

  it("renders a verification verdict with its detail and hint when one is present", async () => {
    const report: StatusReport = {
      home: "https://camille.example/",
      checked_at: "2026-11-28T10:00:00Z",
      updated_at: "2026-11-28T10:00:00Z",
      item_count: 0,
      rotation: { sources_per_run: 1, runs_per_cycle: 1 },
      sources: [
        {
          id: "github",
          service: "github",
          service_name: "GitHub",
          label: "GitHub",
          url: "https://github.com/camille",
          feed: "https://github.com/camille.atom",
          feed_origin: "derived",
          feed_note: "derived from the account URL",
          identity: true,
          last_fetch: "2026-11-28T10:00:00Z",
          last_success: "2026-11-28T10:00:00Z",
          error: null,
          error_kind: null,
          error_stage: null,
          http_status: null,
          warning: null,
          failures: 0,
          next_attempt: null,
          next_fetch: null,
          gone: false,
          item_count: 0,
          unread: 0,
          verification: { verdict: "no-link-back", detail: "No link back to https://camille.example/ found.", hint: "Add your home URL to your GitHub profile.", checked_at: "2026-11-28T09:00:00Z" },
        },
      ],
    };
    const html = await renderStatusPage({ report, name: "Camille", t: messagesFor("en"), lang: "en", stylesheet: "/m2.css", now: Date.parse("2026-11-28T12:00:00Z") });
    expect(html).toContain('<strong class="badge badge-fail">not verified: no link back to this page</strong>');
    // What was found is said from the verdict; the stored English detail stays in /status.json.
    expect(html).toContain("github.com does not link back to https://camille.example/.");
    expect(html).not.toContain("No link back to https://camille.example/ found.");
    expect(html).toContain("How to fix: Add your home URL to your GitHub profile.");
    expect(html).toContain(">3 hours ago</time>");
  });
});

it("profileWith keeps its defaults", () => {
  expect(profileWith([{ url: "https://github.com/camille" }]).lang).toBe("fr");
});
