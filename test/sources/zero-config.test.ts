/**
 * "Every account, zero config", end to end through the Worker: a profile.json holding only account
 * URLs for ten services with feeds (two of them found by discovery) plus link-only ones yields
 * the right feed URLs, icons and items, and /status.json shows each source's service and feed.
 */
import { mf2 } from "microformats-parser";
import { siGithub, siMastodon, siTwitch, siYoutube } from "simple-icons";
import { describe, expect, it } from "vitest";
import codeberg from "../fixtures/feeds/codeberg.rss?raw";
import devto from "../fixtures/feeds/devto.rss?raw";
import gitlab from "../fixtures/feeds/gitlab.atom?raw";
import letterboxd from "../fixtures/feeds/letterboxd.rss?raw";
import reddit from "../fixtures/feeds/reddit.atom?raw";
import noFeed from "../fixtures/pages/no-feed.html?raw";
import wordpressHome from "../fixtures/pages/wordpress-home.html?raw";
import youtubeHandle from "../fixtures/pages/youtube-handle.html?raw";
import { FEED_TYPES, FIXTURES, HOME, WORKERS_PAID, fakeNet, feedResponse, profileWith, request, runCron, workerFor } from "../helpers.ts";

const html = (body: string) => new Response(body, { headers: { "Content-Type": "text/html; charset=utf-8" } });

/** Account URL → what m2 must work out alone: id, service, feed URL, items in its fixture. */
const ACCOUNTS = [
  ["https://mastodon.social/@camille", "mastodon", "https://mastodon.social/@camille.rss", 3],
  ["https://github.com/camille", "github", "https://github.com/camille.atom", 2],
  ["https://bsky.app/profile/camille.example", "bluesky", "https://bsky.app/profile/camille.example/rss", 2],
  ["https://www.youtube.com/@camille", "youtube", "https://www.youtube.com/feeds/videos.xml?channel_id=UCmTW0bGCOTzGHh2MQBv3DJw", 1],
  ["https://gitlab.com/camille", "gitlab", "https://gitlab.com/camille.atom", 2],
  ["https://codeberg.org/camille", "codeberg", "https://codeberg.org/camille.rss", 2],
  ["https://www.reddit.com/user/camille", "reddit", "https://www.reddit.com/user/camille/.rss", 2],
  ["https://dev.to/camille", "devto", "https://dev.to/feed/camille", 1],
  ["https://letterboxd.com/camille/", "letterboxd", "https://letterboxd.com/camille/rss/", 2],
  ["https://blog.camille.example/", "web", "https://blog.camille.example/feed/", 2],
  ["https://www.linkedin.com/in/camille-exemple", "linkedin", null, 0],
  ["https://camille.example/portfolio/", "web", null, 0],
  ["mailto:bonjour@camille.example", "email", null, 0],
] as const;

function zeroConfigHome() {
  const net = fakeNet({
    "https://mastodon.social/@camille.rss": feedResponse(FIXTURES.mastodon, FEED_TYPES.rss),
    "https://github.com/camille.atom": feedResponse(FIXTURES.github, FEED_TYPES.atom),
    "https://bsky.app/profile/camille.example/rss": feedResponse(FIXTURES.bluesky, "application/rss+xml"),
    "https://www.youtube.com/@camille": html(youtubeHandle),
    "https://www.youtube.com/feeds/videos.xml?channel_id=UCmTW0bGCOTzGHh2MQBv3DJw": feedResponse(FIXTURES.youtube, "text/xml; charset=UTF-8"),
    "https://gitlab.com/camille.atom": feedResponse(gitlab, FEED_TYPES.atom),
    "https://codeberg.org/camille.rss": feedResponse(codeberg, "application/rss+xml;charset=utf-8"),
    "https://www.reddit.com/user/camille/.rss": feedResponse(reddit, "application/atom+xml; charset=UTF-8"),
    "https://dev.to/feed/camille": feedResponse(devto, "application/rss+xml; charset=utf-8"),
    "https://letterboxd.com/camille/rss/": feedResponse(letterboxd, "application/rss+xml; charset=utf-8"),
    "https://blog.camille.example/": html(wordpressHome),
    "https://blog.camille.example/feed/": feedResponse(FIXTURES.wordpress, FEED_TYPES.rss),
    "https://camille.example/portfolio/": html(noFeed),
  });
  const profile = profileWith(ACCOUNTS.map(([url]) => ({ url })), { settings: WORKERS_PAID });
  return { net, worker: workerFor(profile, { refresh: { fetcher: net.fetcher } }) };
}

type Status = { sources: { id: string; service: string; url: string; feed: string | null; feed_origin: string; feed_note: string; item_count: number; error: string | null }[] };

