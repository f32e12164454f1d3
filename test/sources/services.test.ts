/**
 * The service registry, one row per service: account URL → service, handle and feed URL (or
 * "discover" when the page must be read, or null for link-only services).
 */
import { describe, expect, it } from "vitest";
import { SERVICES, identify, resolveSources } from "../../src/sources/index.ts";
import { hasBrandIcon } from "../../src/render/icons.tsx";
import { validateProfile, type ProfileInput } from "../../src/config/index.ts";
import { profileWith } from "../helpers.ts";

function sourcesOf(accounts: ProfileInput["accounts"]) {
  const result = validateProfile(profileWith(accounts));
  if (!result.ok) throw new Error(result.problems.join("\n"));
  return resolveSources(result.profile);
}

type Row = [url: string, service: string, feed: string | "discover" | null, handle?: string];

const ROWS: Row[] = [
  // Fediverse
  ["https://mastodon.social/@camille", "mastodon", "https://mastodon.social/@camille.rss", "@camille@mastodon.social"],
  ["https://piaille.fr/@camille/", "mastodon", "https://piaille.fr/@camille.rss", "@camille@piaille.fr"],
  ["https://misskey.io/@camille", "mastodon", "https://misskey.io/@camille.rss"],
  ["https://pixelfed.social/camille", "pixelfed", "https://pixelfed.social/users/camille.atom", "@camille@pixelfed.social"],
  ["https://pixelfed.de/@camille", "pixelfed", "https://pixelfed.de/users/camille.atom"],
  ["https://gts.camille.example/@camille", "gotosocial", "https://gts.camille.example/@camille/feed.rss", "@camille@gts.camille.example"],
  ["https://akko.example.net/users/camille", "akkoma", "https://akko.example.net/users/camille/feed.atom", "@camille@akko.example.net"],
  ["https://tilvids.com/a/camille", "peertube", "https://tilvids.com/feeds/videos.xml?accountName=camille"],
  ["https://peertube.example.org/c/camille_channel/videos", "peertube", "https://peertube.example.org/feeds/videos.xml?videoChannelName=camille_channel"],
  ["https://lemmy.world/u/camille", "lemmy", "https://lemmy.world/feeds/u/camille.xml", "@camille@lemmy.world"],
  ["https://lemmy.world/c/indieweb", "lemmy", "https://lemmy.world/feeds/c/indieweb.xml", "!indieweb@lemmy.world"],
  ["https://bsky.app/profile/camille.example", "bluesky", "https://bsky.app/profile/camille.example/rss", "@camille.example"],
  // Forges
  ["https://github.com/camille", "github", "https://github.com/camille.atom", "camille"],
  ["https://gitlab.com/camille", "gitlab", "https://gitlab.com/camille.atom", "camille"],
  ["https://codeberg.org/camille", "codeberg", "https://codeberg.org/camille.rss", "camille"],
  // Video, photo, film
  ["https://www.youtube.com/channel/UCmTW0bGCOTzGHh2MQBv3DJw", "youtube", "https://www.youtube.com/feeds/videos.xml?channel_id=UCmTW0bGCOTzGHh2MQBv3DJw"],
  ["https://www.youtube.com/@camille", "youtube", "discover", "@camille"],
  ["https://m.youtube.com/c/CamilleExemple", "youtube", "discover", "CamilleExemple"],
  ["https://vimeo.com/camille", "vimeo", "https://vimeo.com/camille/videos/rss", "camille"],
  ["https://vimeo.com/channels/staffpicks", "vimeo", "https://vimeo.com/channels/staffpicks/videos/rss"],
  ["https://www.flickr.com/photos/12345678@N00/", "flickr", "https://www.flickr.com/services/feeds/photos_public.gne?id=12345678%40N00&format=rss_200"],
  ["https://www.flickr.com/photos/camille/", "flickr", "discover", "camille"],
  ["https://letterboxd.com/camille/", "letterboxd", "https://letterboxd.com/camille/rss/", "camille"],
  ["https://www.behance.net/camille", "behance", "https://www.behance.net/feeds/user?username=camille"],
  ["https://codepen.io/camille", "codepen", "https://codepen.io/camille/public/feed/"],
  // Writing
  ["https://medium.com/@camille", "medium", "https://medium.com/feed/@camille", "@camille"],
  ["https://camille.medium.com/", "medium", "https://camille.medium.com/feed"],
  ["https://camille.substack.com/", "substack", "https://camille.substack.com/feed", "camille"],
  ["https://substack.com/@camille", "substack", "discover"],
  ["https://dev.to/camille", "devto", "https://dev.to/feed/camille", "camille"],
  ["https://camille.hashnode.dev/", "hashnode", "https://camille.hashnode.dev/rss.xml"],
  ["https://camille.tumblr.com/", "tumblr", "https://camille.tumblr.com/rss", "camille"],
  ["https://www.tumblr.com/camille", "tumblr", "https://camille.tumblr.com/rss", "camille"],
  ["https://camille.wordpress.com/", "wordpress", "https://camille.wordpress.com/feed/", "camille"],
  ["https://camille.blogspot.com/", "blogger", "https://camille.blogspot.com/feeds/posts/default", "camille"],
  ["https://camille.blogspot.fr/", "blogger", "https://camille.blogspot.com/feeds/posts/default"],
  // Q&A, communities
  ["https://www.reddit.com/user/camille", "reddit", "https://www.reddit.com/user/camille/.rss", "u/camille"],
  ["https://old.reddit.com/u/camille/", "reddit", "https://www.reddit.com/user/camille/.rss"],
  ["https://stackoverflow.com/users/123456/camille", "stackoverflow", "https://stackoverflow.com/feeds/user/123456", "camille"],
  ["https://keybase.io/camille", "keybase", null, "camille"],
  // Link-only services
  ["https://www.linkedin.com/in/camille-exemple", "linkedin", null, "camille-exemple"],
  ["https://www.instagram.com/camille/", "instagram", null, "@camille"],
  ["https://x.com/camille", "x", null, "@camille"],
  ["https://twitter.com/camille", "x", null, "@camille"],
  ["https://www.threads.net/@camille", "threads", null, "@camille"],
  ["https://www.twitch.tv/camille", "twitch", null, "camille"],
  ["https://open.spotify.com/user/camille", "spotify", null, "camille"],
  ["https://discord.gg/AbCdEf", "discord", null],
  ["https://t.me/camille", "telegram", null, "@camille"],
  ["https://matrix.to/#/@camille:matrix.org", "matrix", null, "@camille:matrix.org"],
  ["mailto:bonjour@camille.example", "email", null, "bonjour@camille.example"],
  // Anything else: the page is read for its feeds.
  ["https://blog.camille.example/", "web", "discover"],
];

