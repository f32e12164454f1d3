/**
 * @module Every bound of federation (ActivityPub in and out), as named numbers: the README's
 * "Follow me from Mastodon" section quotes them.
 */

/** The largest inbox body read (a Mastodon activity is a few KiB); past it, 413 and nothing done. */
export const MAX_INBOX_BODY_BYTES = 65_536;
/** The longest Signature / Signature-Input header parsed. */
export const MAX_SIGNATURE_HEADER_CHARS = 4_096;
/** How far a signature's Date (or RFC 9421 `created`) may be from now, either way. */
export const SIGNATURE_WINDOW_MS = 60 * 60_000;

/** A remote actor (or key) document is read up to this many bytes, within this time, through this many redirects. */
export const MAX_ACTOR_DOCUMENT_BYTES = 131_072;
export const REMOTE_FETCH_TIMEOUT_MS = 5_000;
export const MAX_REMOTE_REDIRECTS = 2;
/** A remote key is kept this long before it is fetched again (and fetched again at once when it no longer verifies). */
export const REMOTE_KEY_TTL_MS = 24 * 60 * 60_000;
/** Remote keys kept (the oldest go first). */
export const MAX_REMOTE_KEYS = 2_000;

/** The longest URL kept from a remote document, and the longest name. */
export const MAX_REMOTE_URL_CHARS = 2_048;
export const MAX_REMOTE_NAME_CHARS = 100;

/** Followers one home keeps; past it, a Follow is refused (Reject is not sent: nothing is stored). */
export const MAX_FOLLOWERS = 10_000;
/** Deliveries waiting at once (done ones are deleted first); past it, new ones are dropped and logged. */
export const MAX_DELIVERIES = 20_000;
/** Delivery attempts per inbox; the waits between them double from `FIRST_DELIVERY_RETRY_MS` (5 min … ~10 h). */
export const MAX_DELIVERY_ATTEMPTS = 8;
export const FIRST_DELIVERY_RETRY_MS = 5 * 60_000;
/** Activities kept for the outbox (the oldest go first). */
export const MAX_OUTBOX_ACTIVITIES = 1_000;
/** Activities the outbox collection shows (newest first). */
export const OUTBOX_PAGE_ITEMS = 20;
/** Received activity ids remembered, so a redelivered activity is done once. */
export const MAX_SEEN_ACTIVITIES = 5_000;

/**
 * Deliveries (signed POSTs) made in the background after one own-post write. Two bounds: the
 * conversations already take 40 of the invocation's 50 subrequests (conversations/limits.ts), and
 * each signature costs about 1.2 ms of CPU (RSA 2048, measured in Node 22) against Workers Free's
 * 10 ms per invocation. The rest of a large fan-out waits for the cron.
 */
export const WRITE_DELIVERY_SUBREQUESTS = 4;
/** Deliveries (and retries) made after an inbox POST (the Accept of a Follow), beside the key fetch. */
export const INBOX_DELIVERY_SUBREQUESTS = 4;
/** Subrequests of an inbox POST's verification: the signer's key (one redirect allowed). */
export const INBOX_FETCH_SUBREQUESTS = 1 + MAX_REMOTE_REDIRECTS;
/** Deliveries (and retries) each cron run makes, taken from the feeds' refresh share (about 7 ms of CPU signing). */
export const CRON_DELIVERY_SUBREQUESTS = 6;

/** Posts of the other accounts announced (boosted) per cron run when `actor.boost` is on; the rest wait for the next runs. */
export const MAX_BOOSTS_PER_RUN = 5;

/** Profile fields Mastodon shows (its `MAX_FIELDS`): the actor lists this many accounts. */
export const MAX_PROFILE_FIELDS = 4;
