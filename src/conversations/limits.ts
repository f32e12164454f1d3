/**
 * @module Every bound of the conversations (Webmention in and out, WebSub), as named numbers: the
 * README's "Conversations" section quotes them.
 */

/** The largest `POST /webmention` body read (two URLs of at most `MAX_MENTION_URL_CHARS`, form-encoded). */
export const MAX_WEBMENTION_BODY_BYTES = 8_192;
/** The longest source or target URL accepted. */
export const MAX_MENTION_URL_CHARS = 2_048;
/** Mentions received from one source host per window (`HOST_WINDOW_MS`); past it, 429. */
export const MAX_MENTIONS_PER_HOST = 20;
export const HOST_WINDOW_MS = 60 * 60_000;
/** Mentions waiting for verification, per target page and for the whole home; past it, 429. */
export const MAX_QUEUED_PER_POST = 20;
export const MAX_QUEUED_PER_HOME = 200;
/** Verified mentions kept, per target page and for the whole home; past it, new ones are dropped. */
export const MAX_STORED_PER_POST = 500;
export const MAX_STORED_PER_HOME = 10_000;
/** Verification attempts of a queued mention whose source failed (network, 5xx) before it is dropped. */
export const MAX_VERIFY_ATTEMPTS = 3;

/** Subrequests one cron run gives the conversations (verification, sending, retries), before the feeds' refresh. */
export const CRON_CONVERSATION_SUBREQUESTS = 10;
/** Subrequests the background work after one Micropub write may spend (discovery and sending, hub pings). */
export const WRITE_CONVERSATION_SUBREQUESTS = 40;
/**
 * A source page or a target page (discovery) is read up to this many bytes (and never past the
 * feeds' `maxFeedBytes`): parsing a page's microformats costs CPU in proportion.
 */
export const MAX_PAGE_BYTES = 262_144;
/** Redirects followed for a source, a target or an endpoint. */
export const MAX_REDIRECTS = 5;

/** Targets one own post notifies (links of its content and its responses, and those an edit removed). */
export const MAX_TARGETS_PER_POST = 20;
/** Sending attempts per target; the waits between them double from `FIRST_RETRY_MS`. */
export const MAX_SEND_ATTEMPTS = 5;
export const FIRST_RETRY_MS = 30 * 60_000;
/** Sending jobs kept in the outbox (done ones are deleted first). */
export const MAX_OUTBOX = 2_000;

/** The Link header read during discovery (characters), and the links scanned in a page. */
export const MAX_LINK_HEADER_CHARS = 8_192;
export const MAX_ELEMENTS_SCANNED = 50_000;

/** What a stored mention keeps of its source. */
export const MAX_AUTHOR_NAME_CHARS = 100;
export const MAX_MENTION_CONTENT_CHARS = 8_000;
export const MAX_MENTION_TEXT_CHARS = 1_000;

/** Pings one change sends to the WebSub hub: one per merged feed (RSS, Atom, JSON Feed). */
export const MAX_HUB_PINGS = 3;
/** The merged feeds a hub is told about. */
export const MERGED_FEEDS = ["/feed.xml", "/atom.xml", "/feed.json"] as const;
