/**
 * @module The service registry: one entry per service, each saying how to recognise an account
 * URL and what follows from it (handle, feed, icon). Adding a service is adding one entry here,
 * with its row in test/sources/services.test.ts. Entries are tried in order; the first match wins,
 * so host-specific entries come before the generic fediverse and forge rules.
 */

/** What an entry derives from a matching account URL. */
export interface ServiceMatch {
  handle?: string;
  /** The feed URL, when the service publishes one at a predictable address. */
  feed?: string;
  /** True when the page has a feed that must be discovered (e.g. a YouTube @handle). */
  discover?: boolean;
}

export interface Service {
  id: string;
  name: string;
  /** simple-icons slug (see src/render/icons.tsx), or "web" / "email" / "feed" for the generic icons. */
  icon: string;
  /** A plain link rather than an identity (rel=me) by default. */
  linkOnly?: boolean;
  /** An ActivityPub account: WebFinger and fediverse:creator use it. */
  fediverse?: boolean;
  /** Returns what the URL says, or undefined when this entry does not recognise it. */
  match(url: URL): ServiceMatch | undefined;
}

/** Path segments without empty ones: `/@camille/` → ["@camille"]. */
export function segments(url: URL): string[] {
  return url.pathname
    .split("/")
    .filter((part) => part !== "")
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
}

/** Matches when the host is one of `hosts` (with or without "www."). */
export function onHost(url: URL, ...hosts: string[]): boolean {
  return hosts.includes(bareHost(url));
}

/** The host in lowercase without "www." or "m." */
function bareHost(url: URL): string {
  return url.hostname.toLowerCase().replace(/^(?:www|m)\./, "");
}

/** The `name` of `name.<domain>` for a subdomain of `domain` (not "www"), else undefined. */
function subdomainOf(url: URL, domain: string | RegExp): string | undefined {
  const host = url.hostname.toLowerCase();
  const match = typeof domain === "string" ? (host.endsWith(`.${domain}`) ? [host, host.slice(0, -domain.length - 1)] : null) : domain.exec(host);
  const name = match?.[1];
  return name && name !== "www" && !name.includes(".") ? name : undefined;
}

const USER = /^[A-Za-z0-9_.-]+$/;
const enc = encodeURIComponent;

/** `https://host/<user>` (one path segment, a plausible user name) on one of `hosts`. */
function singleUser(url: URL, hosts: string[], reserved: string[] = []): string | undefined {
  const [user, ...rest] = segments(url);
  if (!onHost(url, ...hosts) || !user || rest.length > 0 || !USER.test(user) || reserved.includes(user.toLowerCase())) return undefined;
  return user;
}

/** Hosts whose `/@name` URLs are not fediverse accounts; keeps the generic Mastodon rule honest. */
const AT_PATH_SILOS = [
  "youtube.com",
  "medium.com",
  "tiktok.com",
  "threads.net",
  "threads.com",
  "vimeo.com",
  "bsky.app",
  "substack.com",
  "hashnode.com",
  "codepen.io",
  "flickr.com",
  "letterboxd.com",
  "behance.net",
];

/** Pixelfed instances say so in their name, or are one of the big ones. */
function isPixelfedHost(url: URL): boolean {
  return /(?:^|\.)pixelfed\./.test(url.hostname) || onHost(url, "pixelfed.social", "pixey.org", "pxlmo.com", "gram.social", "metapixl.com");
}

/** GoToSocial instances are usually run on a `gts.` / `gotosocial.` subdomain. */
function isGoToSocialHost(url: URL): boolean {
  return /^(?:gts|gotosocial)\./.test(url.hostname.toLowerCase());
}

