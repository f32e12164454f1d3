/**
 * @module The bounds on what a fetched feed can make m2 store or hold: every string of an `Item`
 * and every text the lenient pass takes, in characters (UTF-16 code units, what `.length` counts).
 * The README's security model states each one; change them together.
 */

/** Sanitised HTML of one item. 200 items of this size stay well under KV's 25 MiB per value. */
export const MAX_CONTENT_HTML_CHARS = 32_000;

/**
 * Raw HTML handed to the sanitiser, cut before it: bounds its CPU on a huge entry (sanitize-html
 * takes about a second for 256 000 characters of images). Four times the stored cap, so what
 * sanitising drops (styles, scripts, classes) still leaves a full item.
 */
export const MAX_HTML_INPUT_CHARS = 128_000;

/** A title the feed gave; a title made from the text is cut shorter (normalise.ts). */
export const MAX_TITLE_CHARS = 200;

/** The plain-text summary. */
export const MAX_SUMMARY_CHARS = 300;

/** An id (guid, atom:id, JSON Feed id): a longer one is replaced by a hash of it, never cut. */
export const MAX_ID_CHARS = 1_000;

/**
 * Any URL kept from a feed (link, image, enclosure, author) and the `xml:base` that relative URLs
 * are resolved against: a longer one is dropped, never cut (a cut URL points somewhere else).
 */
export const MAX_URL_CHARS = 2_048;

/** An author's name. */
export const MAX_AUTHOR_CHARS = 100;

/** One tag, and how many tags an item keeps. */
export const MAX_TAG_CHARS = 50;
export const MAX_TAGS = 10;

/** A language tag (BCP 47 advises supporting at least 35 characters). */
export const MAX_LANG_CHARS = 35;

/** An enclosure's MIME type. */
export const MAX_MIME_TYPE_CHARS = 100;

/**
 * Text the lenient pass takes from one element (a title, a description, an Atom content): it stops
 * collecting there, so an element holding the whole document costs this much, not the document.
 */
export const MAX_LENIENT_FIELD_CHARS = MAX_HTML_INPUT_CHARS;

/** An ETag or Last-Modified longer than this is not kept: the next fetch is unconditional (a record stays small whatever a server sends). */
export const MAX_VALIDATOR_CHARS = 256;