describe("a profile of bare account URLs", () => {
  it("works out every feed and shows each source's service and feed on /status.json", async () => {
    const { net, worker } = zeroConfigHome();
    await runCron(worker);
    const status = (await (await request(worker, "/status.json")).json()) as Status;
    expect(status.sources.map((s) => [s.url, s.service, s.feed, s.item_count])).toEqual(ACCOUNTS.map((row) => [...row]));
    expect(status.sources.every((s) => s.error === null)).toBe(true);
    const origins = Object.fromEntries(status.sources.map((s) => [s.id, s.feed_origin]));
    expect(origins).toMatchObject({ mastodon: "derived", youtube: "discovered", "blog-camille-example": "discovered", linkedin: "none", email: "none" });
    const portfolio = status.sources.find((s) => s.url === "https://camille.example/portfolio/")!;
    expect(portfolio.feed_origin).toBe("none");
    expect(portfolio.feed_note).toContain("no feed found on https://camille.example/portfolio/");
    // Link-only services are never fetched; each feed once; each page to discover read (identity
    // verification, another module, reads account pages too, with HTML Accept).
    const urls = net.requests.map((r) => r.url);
    expect(urls.filter((url) => url.includes("linkedin") || url.startsWith("mailto:"))).toEqual([]);
    const feedRequests = net.requests.filter((r) => r.headers.get("Accept")?.startsWith("application/feed+json")).map((r) => r.url);
    expect(feedRequests.sort()).toEqual(ACCOUNTS.flatMap((row) => (row[2] ? [row[2]] : [])).sort());
    expect(urls).toEqual(expect.arrayContaining(["https://www.youtube.com/@camille", "https://blog.camille.example/", "https://camille.example/portfolio/"]));
  });

  it("merges the items of all ten feeds, each naming its source", async () => {
    const { worker } = zeroConfigHome();
    await runCron(worker);
    const json = (await (await request(worker, "/feed.json")).json()) as { items: { _m2: { source: string; service: string } }[] };
    const expected = ACCOUNTS.reduce((sum, row) => sum + row[3], 0);
    expect(json.items).toHaveLength(expected);
    expect(new Set(json.items.map((item) => item._m2.service))).toEqual(
      new Set(["mastodon", "github", "bluesky", "youtube", "gitlab", "codeberg", "reddit", "devto", "letterboxd", "web"]),
    );
  });

  it("shows each account with its brand icon and name, and only the icons the profile uses", async () => {
    const { worker } = zeroConfigHome();
    await runCron(worker);
    const page = await (await request(worker, "/")).text();
    const parsed = mf2(page, { baseUrl: HOME });
    expect(parsed["rels"].me).toEqual(expect.arrayContaining(["https://gitlab.com/camille", "https://letterboxd.com/camille/", "https://www.youtube.com/@camille"]));

    const links = [...page.matchAll(/<a class="[^"]*link"[^>]*href="([^"]+)"[^>]*>\s*<svg class="icon icon-([a-z0-9]+)"[^>]*aria-hidden="true"[^>]*>.*?<\/svg>\s*(?:<span class="link-text">)?<span class="link-label">([^<]+)<\/span>/g)];
    expect(links.map(([, href, icon, label]) => [href, icon, label])).toEqual([
      ["https://mastodon.social/@camille", "mastodon", "Mastodon"],
      ["https://github.com/camille", "github", "GitHub"],
      ["https://bsky.app/profile/camille.example", "bluesky", "Bluesky"],
      ["https://www.youtube.com/@camille", "youtube", "YouTube"],
      ["https://gitlab.com/camille", "gitlab", "GitLab"],
      ["https://codeberg.org/camille", "codeberg", "Codeberg"],
      ["https://www.reddit.com/user/camille", "reddit", "Reddit"],
      ["https://dev.to/camille", "devdotto", "DEV"],
      ["https://letterboxd.com/camille/", "letterboxd", "Letterboxd"],
      // Two unlabelled websites: each named by its host, never "Website" twice.
      ["https://blog.camille.example/", "web", "blog.camille.example"],
      // simple-icons has no LinkedIn logo any more: the generic globe stands in.
      ["https://www.linkedin.com/in/camille-exemple", "web", "LinkedIn"],
      ["https://camille.example/portfolio/", "web", "camille.example"],
      ["mailto:bonjour@camille.example", "email", "Email"],
    ]);
    expect(page).toContain(`d="${siMastodon.path}"`);
    expect(page).toContain(`d="${siGithub.path}"`);
    expect(page).toContain(`d="${siYoutube.path}"`);
    // A brand the registry knows but this profile does not use stays out of the page.
    expect(page).not.toContain(siTwitch.path);

    // Each entry's source line carries its account's icon too.
    const entrySources = [...page.matchAll(/<p class="entry-source">\s*<svg class="icon icon-([a-z0-9]+)"/g)].map((m) => m[1]);
    expect(entrySources.length).toBeGreaterThan(0);
    expect(new Set(entrySources)).toContain("letterboxd");
  });
});