describe("the service registry", () => {
  it.each(ROWS)("%s → %s, %s", (url, service, feed, handle) => {
    const { service: found, match } = identify(url);
    expect(found.id).toBe(service);
    if (feed === "discover") {
      expect(match.feed).toBeUndefined();
      expect(match.discover).toBe(true);
    } else if (feed === null) {
      expect(match.feed).toBeUndefined();
      expect(match.discover).toBeFalsy();
    } else {
      expect(match.feed).toBe(feed);
    }
    if (handle !== undefined) expect(match.handle).toBe(handle);
  });

  it("covers at least 25 services, each with a row in this table", () => {
    const tested = new Set(ROWS.map((row) => row[1]));
    expect(SERVICES.length).toBeGreaterThanOrEqual(25);
    for (const service of SERVICES) expect(tested, service.id).toContain(service.id);
  });

  it("names an icon that exists for every service (a brand, or a generic one where simple-icons has none)", () => {
    for (const service of SERVICES) expect(hasBrandIcon(service.icon) || ["web", "email", "feed"].includes(service.icon), service.id).toBe(true);
  });

  it("lets the configured feed win over the derived one", () => {
    const [source] = sourcesOf([{ url: "https://mastodon.social/@camille", feed: "https://mastodon.social/@camille.atom" }]);
    expect(source?.feed).toBe("https://mastodon.social/@camille.atom");
    expect(source?.feedOrigin).toBe("configured");
  });

  it("says where each feed comes from: derived, to discover, or none", () => {
    const sources = sourcesOf([{ url: "https://github.com/camille" }, { url: "https://www.youtube.com/@camille" }, { url: "https://x.com/camille" }]);
    expect(sources.map((source) => [source.id, source.feedOrigin, source.icon])).toEqual([
      ["github", "derived", "github"],
      ["youtube", "discover", "youtube"],
      ["x", "none", "x"],
    ]);
  });

  it("names each unlabelled website by its host, never two accounts by the same generic name", () => {
    const sources = sourcesOf([
      { url: "https://blog.camille.example/" },
      { url: "https://www.camille.example/portfolio/" },
      { url: "https://lea.test/photos/" },
      { url: "https://lea.test/notes" },
      { url: "https://notes.example/", label: "Notes" },
    ]);
    expect(sources.map((source) => source.label)).toEqual(["blog.camille.example", "camille.example", "lea.test/photos", "lea.test/notes", "Notes"]);
    expect(sources.every((source) => source.serviceName === "Website")).toBe(true);
    // Two URLs of the same page (only the query differs) still get two names.
    const twice = sourcesOf([{ url: "https://lea.test/" }, { url: "https://lea.test/?from=m2" }]);
    expect(new Set(twice.map((source) => source.label)).size).toBe(2);
  });

  it("does not take silos' /@name pages for fediverse accounts", () => {
    for (const url of ["https://medium.com/@camille", "https://www.youtube.com/@camille", "https://www.threads.net/@camille", "https://substack.com/@camille"]) {
      expect(identify(url).service.id, url).not.toBe("mastodon");
    }
  });
});
