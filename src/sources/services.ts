/**
 * @module The service registry: one entry per service, each saying how to recognise an account
 * URL and what follows from it (handle, feed, icon). Adding a service is adding one entry here,
 * with its case in services.test.ts. Entries are tried in order; the first match wins.
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
  /** simple-icons slug, or "web" / "email" / "feed" for the generic icons. */
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
  return url.pathname.split("/").filter((part) => part !== "").map(decodeURIComponent);
}

/** Matches when the host is one of `hosts` (with or without "www."). */
export function onHost(url: URL, ...hosts: string[]): boolean {
  const host = url.hostname.toLowerCase().replace(/^www\./, "");
  return hosts.includes(host);
}

const USER = /^[A-Za-z0-9_.-]+$/;

/**
 * Hosts whose `/@name` URLs are not fediverse accounts; keeps the generic Mastodon rule honest.
 */
const AT_PATH_SILOS = ["youtube.com", "m.youtube.com", "medium.com", "tiktok.com", "threads.net", "threads.com", "vimeo.com", "bsky.app"];

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
      const [user, ...rest] = segments(url);
      if (!onHost(url, "github.com") || !user || rest.length > 0 || !USER.test(user)) return undefined;
      return { handle: user, feed: `https://github.com/${user}.atom` };
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
      if (!onHost(url, "youtube.com", "m.youtube.com")) return undefined;
      const [first, second] = segments(url);
      if (first === "channel" && second && /^UC[\w-]{22}$/.test(second)) {
        return { feed: `https://www.youtube.com/feeds/videos.xml?channel_id=${second}` };
      }
      if (first?.startsWith("@")) return { handle: first, discover: true };
      if ((first === "c" || first === "user") && second) return { handle: second, discover: true };
      return undefined;
    },
  },
  {
    id: "linkedin",
    name: "LinkedIn",
    icon: "linkedin",
    match: (url) => (onHost(url, "linkedin.com") ? { handle: segments(url)[1] } : undefined),
  },
  {
    id: "mastodon",
    name: "Mastodon",
    icon: "mastodon",
    fediverse: true,
    // Any Mastodon-compatible instance: https://host/@user → https://host/@user.rss
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
