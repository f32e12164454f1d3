/**
 * @module The shapes a parsed feed takes before normalisation: `ParsedFeed` and its `RawItem`s,
 * shared by the strict reader (parse.ts) and the lenient one (lenient.ts) without either
 * importing the other.
 */

/** One entry as the feed gave it, before normalisation. Strings are untrusted. */
export interface RawItem {
  id?: string;
  link?: string;
  title?: string;
  /** Full content as HTML (content:encoded, atom:content, content_html). */
  html?: string;
  /** Summary or description as HTML, when distinct from `html`. */
  summaryHtml?: string;
  /** Plain text given by the feed (JSON Feed content_text). */
  text?: string;
  published?: string;
  updated?: string;
  author?: string;
  authorUrl?: string;
  image?: string;
  enclosure?: { url: string; type?: string; length?: number };
  lang?: string;
  tags?: string[];
}

export interface ParsedFeed {
  format: "rss" | "atom" | "json";
  title?: string;
  link?: string;
  /** Base for relative URLs: xml:base of the root element, else the feed's own URL. */
  base?: string;
  lang?: string;
  items: RawItem[];
  /** Set when the strict parser refused the document and the lenient pass read it: why. */
  lenient?: string;
  /** Set when the document could be cut into its entries (entries.ts) and was read strictly. */
  entries?: EntryHashes;
}

/**
 * A feed as `parseFeed` gives it, with the characters the parser read: the new entries and the
 * document around them when the rest was left unparsed, else the whole document (what a refresh
 * counts against its work budget).
 */
export type ReadFeedDocument = ParsedFeed & { readChars: number };

/** The entries of an XML feed as hashes of their bytes, for reading only the new ones next time. */
export interface EntryHashes {
  /** A hash of each entry's bytes, in document order. */
  hashes: string[];
  /**
   * A hash of what besides its own bytes shapes how an entry reads: the root element's opening
   * tag (version, namespaces, xml:base, xml:lang) and this parser's reading of a canary feed.
   */
  context: string;
  /**
   * The hashes the caller said it knew (`parseFeed`'s `known`) whose entries were not parsed:
   * `items` holds the other entries, in document order. Absent when every entry was parsed.
   */
  skipped?: ReadonlySet<string>;
  /**
   * The new entries left unparsed because they did not fit in `parseFeed`'s allowance (a subset
   * of `skipped`): read on a later run.
   */
  deferred?: ReadonlySet<string>;
}
