/**
 * @module The types every stage passes on: a `Source` (one account of the profile), an `Item`
 * (one post, normalised and sanitised), a `Failure` (what went wrong, as a kind) and a
 * `Verification` (an account's rel=me verdict). Defined once here and imported everywhere.
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

/**
 * What kind of failure a fetch, a discovery, a parse or a store met. Set where the failure
 * happens, carried unchanged to /status.json (`error_kind`), and put into words (fr/en) only when
 * rendered: no code ever reads the kind back out of a message.
 */
export type FailureKind =
  /** No answer within `fetchTimeoutSeconds`. */
  | "timeout"
  /** Could not connect: DNS, TLS, connection refused or reset. */
  | "network"
  /** An HTTP error status; `Failure.status` says which. */
  | "http"
  /** 410 Gone: no longer fetched, its history kept. */
  | "gone"
  /** A redirect without a usable Location, a loop, too many hops, or https → http. */
  | "redirect"
  /** The body is larger than `maxFeedBytes` (or a page larger than its cap). */
  | "too-large"
  /** The answer is empty. */
  | "empty"
  /** An HTML page where a feed was expected. */
  | "html"
  /** Neither RSS, Atom nor JSON Feed. */
  | "not-a-feed"
  /** RSS/Atom/JSON that could not be read, or a JSON Feed that breaks the spec. */
  | "unreadable"
  /** The source's record could not be stored (KV refused the put). */
  | "storage"
  /** Read from a record stored before failures carried their kind: its detail is kept, its kind was never recorded. */
  | "unknown";

/** One failure: its kind, where it happened, and the raw detail (English, for /status.json). */
export interface Failure {
  kind: FailureKind;
  /** `feed`: fetching or reading the feed; `page`: reading the account page to discover its feed. */
  stage: "feed" | "page";
  /** The technical detail ("HTTP 503 Service Unavailable", "body larger than 5000000 bytes"). */
  detail: string;
  /** The HTTP status, when there was an answer. */
  status?: number;
}

/** Does the account page link back to the home? (identity/relme.ts `judgeLinkBack`). */
export type LinkBackVerdict = "verified" | "verified-loosely" | "links-back-without-rel-me" | "no-link-back";

/** An account's inbound rel=me verdict: a link-back verdict, or the page could not be read. */
export type Verdict = LinkBackVerdict | "unreachable";

/** One account's verdict, as stored in the timeline and shown on /status.json. */
export interface Verification {
  verdict: Verdict;
  /** Plain words: what was read and what was found. */
  detail: string;
  /** The exact string found instead of the home URL (verified-loosely, links-back-without-rel-me). */
  found?: string;
  /** The HTTP status of an unreachable page. */
  status?: number;
  /** The page or API URL that was read. */
  checked_url: string;
  checked_at: string;
}

/**
 * The bindings one home's code sees: the Worker's, with its KV under the home's prefix and its
 * Durable Object pinned (community/member-env.ts). `M2_MEMBER` is set for a community member's
 * home: its owner signs in with the secret m2 generated at sign-up, never with `ADMIN_TOKEN`
 * (which is the community admin's, and absent from a member's bindings).
 */
export type HomeEnv = Env & { M2_MEMBER?: string };
