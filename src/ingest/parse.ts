/**
 * @module Text → `ParsedFeed`: rss-parser for RSS 0.9x/1.0/2.0 and Atom, a valibot schema for
 * JSON Feed 1.0/1.1. Throws `FeedError` with a reader-friendly reason; never anything else.
 */
import Parser from "rss-parser";
import rssParserUtils from "rss-parser/lib/utils.js";
import * as v from "valibot";
import { StableHasher, stableHash } from "../hash.ts";
import type { FailureKind } from "../model.ts";
import { repairXml } from "./decode.ts";
import { findEntries, withEntries } from "./entries.ts";
import type { EntryHashes, ParsedFeed, RawItem, ReadFeedDocument } from "./feed.ts";
import { parseLenient } from "./lenient.ts";

export type { EntryHashes, ParsedFeed, RawItem } from "./feed.ts";

/** A feed that cannot be read, with the kind of failure (what /status words) and the raw reason. */
export class FeedError extends Error {
  override name = "FeedError";
  readonly kind: FailureKind;

  constructor(kind: FailureKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

type XmlNode = { _?: string; $?: Record<string, string> } & Record<string, unknown>;
type ParserItem = Parser.Item & Record<string, unknown>;

const rssParser = new Parser<Record<string, unknown>, Record<string, unknown>>({
  customFields: {
    feed: ["language"],
    item: [
      ["media:group", "mediaGroup"],
      ["media:thumbnail", "mediaThumbnail"],
      ["media:content", "mediaContent", { keepArray: true }],
      ["category", "rawCategories", { keepArray: true }],
      ["updated", "updated"],
      ["dc:language", "language"],
      ["source", "rawSource"],
      ["link", "rawLinks", { keepArray: true }],
    ],
  },
});

type XmlItem = Record<string, unknown[] | undefined>;
type ItemMaker = (this: unknown, xmlItem: XmlItem, ...rest: unknown[]) => Record<string, unknown>;
const getContent = rssParserUtils.getContent as (node: unknown) => unknown;

/**
 * rss-parser makes a `contentSnippet` of each item's description, content:encoded and Atom content
 * with `/<(?:.|\n)*?>/`, which rescans the rest of the text from every `<` never closed (20 000
 * `&lt;p` in a description: 5 s). m2 never reads the snippets: its item makers get each item
 * without those fields, which are then set as rss-parser sets them, without a snippet. (Patching
 * its helpers module instead does not reach the copy the parser uses in every runtime.)
 */
function withoutSnippets(parser: object, method: "parseItemRss" | "parseItemAtom", fields: readonly string[]): void {
  const target = parser as Record<typeof method, ItemMaker>;
  const make = target[method];
  target[method] = function (xmlItem, ...rest) {
    const stripped: XmlItem = { ...xmlItem };
    for (const field of fields) stripped[field] = undefined;
    const item = make.call(this, stripped, ...rest);
    for (const field of fields) {
      const node = xmlItem[field]?.[0];
      if (node === undefined) continue;
      // description and Atom content become `content` (getContent); content:encoded is copied.
      if (field === "content:encoded") item[field] = typeof (node as XmlNode)._ === "string" ? (node as XmlNode)._ : node;
      else item.content = getContent(node);
    }
    return item;
  };
}
withoutSnippets(rssParser, "parseItemRss", ["description", "content:encoded"]);
withoutSnippets(rssParser, "parseItemAtom", ["content"]);

/** Text of an xml2js node that may be a string or `{ _: text, $: attrs }`. */
function textOf(node: unknown): string | undefined {
  if (typeof node === "string") return node;
  if (node && typeof node === "object" && typeof (node as XmlNode)._ === "string") return (node as XmlNode)._;
  return undefined;
}

function attrOf(node: unknown, name: string): string | undefined {
  if (node && typeof node === "object") return (node as XmlNode).$?.[name];
  return undefined;
}

function first(node: unknown): unknown {
  return Array.isArray(node) ? node[0] : node;
}

function mediaImage(item: ParserItem): string | undefined {
  const group = first(item.mediaGroup) as Record<string, unknown> | undefined;
  const thumbnail = first(item.mediaThumbnail) ?? first(group?.["media:thumbnail"]);
  const thumbnailUrl = attrOf(thumbnail, "url");
  if (thumbnailUrl) return thumbnailUrl;
  const contents = (Array.isArray(item.mediaContent) ? item.mediaContent : []) as unknown[];
  for (const content of contents) {
    const medium = attrOf(content, "medium");
    const type = attrOf(content, "type") ?? "";
    if (medium === "image" || type.startsWith("image/")) return attrOf(content, "url");
  }
  return undefined;
}

function mediaDescription(item: ParserItem): string | undefined {
  const group = first(item.mediaGroup) as Record<string, unknown> | undefined;
  return textOf(first(group?.["media:description"]));
}

function categories(item: ParserItem): string[] {
  const raw = (Array.isArray(item.rawCategories) ? item.rawCategories : []) as unknown[];
  return raw
    .map((category) => textOf(category) ?? attrOf(category, "term") ?? attrOf(category, "label"))
    .filter((tag): tag is string => typeof tag === "string" && tag.trim() !== "")
    .map((tag) => tag.trim());
}

function stringOr(value: unknown): string | undefined {
  const text = textOf(value);
  return text === undefined || text.trim() === "" ? undefined : text;
}

/** Atom's `<link rel="enclosure" href type length>`, as RSS's enclosure. */
function atomEnclosure(item: ParserItem): RawItem["enclosure"] {
  const links = (Array.isArray(item.rawLinks) ? item.rawLinks : []) as unknown[];
  const link = links.find((candidate) => attrOf(candidate, "rel") === "enclosure" && attrOf(candidate, "href"));
  if (!link) return undefined;
  const length = Number(attrOf(link, "length"));
  return { url: attrOf(link, "href")!, type: attrOf(link, "type"), length: length > 0 ? length : undefined };
}

function fromParserItem(item: ParserItem, format: "rss" | "atom"): RawItem {
  const enclosure = format === "atom" ? atomEnclosure(item) : item.enclosure?.url
    ? {
        url: item.enclosure.url,
        type: item.enclosure.type || undefined,
        length: Number(item.enclosure.length) > 0 ? Number(item.enclosure.length) : undefined,
      }
    : undefined;
  const encoded = stringOr(item["content:encoded"]);
  const content = stringOr(item.content);
  const summary = stringOr(item.summary);
  // RSS: description is a summary when content:encoded exists. Atom: summary beside content.
  const html = format === "rss" ? (encoded ?? content) : (content ?? summary);
  const summaryHtml = format === "rss" ? (encoded ? content : undefined) : content ? summary : undefined;
  return {
    id: stringOr(item.guid) ?? stringOr(item.id) ?? stringOr(item["rdf:about"]),
    link: stringOr(item.link),
    title: stringOr(item.title),
    html: html ?? mediaDescription(item),
    summaryHtml,
    published: stringOr(item.isoDate) ?? stringOr(item.pubDate),
    updated: stringOr(item.updated),
    author: stringOr(item.creator) ?? stringOr(item.author),
    image: mediaImage(item),
    enclosure,
    lang: stringOr(item.language),
    tags: categories(item),
  };
}

const WHITESPACE = /\s+/y;

/**
 * Where the document's first element (or DOCTYPE) starts, past whitespace, processing instructions
 * and comments; -1 when there is none. indexOf, not `(?:<!--[\s\S]*?-->\s*)*`: that pattern
 * tries every way to split a run of comments (exponential: 40 `<!---->` never finish).
 */
function prologEnd(text: string): number {
  let at = 0;
  for (;;) {
    WHITESPACE.lastIndex = at;
    if (WHITESPACE.test(text)) at = WHITESPACE.lastIndex;
    const [open, close] = text.startsWith("<!--", at) ? ["<!--", "-->"] : text.startsWith("<?", at) ? ["<?", "?>"] : [];
    if (open === undefined || close === undefined) return text.charCodeAt(at) === 0x3c /* < */ ? at : -1;
    const end = text.indexOf(close, at + open.length);
    if (end === -1) return -1;
    at = end + close.length;
  }
}

/** True when `pattern` (anchored with ^) matches the first element's opening, read in a small window. */
function firstElementIs(text: string, pattern: RegExp): boolean {
  const at = prologEnd(text);
  return at !== -1 && pattern.test(text.slice(at, at + 64));
}

/**
 * An attribute of the root element (`<feed xmlns="…" xml:base="…">`). Each `<` is looked at once
 * and the attribute pattern needs its name, `=` and a whole quoted value, so a scan of `[^"']*`
 * starts only after a quote and ends at the next one: two scans never overlap.
 */
function rootAttribute(xml: string, name: "xml:base" | "xml:lang"): string | undefined {
  for (let at = xml.indexOf("<"); at !== -1; at = xml.indexOf("<", at + 1)) {
    if (!/^<(?:feed|rss|rdf:RDF)\b/i.test(xml.slice(at, at + 8))) continue;
    const end = xml.indexOf(">", at);
    if (end === -1) return undefined;
    return new RegExp(`\\s${name}\\s*=\\s*["']([^"']*)["']`, "i").exec(xml.slice(at, end + 1))?.[1];
  }
  return undefined;
}

function looksLikeHtml(text: string): boolean {
  return firstElementIs(text, /^<(?:!doctype\s+html|html)\b/i);
}

/** The strict read of a whole document by rss-parser; throws what rss-parser throws. */
async function readStrict(xml: string): Promise<ParsedFeed> {
  const feed: Parser.Output<Record<string, unknown>> & Record<string, unknown> = await rssParser.parseString(xml);
  const format = firstElementIs(xml, /^<feed\b/) ? "atom" : "rss";
  return {
    format,
    title: stringOr(feed.title),
    link: stringOr(feed.link),
    base: rootAttribute(xml, "xml:base"),
    lang: stringOr(feed.language) ?? rootAttribute(xml, "xml:lang"),
    items: (feed.items ?? []).map((item) => fromParserItem(item as ParserItem, format)),
  };
}

const CANARY_RSS =
  '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>c</title><language>fr</language>' +
  '<item><title>T &amp; t</title><link>https://c.example/1</link><guid isPermaLink="false">g1</guid><pubDate>Tue, 24 Nov 2026 07:00:00 GMT</pubDate><dc:creator>A</dc:creator>' +
  '<category>c1</category><category><![CDATA[c2]]></category><description>&lt;p&gt;s&lt;/p&gt;</description><content:encoded><![CDATA[<p>h</p>]]></content:encoded>' +
  '<enclosure url="https://c.example/a.mp3" type="audio/mpeg" length="12"/><media:thumbnail url="https://c.example/t.jpg"/><media:content url="https://c.example/i.png" medium="image"/>' +
  '<media:group><media:description>d</media:description></media:group><dc:language>en</dc:language><source url="https://s.example/">s</source><updated>2026-11-25T07:00:00Z</updated></item></channel></rss>';
const CANARY_ATOM =
  '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr"><title>c</title><link href="https://c.example/"/><entry><id>e1</id><title type="html">T &amp;amp; t</title>' +
  '<link rel="alternate" href="https://c.example/1"/><link rel="enclosure" href="https://c.example/a.mp3" type="audio/mpeg" length="12"/><published>2026-11-24T07:00:00Z</published>' +
  '<updated>2026-11-25T07:00:00Z</updated><author><name>A</name></author><category term="c1"/><summary>s</summary><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>h</p></div></content></entry></feed>';
let parserVersion: Promise<string> | undefined;

/**
 * A hash of how this code reads a canary RSS and Atom entry: it changes when rss-parser or the
 * mapping above changes, so entries read by an earlier version are read again, not reused.
 */
export function readerVersion(): Promise<string> {
  parserVersion ??= Promise.all([readStrict(CANARY_RSS), readStrict(CANARY_ATOM)]).then((feeds) => stableHash(JSON.stringify(feeds)));
  return parserVersion;
}

async function parseXml(text: string, known: ReadonlySet<string> | undefined, allowance: number): Promise<ReadFeedDocument> {
  const xml = repairXml(text);
  const found = findEntries(xml);
  let entries: EntryHashes | undefined;
  if (found) {
    const hashes = found.ranges.map(([start, end]) => new StableHasher().update(xml, start, end).digest());
    entries = { hashes, context: stableHash(`${found.root}\n${await readerVersion()}`) };
    const fresh: number[] = [];
    const deferred = new Set<string>();
    let chars = 0;
    hashes.forEach((hash, index) => {
      if (known?.has(hash)) return;
      const [start, end] = found.ranges[index]!;
      // New entries in document order (feeds list the newest first) while they fit; the first
      // one always, so that a run reads at least one entry of a feed it fetched.
      if (fresh.length > 0 && chars + (end - start) > allowance) deferred.add(hash);
      else {
        chars += end - start;
        fresh.push(index);
      }
    });
    if (fresh.length < hashes.length) {
      // Only the entries the caller has not read before, and that fit; the rest of the document as it is.
      const document = withEntries(found, fresh);
      const skipped = deferred.size > 0 ? new Set([...(known ?? []), ...deferred]) : known!;
      try {
        const partial = await readStrict(document);
        if (partial.items.length === fresh.length) {
          return { ...partial, entries: { ...entries, skipped, ...(deferred.size > 0 ? { deferred } : {}) }, readChars: document.length };
        }
      } catch {
        // Whatever the reason, the whole document is read below and tells it.
      }
    }
  }
  let feed: ParsedFeed;
  try {
    feed = await readStrict(xml);
  } catch (error) {
    const reason = (error as Error).message.split("\n")[0] ?? "";
    // rss-parser is strict where readers are not (undeclared prefixes, DTD entities, <rss> without
    // version, one invalid Atom date): a second, forgiving pass keeps such feeds readable.
    const lenient = parseLenient(xml);
    if (lenient) return { ...lenient, lenient: reason, readChars: xml.length };
    if (/Feed not recognized/i.test(reason)) throw new FeedError("not-a-feed", "not an RSS, Atom or JSON feed");
    throw new FeedError("unreadable", `the XML could not be read (${reason})`);
  }
  // The hashes describe the items only when the parser read exactly the entries the scan found.
  return entries && feed.items.length === entries.hashes.length ? { ...feed, entries, readChars: xml.length } : { ...feed, readChars: xml.length };
}

const JsonAuthor = v.looseObject({ name: v.optional(v.string()), url: v.optional(v.string()) });
const JsonFeedSchema = v.looseObject({
  // The spec says https://jsonfeed.org/version/1 or /1.1; http:// and a bare "1.1" are seen in the wild.
  version: v.pipe(
    v.string(),
    v.regex(/^(?:https?:\/\/jsonfeed\.org\/version\/)?1(?:\.\d+)?\/?$/, "not a JSON Feed (version must be https://jsonfeed.org/version/1 or /1.1)"),
  ),
  title: v.optional(v.string()),
  home_page_url: v.optional(v.string()),
  language: v.optional(v.string()),
  items: v.array(
    v.looseObject({
      id: v.optional(v.union([v.string(), v.number()])),
      url: v.optional(v.string()),
      external_url: v.optional(v.string()),
      title: v.optional(v.string()),
      content_html: v.optional(v.string()),
      content_text: v.optional(v.string()),
      summary: v.optional(v.string()),
      image: v.optional(v.string()),
      banner_image: v.optional(v.string()),
      date_published: v.optional(v.string()),
      date_modified: v.optional(v.string()),
      author: v.optional(JsonAuthor),
      authors: v.optional(v.array(JsonAuthor)),
      tags: v.optional(v.array(v.string())),
      language: v.optional(v.string()),
      attachments: v.optional(
        v.array(v.looseObject({ url: v.string(), mime_type: v.optional(v.string()), size_in_bytes: v.optional(v.number()) })),
      ),
    }),
    "items must be a list",
  ),
});

function parseJsonFeed(text: string): ParsedFeed {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FeedError("unreadable", `the JSON could not be read (${(error as Error).message})`);
  }
  const result = v.safeParse(JsonFeedSchema, json);
  if (!result.success) {
    const issue = result.issues[0];
    const path = v.getDotPath(issue) ?? "feed";
    throw new FeedError("unreadable", `not a valid JSON Feed: ${path}: ${issue.message}`);
  }
  const feed = result.output;
  return {
    format: "json",
    title: feed.title,
    link: feed.home_page_url,
    lang: feed.language,
    items: feed.items.map((item) => {
      const author = item.authors?.[0] ?? item.author;
      const attachment = item.attachments?.[0];
      return {
        id: item.id === undefined ? undefined : String(item.id),
        link: item.url ?? item.external_url,
        title: item.title,
        html: item.content_html,
        text: item.content_text,
        summaryHtml: undefined,
        published: item.date_published ?? item.date_modified,
        updated: item.date_modified,
        author: author?.name,
        authorUrl: author?.url,
        image: item.image ?? item.banner_image,
        enclosure: attachment ? { url: attachment.url, type: attachment.mime_type, length: attachment.size_in_bytes } : undefined,
        lang: item.language,
        tags: item.tags,
      } satisfies RawItem;
    }),
  };
}

/**
 * Parses a feed document of any supported format; throws `FeedError` with the reason. `known`:
 * hashes of entries (`ParsedFeed.entries`) the caller has already read, which an XML feed then
 * leaves unparsed (listed in `entries.skipped`). `allowance`: characters of new entries to parse
 * at most (the first new entry is always parsed); the new entries past it are left unparsed too
 * (`entries.deferred`), for a later run. A feed that cannot be cut into entries is read whole.
 */
export async function parseFeed(text: string, known?: ReadonlySet<string>, allowance = Infinity): Promise<ReadFeedDocument> {
  const trimmed = text.trimStart();
  if (trimmed === "") throw new FeedError("empty", "the feed is empty");
  if (trimmed.startsWith("{")) return { ...parseJsonFeed(trimmed), readChars: trimmed.length };
  if (looksLikeHtml(trimmed)) throw new FeedError("html", "got an HTML page, not a feed");
  if (!trimmed.startsWith("<")) throw new FeedError("not-a-feed", "not an RSS, Atom or JSON feed");
  return parseXml(trimmed, known, allowance);
}