export const SERVICES: Service[] = [
  {
    id: "email",
    name: "Email",
    icon: "email",
    linkOnly: true,
    match: (url) => (url.protocol === "mailto:" ? { handle: decodeURIComponent(url.pathname) } : undefined),
  },
  {
    id: "github",
    name: "GitHub",
    icon: "github",
    match(url) {
      const user = singleUser(url, ["github.com"], ["orgs", "settings", "sponsors", "topics", "explore"]);
      return user ? { handle: user, feed: `https://github.com/${user}.atom` } : undefined;
    },
  },
  {
    id: "gitlab",
    name: "GitLab",
    icon: "gitlab",
    match(url) {
      const user = singleUser(url, ["gitlab.com"], ["explore", "users", "groups", "help"]);
      return user ? { handle: user, feed: `https://gitlab.com/${user}.atom` } : undefined;
    },
  },
  {
    id: "codeberg",
    name: "Codeberg",
    icon: "codeberg",
    match(url) {
      const user = singleUser(url, ["codeberg.org"], ["explore", "user", "org"]);
      return user ? { handle: user, feed: `https://codeberg.org/${user}.rss` } : undefined;
    },
  },
  {
    id: "bluesky",
    name: "Bluesky",
    icon: "bluesky",
    match(url) {
      const [profile, handle, ...rest] = segments(url);
      if (!onHost(url, "bsky.app") || profile !== "profile" || !handle || rest.length > 0) return undefined;
      return { handle: `@${handle}`, feed: `https://bsky.app/profile/${handle}/rss` };
    },
  },
  {
    id: "youtube",
    name: "YouTube",
    icon: "youtube",
    match(url) {
      if (!onHost(url, "youtube.com")) return undefined;
      const [first, second] = segments(url);
      if (first === "channel" && second && /^UC[\w-]{22}$/.test(second)) {
        return { feed: `https://www.youtube.com/feeds/videos.xml?channel_id=${second}` };
      }
      // Handles and custom URLs name no channel id: the page's <link rel="alternate"> does.
      if (first?.startsWith("@")) return { handle: first, discover: true };
      if ((first === "c" || first === "user") && second) return { handle: second, discover: true };
      return undefined;
    },
  },
  {
    id: "reddit",
    name: "Reddit",
    icon: "reddit",
    match(url) {
      if (!onHost(url, "reddit.com", "old.reddit.com")) return undefined;
      const [kind, name] = segments(url);
      if (!name || !USER.test(name)) return undefined;
      if (kind === "user" || kind === "u") return { handle: `u/${name}`, feed: `https://www.reddit.com/user/${name}/.rss` };
      if (kind === "r") return { handle: `r/${name}`, feed: `https://www.reddit.com/r/${name}/.rss` };
      return undefined;
    },
  },
  {
    id: "medium",
    name: "Medium",
    icon: "medium",
    match(url) {
      const sub = subdomainOf(url, "medium.com");
      if (sub) return { handle: sub, feed: `https://${sub}.medium.com/feed` };
      if (!onHost(url, "medium.com")) return undefined;
      const [name, ...rest] = segments(url);
      if (!name || rest.length > 0) return undefined;
      // "@user" is a person; a bare name is a publication. Both have /feed/<name>.
      return { handle: name, feed: `https://medium.com/feed/${enc(name).replace(/^%40/, "@")}` };
    },
  },
  {
    id: "substack",
    name: "Substack",
    icon: "substack",
    match(url) {
      const sub = subdomainOf(url, "substack.com");
      if (sub) return { handle: sub, feed: `https://${sub}.substack.com/feed` };
      // substack.com/@user is a profile page; its publication's feed is linked from it.
      if (onHost(url, "substack.com") && segments(url)[0]?.startsWith("@")) return { handle: segments(url)[0], discover: true };
      return undefined;
    },
  },
  {
    id: "devto",
    name: "DEV",
    icon: "devdotto",
    match(url) {
      const user = singleUser(url, ["dev.to"], ["t", "top", "latest", "search", "settings"]);
      return user ? { handle: user, feed: `https://dev.to/feed/${user}` } : undefined;
    },
  },
  {
    id: "hashnode",
    name: "Hashnode",
    icon: "hashnode",
    match(url) {
      const sub = subdomainOf(url, "hashnode.dev");
      if (sub) return { handle: sub, feed: `https://${sub}.hashnode.dev/rss.xml` };
      // hashnode.com/@user is a profile; the blog (often on its own domain) links its feed.
      if (onHost(url, "hashnode.com") && segments(url)[0]?.startsWith("@")) return { handle: segments(url)[0], discover: true };
      return undefined;
    },
  },
  {
    id: "tumblr",
    name: "Tumblr",
    icon: "tumblr",
    match(url) {
      const sub = subdomainOf(url, "tumblr.com");
      const name = sub ?? (onHost(url, "tumblr.com") ? segments(url)[0] : undefined);
      if (!name || !/^[A-Za-z0-9-]+$/.test(name)) return undefined;
      return { handle: name, feed: `https://${name}.tumblr.com/rss` };
    },
  },
  {
    id: "wordpress",
    name: "WordPress.com",
    icon: "wordpress",
    match(url) {
      const sub = subdomainOf(url, "wordpress.com");
      return sub ? { handle: sub, feed: `https://${sub}.wordpress.com/feed/` } : undefined;
    },
  },
  {
    id: "blogger",
    name: "Blogger",
    icon: "blogger",
    match(url) {
      // blogspot.com and its country domains (blogspot.fr, blogspot.co.uk…).
      const sub = subdomainOf(url, /^([^.]+)\.blogspot\.[a-z.]+$/);
      return sub ? { handle: sub, feed: `https://${sub}.blogspot.com/feeds/posts/default` } : undefined;
    },
  },
  {
    id: "letterboxd",
    name: "Letterboxd",
    icon: "letterboxd",
    match(url) {
      const [user] = segments(url);
      if (!onHost(url, "letterboxd.com") || !user || !USER.test(user) || ["film", "films", "lists", "members"].includes(user)) return undefined;
      return { handle: user, feed: `https://letterboxd.com/${user}/rss/` };
    },
  },
  {
    id: "flickr",
    name: "Flickr",
    icon: "flickr",
    match(url) {
      const [kind, id] = segments(url);
      if (!onHost(url, "flickr.com") || (kind !== "photos" && kind !== "people") || !id) return undefined;
      // The public feed takes the numeric NSID ("12345678@N00"); a path alias is found on the page.
      if (/^\d+@N\d+$/.test(id)) return { handle: id, feed: `https://www.flickr.com/services/feeds/photos_public.gne?id=${enc(id)}&format=rss_200` };
      return { handle: id, discover: true };
    },
  },
  {
    id: "vimeo",
    name: "Vimeo",
    icon: "vimeo",
    match(url) {
      if (!onHost(url, "vimeo.com")) return undefined;
      const [first, second] = segments(url);
      if (first === "channels" && second) return { handle: second, feed: `https://vimeo.com/channels/${enc(second)}/videos/rss` };
      const user = singleUser(url, ["vimeo.com"], ["channels", "groups", "categories", "watch", "search", "upload"]);
      if (!user || /^\d+$/.test(user)) return undefined; // a number is a video, not an account
      return { handle: user, feed: `https://vimeo.com/${user}/videos/rss` };
    },
  },
  {
    id: "stackoverflow",
    name: "Stack Overflow",
    icon: "stackoverflow",
    match(url) {
      const [users, id] = segments(url);
      if (!onHost(url, "stackoverflow.com") || users !== "users" || !id || !/^\d+$/.test(id)) return undefined;
      return { handle: segments(url)[2] ?? id, feed: `https://stackoverflow.com/feeds/user/${id}` };
    },
  },
  {
    id: "codepen",
    name: "CodePen",
    // simple-icons removed CodePen's logo at the brand's request: the generic icon stands in.
    icon: "web",
    match(url) {
      const user = singleUser(url, ["codepen.io"], ["pen", "trending", "search", "challenges", "spark"]);
      return user ? { handle: user, feed: `https://codepen.io/${user}/public/feed/` } : undefined;
    },
  },
  {
    id: "behance",
    name: "Behance",
    icon: "behance",
    match(url) {
      const user = singleUser(url, ["behance.net"], ["search", "galleries", "joblist"]);
      return user ? { handle: user, feed: `https://www.behance.net/feeds/user?username=${user}` } : undefined;
    },
  },
  {
    id: "keybase",
    name: "Keybase",
    icon: "keybase",
    // An identity proof page: no feed.
    match(url) {
      const user = singleUser(url, ["keybase.io"]);
      return user ? { handle: user } : undefined;
    },
  },
  // Link-only services: no public feed, linked (rel=me unless configured otherwise) all the same.
  {
    id: "linkedin",
    name: "LinkedIn",
    // simple-icons removed LinkedIn's logo at the brand's request: the generic icon stands in.
    icon: "web",
    match: (url) => (onHost(url, "linkedin.com") ? { handle: segments(url)[1] } : undefined),
  },
  {
    id: "instagram",
    name: "Instagram",
    icon: "instagram",
    match(url) {
      const user = singleUser(url, ["instagram.com"]);
      return user ? { handle: `@${user}` } : undefined;
    },
  },
  {
    id: "x",
    name: "X",
    icon: "x",
    match(url) {
      const user = singleUser(url, ["x.com", "twitter.com"], ["home", "search", "explore", "i"]);
      return user ? { handle: `@${user}` } : undefined;
    },
  },
  {
    id: "threads",
    name: "Threads",
    icon: "threads",
    match(url) {
      const [first, ...rest] = segments(url);
      if (!onHost(url, "threads.net", "threads.com") || !first?.startsWith("@") || rest.length > 0) return undefined;
      return { handle: first };
    },
  },
  {
    id: "twitch",
    name: "Twitch",
    icon: "twitch",
    match(url) {
      const user = singleUser(url, ["twitch.tv"], ["directory", "videos", "search"]);
      return user ? { handle: user } : undefined;
    },
  },
  {
    id: "spotify",
    name: "Spotify",
    icon: "spotify",
    match: (url) => (onHost(url, "open.spotify.com") ? { ...(segments(url)[1] ? { handle: segments(url)[1] } : {}) } : undefined),
  },
  {
    id: "discord",
    name: "Discord",
    icon: "discord",
    // An invite (discord.gg/…) is a community, not the person: a plain link.
    linkOnly: true,
    match: (url) => (onHost(url, "discord.gg", "discord.com") ? { ...(segments(url).at(-1) ? { handle: segments(url).at(-1) } : {}) } : undefined),
  },
  {
    id: "telegram",
    name: "Telegram",
    icon: "telegram",
    match(url) {
      const user = singleUser(url, ["t.me", "telegram.me"]);
      return user ? { handle: `@${user}` } : undefined;
    },
  },
  {
    id: "matrix",
    name: "Matrix",
    icon: "matrix",
    // https://matrix.to/#/@user:server — the id lives in the fragment.
    match(url) {
      if (!onHost(url, "matrix.to")) return undefined;
      const id = decodeURIComponent(url.hash.replace(/^#\/?/, ""));
      return /^[@#!][^:]+:.+$/.test(id) ? { handle: id } : {};
    },
  },
  // Fediverse software, tried after the silos above so their `/@name` URLs are not taken for it.
  {
    id: "pixelfed",
    name: "Pixelfed",
    icon: "pixelfed",
    fediverse: true,
    // https://pixelfed.social/user (or /@user) → https://pixelfed.social/users/user.atom
    match(url) {
      if (url.protocol !== "https:" || !isPixelfedHost(url)) return undefined;
      const [first, ...rest] = segments(url);
      const user = first?.replace(/^@/, "");
      if (!user || rest.length > 0 || !USER.test(user) || ["discover", "i", "site", "settings"].includes(user)) return undefined;
      return { handle: `@${user}@${url.hostname}`, feed: `${url.origin}/users/${user}.atom` };
    },
  },
  {
    id: "peertube",
    name: "PeerTube",
    icon: "peertube",
    fediverse: true,
    // Accounts /a/<name> (or /accounts/<name>), channels /c/<name> (or /video-channels/<name>).
    match(url) {
      const [kind, name, ...rest] = segments(url);
      if (url.protocol !== "https:" || !name || rest.some((part) => part !== "videos" && part !== "video-channels")) return undefined;
      if (kind === "a" || kind === "accounts") return { handle: `@${name}@${url.hostname}`, feed: `${url.origin}/feeds/videos.xml?accountName=${enc(name)}` };
      // Lemmy uses /c/ for communities: a channel is a PeerTube one only where the host says video.
      if ((kind === "c" && /tube|video|peertube/.test(url.hostname)) || kind === "video-channels") {
        return { handle: `@${name}@${url.hostname}`, feed: `${url.origin}/feeds/videos.xml?videoChannelName=${enc(name)}` };
      }
      return undefined;
    },
  },
  {
    id: "lemmy",
    name: "Lemmy",
    icon: "lemmy",
    fediverse: true,
    // Users /u/<name> → /feeds/u/<name>.xml; communities /c/<name> → /feeds/c/<name>.xml.
    match(url) {
      const [kind, name, ...rest] = segments(url);
      if (url.protocol !== "https:" || !name || rest.length > 0 || !USER.test(name)) return undefined;
      if (kind === "u") return { handle: `@${name}@${url.hostname}`, feed: `${url.origin}/feeds/u/${name}.xml` };
      if (kind === "c") return { handle: `!${name}@${url.hostname}`, feed: `${url.origin}/feeds/c/${name}.xml` };
      return undefined;
    },
  },
  {
    id: "akkoma",
    name: "Akkoma",
    // No Akkoma or Pleroma-fork logo we could use for Akkoma itself: the ActivityPub mark.
    icon: "activitypub",
    fediverse: true,
    // Akkoma and Pleroma profile URLs are /users/<name>; their feed is /users/<name>/feed.atom.
    match(url) {
      const [users, name, ...rest] = segments(url);
      if (url.protocol !== "https:" || users !== "users" || !name || rest.length > 0 || !USER.test(name)) return undefined;
      return { handle: `@${name}@${url.hostname}`, feed: `${url.origin}/users/${name}/feed.atom` };
    },
  },
  {
    id: "gotosocial",
    name: "GoToSocial",
    icon: "activitypub",
    fediverse: true,
    // GoToSocial serves /@user/feed.rss (when the user turned RSS on), not Mastodon's /@user.rss.
    match(url) {
      const [first, ...rest] = segments(url);
      if (url.protocol !== "https:" || !isGoToSocialHost(url) || !first?.startsWith("@") || rest.length > 0) return undefined;
      const user = first.slice(1);
      return USER.test(user) ? { handle: `@${user}@${url.hostname}`, feed: `${url.origin}/@${user}/feed.rss` } : undefined;
    },
  },
  {
    id: "mastodon",
    name: "Mastodon",
    icon: "mastodon",
    fediverse: true,
    // Any Mastodon-compatible instance (Mastodon, Misskey, Hometown…): https://host/@user → https://host/@user.rss
    match(url) {
      const [first, ...rest] = segments(url);
      if (url.protocol !== "https:" || !first?.startsWith("@") || rest.length > 0) return undefined;
      if (onHost(url, ...AT_PATH_SILOS)) return undefined;
      const user = first.slice(1);
      if (!USER.test(user) || user.includes("@")) return undefined;
      return { handle: `@${user}@${url.hostname}`, feed: `${url.origin}/@${user}.rss` };
    },
  },
];

/** The fallback for any other site: its feed is discovered from the page's <link rel="alternate">. */
export const WEB: Service = {
  id: "web",
  name: "Website",
  icon: "web",
  match: () => ({ discover: true }),
};
