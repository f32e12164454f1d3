/**
 * @module The types every stage passes on: a `Source` (one account of the profile) and an `Item`
 * (one post, normalised and sanitised). Defined once here and imported everywhere.
 */

/** One account of the profile, resolved by the service registry. */
export interface Source {
  /** Stable id used in URLs (`/feeds/<id>.xml`, `?source=<id>`) and KV keys. */
  id: string;
  /** The account URL exactly as configured: emitted as-is in rel=me links. */
  url: string;
  /** Text of the link: the configured label, else the service name. */
  label: string;
  /** Registry id of the service ("mastodon", "github", "web" for unknown sites). */
  service: string;
  /** Display name of the service ("Mastodon", "GitHub"). */
  serviceName: string;
  /** The handle on that service, when the URL says it ("@camille@mastodon.social", "camille"). */
  handle?: string;
  /** The feed to fetch: configured, derived from the URL, or undefined until discovered. */
  feed?: string;
  /** Where `feed` came from; "discover" means the account page must be read to find it. */
  feedOrigin: "configured" | "derived" | "discover" | "none";
  /** Linked with rel=me (an account the person owns), or a plain link. */
  identity: boolean;
  /** Also a login provider: rel="me authn". */
  authn: boolean;
  /** Icon key: a simple-icons slug, or "web" / "email" / "feed" for the generic ones. */
  icon: string;
  /** A fediverse (ActivityPub) account: used for WebFinger and fediverse:creator. */
  fediverse: boolean;
}

/** One post from one source, as stored in KV and rendered everywhere. */
export interface Item {
  /** Unique within its source: the feed's guid/id, else the link, else a content hash. */
  id: string;
  /** The `Source.id` it came from. */
  source: string;
  /** Absolute permalink, when the feed gave one. */
  url?: string;
  /** The title, or a short one made from the text for untitled posts (Mastodon, Bluesky). */
  title: string;
  /** True when `title` was made from the text rather than given by the feed. */
  titleGenerated: boolean;
  /** Sanitised HTML (allowlist, absolute URLs); "" when the feed had no content. */
  content_html: string;
  /** Plain-text summary, at most ~300 characters. */
  summary: string;
  /** ISO 8601; never in the future; the first-seen time when the feed had no date. */
  published: string;
  /** ISO 8601, when the feed gave an update time later than `published`. */
  updated?: string;
  author?: { name?: string; url?: string };
  /** Absolute URL of a representative image (thumbnail, media:content, first image). */
  image?: string;
  enclosure?: { url: string; type?: string; length?: number };
  /** BCP 47 language of the item, when the feed says it. */
  lang?: string;
  tags?: string[];
}
