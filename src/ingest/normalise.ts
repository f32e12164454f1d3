/**
 * @module `ParsedFeed` → `Item[]`: stable ids, absolute URLs, titles for untitled posts, sanitised
 * content, plain summaries, sane dates. Pure: the clock and earlier items come in as arguments.
 */
import type { Item, Source } from "../model.ts";
import type { ParsedFeed, RawItem, ReadFeedDocument } from "./feed.ts";
import { parseFeed, readerVersion } from "./parse.ts";
import { StableHasher, stableHash } from "../hash.ts";
import {
  MAX_AUTHOR_CHARS,
  MAX_CONTENT_HTML_CHARS,
  MAX_HTML_INPUT_CHARS,
  MAX_ID_CHARS,
  MAX_LANG_CHARS,
  MAX_MIME_TYPE_CHARS,
  MAX_SUMMARY_CHARS,
  MAX_TAG_CHARS,
  MAX_TAGS,
  MAX_TITLE_CHARS,
  MAX_URL_CHARS,
} from "./limits.ts";
import { absoluteUrl, cutChars, htmlToText, neutralise, sanitise, sanitiseWithin, sanitisedText, titleText, truncate } from "./sanitise.ts";

/** A title made from the text of an untitled post (Mastodon, Bluesky) is shorter than a given one. */
const TITLE_LENGTH = 80;

/** A valid date as ISO 8601, or undefined. */
function isoDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const time = Date.parse(value.trim());
  if (Number.isNaN(time)) return undefined;
  const date = new Date(time);
  // Years outside 1970–9999 are typos or epoch-zero placeholders, not dates.
  if (date.getUTCFullYear() < 1971 || date.getUTCFullYear() > 9999) return undefined;
  return date.toISOString();
}

/**
 * A short title for an untitled post: its first line when short, else its first sentence when
 * that is not much longer (a whole sentence reads better than a cut one), else its first words.
 */
export function titleFromText(text: string): string {
  const firstLine = (text.split("\n")[0] ?? "").trim();
  if (firstLine.length <= TITLE_LENGTH) return firstLine;
  const sentence = /^(.{20,}?[.!?…])(?:\s|$)/u.exec(firstLine.slice(0, TITLE_LENGTH + 21))?.[1];
  return sentence ?? truncate(firstLine, TITLE_LENGTH);
}

function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Plain text (JSON Feed content_text, Bluesky posts) as paragraphs of HTML. */
function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== "")
    .map((paragraph) => `<p>${escapeText(paragraph).replace(/\n/g, "<br />")}</p>`)
    .join("");
}

/**
 * A tag start with a `>` anywhere after it, or an entity. Not `/<[a-z][\s\S]*>/`: that pattern
 * rescans the rest of the text from every `<`, quadratic on 80 000 `<a` without a `>`. The entity
 * pattern is linear: `&` is not in its class, so the scans from two `&`s never overlap.
 */
function looksLikeHtml(text: string): boolean {
  const tag = /<[a-z]/i.exec(text);
  return (tag !== null && text.indexOf(">", tag.index + 2) !== -1) || /&[#a-z0-9]+;/i.test(text);
}

function firstImage(html: string): string | undefined {
  // `html` is our own sanitiser's output: attributes are always double-quoted and escaped.
  const src = /<img\b[^>]*?\ssrc="([^"]+)"/.exec(html)?.[1];
  return src?.replace(/&amp;/g, "&");
}

/** A URL from the feed, resolved and kept only when short enough to store whole. */
function keptUrl(value: string | undefined, base: string | undefined): string | undefined {
  if (value === undefined || value.length > MAX_URL_CHARS) return undefined;
  const url = absoluteUrl(value, base);
  return url !== undefined && url.length <= MAX_URL_CHARS ? url : undefined;
}

/** An id short enough to store, else a hash of it (two long ids with the same start stay two). */
function keptId(value: string | undefined): string | undefined {
  const id = value?.trim();
  if (!id) return undefined;
  return id.length <= MAX_ID_CHARS ? id : `hash:${stableHash(id)}`;
}

function language(value: string | undefined): string | undefined {
  const tag = value?.trim();
  return tag && tag.length <= MAX_LANG_CHARS && /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$/.test(tag) ? tag.replace(/_/g, "-") : undefined;
}

export interface NormaliseContext {
  source: Source;
  /** The URL the feed was fetched from: the base of last resort for relative URLs. */
  feedUrl: string;
  now: Date;
  /** Items stored from earlier fetches, by id: an undated item keeps its first-seen time. */
  previous?: ReadonlyMap<string, Item>;
  /** The fingerprints `normaliseFeed` returned with the stored items. */
  fingerprints?: Readonly<Record<string, string>>;
  /** The `older` entries `readFeed` returned last time. */
  older?: Readonly<Record<string, string>>;
}

/** What ordering and deduplication need, computed for every entry before the costly part. */
interface Candidate {
  /** The parsed entry; absent for an entry left unparsed because `stored` already is its item. */
  raw?: RawItem;
  id: string;
  link?: string;
  published: string;
  /** The hash of the entry's bytes (ParsedFeed.entries), when the feed was cut into entries. */
  entry?: string;
  /** False when `published` was clamped to now (a post dated in the future): it moves each run. */
  settled: boolean;
  /** True when `published` comes from the entry's own date (or a stored item): it cannot move. */
  dated: boolean;
  /** The stored item of an unparsed entry, and its fingerprint. */
  stored?: { item: Item; fingerprint: string };
}

function rawHtmlOf(raw: RawItem): string {
  // Plain text longer than the stored HTML cap would be cut anyway, after costly escaping.
  return raw.html ?? (raw.text ? textToHtml(cutChars(raw.text, MAX_CONTENT_HTML_CHARS)) : "");
}

function candidateOf(raw: RawItem, base: string, context: NormaliseContext, nowIso: string): Candidate {
  const link = keptUrl(raw.link, base);
  const id = keptId(raw.id) || link || `hash:${stableHash(`${raw.title ?? ""}\n${rawHtmlOf(raw)}\n${raw.published ?? ""}`)}`;
  const given = isoDate(raw.published) ?? isoDate(raw.updated);
  const published = given ? (given > nowIso ? nowIso : given) : (context.previous?.get(id)?.published ?? nowIso);
  return { raw, id, ...(link ? { link } : {}), published, settled: !given || given <= nowIso, dated: given !== undefined };
}

function normaliseItem(candidate: Candidate & { raw: RawItem }, base: string, feedLang: string | undefined, context: NormaliseContext): Item {
  const { source, now } = context;
  const { raw, id, link, published } = candidate;
  const rawHtml = rawHtmlOf(raw);
  // Some feeds (Bluesky) put plain text in description: keep its line breaks.
  const html = rawHtml && !looksLikeHtml(rawHtml) ? textToHtml(cutChars(rawHtml, MAX_CONTENT_HTML_CHARS)) : rawHtml;
  const content_html = html ? sanitiseWithin(html, base) : "";
  const text = sanitisedText(content_html) || cutChars(raw.text ?? "", MAX_HTML_INPUT_CHARS).trim();
  const summarySource = raw.summaryHtml ? htmlToText(cutChars(raw.summaryHtml, MAX_HTML_INPUT_CHARS)) : text;
  // Titles are text that no reader can take for markup, given or made from the post's words.
  const givenTitle = raw.title ? truncate(titleText(raw.title), MAX_TITLE_CHARS) : "";
  const generatedTitle = neutralise(titleFromText(text));

  const nowIso = now.toISOString();
  const updatedGiven = isoDate(raw.updated);
  const updated = updatedGiven && updatedGiven > published && updatedGiven <= nowIso ? updatedGiven : undefined;

  // Summaries, names and tags are text too, shown by readers that may take them for HTML (an RSS
  // description always is): what in them could open a tag is made plain characters.
  const author = raw.author ? neutralise(truncate(htmlToText(cutChars(raw.author, MAX_HTML_INPUT_CHARS)), MAX_AUTHOR_CHARS)) : undefined;
  const authorUrl = keptUrl(raw.authorUrl, base);
  const enclosureUrl = keptUrl(raw.enclosure?.url, base);
  const tags = (raw.tags ?? [])
    .slice(0, MAX_TAGS * 4)
    .map((tag) => neutralise(truncate(htmlToText(cutChars(tag, MAX_HTML_INPUT_CHARS)), MAX_TAG_CHARS)))
    .filter((tag) => tag !== "")
    .slice(0, MAX_TAGS);

  const item: Item = {
    id,
    source: source.id,
    title: givenTitle || generatedTitle || source.label,
    titleGenerated: givenTitle === "",
    content_html,
    summary: neutralise(truncate(summarySource, MAX_SUMMARY_CHARS)),
    published,
  };
  if (link) item.url = link;
  if (updated) item.updated = updated;
  if (author || authorUrl) item.author = { ...(author ? { name: author } : {}), ...(authorUrl ? { url: authorUrl } : {}) };
  const image = keptUrl(raw.image, base) ?? firstImage(content_html);
  if (image && image.length <= MAX_URL_CHARS && /^https?:/.test(image)) item.image = image;
  if (enclosureUrl && /^https?:/.test(enclosureUrl)) {
    item.enclosure = { url: enclosureUrl };
    if (raw.enclosure?.type && raw.enclosure.type.length <= MAX_MIME_TYPE_CHARS && /^[\w.+-]+\/[\w.+-]+$/.test(raw.enclosure.type)) item.enclosure.type = raw.enclosure.type;
    if (raw.enclosure?.length && Number.isFinite(raw.enclosure.length)) item.enclosure.length = Math.round(raw.enclosure.length);
  }
  const lang = language(raw.lang) ?? feedLang;
  if (lang) item.lang = lang;
  if (tags.length > 0) item.tags = tags;
  return item;
}

/** Newest first; ties broken by id so the order is stable between runs. */
export function byNewest(a: Pick<Item, "published" | "id">, b: Pick<Item, "published" | "id">): number {
  if (a.published !== b.published) return a.published < b.published ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Bumped when normalising changes its output for the same input, so that stored items are
 * normalised again rather than reused (the sanitiser's own changes are caught by `policy()`).
 */
const NORMALISE_VERSION = 2;
const CANARY_HTML =
  '<h1 class="c" style="color:red" onclick="x()">T &amp; t</h1><p lang="fr" dir="ltr" title="t">a <a href="/l" target="_blank">l</a> ' +
  '<img src="/i.png" alt="i" width="1" srcset="/i2.png 2x"><script>s</script><iframe src="https://e.example/"></iframe>' +
  '<table><tr><td colspan="2">c</td></tr></table><video src="/v.mp4"></video><b>b</b> <code>c</code> <u>u</u> <span>s</span></p>';
let policyHash: string | undefined;

/**
 * How this code reads a feed: the parser's reading of its canaries and the normalising policy. A
 * body read by another version is read again, never taken as already read.
 */
export async function readingVersion(): Promise<string> {
  return `${await readerVersion()}${policy()}`;
}

/** A hash of what normalising and sanitising make of a canary: changes when their policy does. */
function policy(): string {
  policyHash ??= stableHash(`${NORMALISE_VERSION}\n${sanitise(CANARY_HTML, "https://canary.example/")}\n${htmlToText(CANARY_HTML)}`);
  return policyHash;
}

/**
 * A hash of a raw entry (every field, as JSON) after `seed`. JSON.stringify first: the parser's
 * strings are built piece by piece, and the native serialiser flattens them far faster than a
 * character loop over them would.
 */
function fingerprintOf(seed: string, raw: RawItem): string {
  return new StableHasher().update(seed).update(JSON.stringify(raw)).digest();
}

/**
 * The fingerprint of an entry known by the hash of its bytes: that hash, then (after a dot) a
 * hash of everything else its item depends on. The part before the dot is what `readFeed` looks
 * entries up by before parsing; the whole is what it checks once the feed's context is known.
 */
function entryFingerprint(entry: string, context: string): string {
  return `${entry}.${context}`;
}

/** The entry hash of an entry fingerprint, or undefined for a fingerprint of a parsed entry's fields. */
function entryOf(fingerprint: string): string | undefined {
  const dot = fingerprint.indexOf(".");
  return dot > 0 ? fingerprint.slice(0, dot) : undefined;
}

export interface NormalisedFeed {
  items: Item[];
  /**
   * A fingerprint of each kept item's raw entry (and of the normalising policy), by item id. Given
   * back in the next `NormaliseContext.fingerprints`, it lets an entry the feed still shows
   * unchanged reuse its stored item instead of being sanitised (or even parsed) again.
   */
  fingerprints: Record<string, string>;
  /**
   * The entries the limit left out, older than every kept item: their date by entry fingerprint.
   * Given back in `NormaliseContext.older`, it lets `readFeed` leave them unparsed too while they
   * stay older than what it keeps (a feed of 500 entries costs its new ones, not 450 old ones).
   */
  older: Record<string, string>;
}

/** The stored items `readFeed` may leave unparsed, by the hash of their entry's bytes. */
function knownEntries(context: NormaliseContext): Map<string, { item: Item; fingerprint: string }> {
  const known = new Map<string, { item: Item; fingerprint: string }>();
  for (const [id, fingerprint] of Object.entries(context.fingerprints ?? {})) {
    const entry = entryOf(fingerprint);
    const item = context.previous?.get(id);
    if (entry && item) known.set(entry, { item, fingerprint });
  }
  return known;
}

/** What `readFeed` made of a feed: its items, what it read, and what it left for a later run. */
export interface ReadResult extends NormalisedFeed {
  /** Why the strict parser refused the feed, when the lenient pass read it. */
  lenient?: string;
  /** New entries left unparsed because they did not fit in the allowance: read on a later run. */
  unread: number;
  /** Characters the parser read (see `ReadFeedDocument`). */
  readChars: number;
}

/**
 * Text → the source's items, as `normaliseFeed(await parseFeed(text), …)` gives them, parsing only
 * what it must: the entries of an XML feed whose bytes match one behind a stored item (by its
 * fingerprint) are left unparsed and that item is kept, and so are the entries the limit left out
 * last time (`older`) while they stay older than the kept items. When the feed's context changed
 * (its root tag, language, base, the sanitising policy) or an older entry could make the cut, the
 * whole feed is read again. `allowance` bounds the characters of new entries parsed (the first new
 * entry is always read): the others are left for a later run (`unread`), which reads them as new.
 *
 * @example
 * const { items, fingerprints, older, lenient } = await readFeed(text, { source, feedUrl, now, previous, fingerprints: record.fingerprints, older: record.older }, 50);
 */
export async function readFeed(text: string, context: NormaliseContext, limit: number, allowance = Infinity): Promise<ReadResult> {
  const known = knownEntries(context);
  const older = new Map<string, { fingerprint: string; published: string }>();
  for (const [fingerprint, published] of Object.entries(context.older ?? {})) {
    const entry = entryOf(fingerprint);
    if (entry) older.set(entry, { fingerprint, published });
  }
  let feed: ReadFeedDocument | undefined;
  let result: NormalisedFeed | undefined;
  let readChars = 0;
  if (known.size > 0 || older.size > 0 || allowance !== Infinity) {
    feed = await parseFeed(text, new Set([...known.keys(), ...older.keys()]), allowance);
    readChars += feed.readChars;
    result = normaliseEntries(feed, context, limit, known, older);
  }
  if (!feed || !result) {
    feed = await parseFeed(text);
    readChars += feed.readChars;
    result = normaliseFeed(feed, context, limit);
  }
  return { ...result, ...(feed.lenient ? { lenient: feed.lenient } : {}), unread: feed.entries?.deferred?.size ?? 0, readChars };
}

/**
 * Turns one parsed feed into the source's items: newest first, deduplicated, at most `limit`.
 * Only the entries that make the cut are normalised (a feed of 500 entries costs 50 when the
 * limit is 50), and an entry whose fingerprint matches the stored one reuses the stored item.
 *
 * @example
 * const { items, fingerprints } = normaliseFeed(await parseFeed(text), { source, feedUrl, now, previous, fingerprints: record.fingerprints }, 50);
 */
export function normaliseFeed(feed: ParsedFeed, context: NormaliseContext, limit: number): NormalisedFeed {
  if (feed.entries?.skipped) throw new Error("normaliseFeed needs every entry parsed; use readFeed");
  return normaliseEntries(feed, context, limit, new Map(), new Map())!;
}

/**
 * `normaliseFeed` for a feed whose entries may have been left unparsed (`feed.entries.skipped`):
 * their stored items in `known`, or their dates in `older` for those the limit left out. Undefined
 * when one of them cannot be reused after all (the feed's context changed, or an older entry
 * could now make the cut): the caller parses the whole feed instead.
 */
function normaliseEntries(
  feed: ParsedFeed,
  context: NormaliseContext,
  limit: number,
  known: ReadonlyMap<string, { item: Item; fingerprint: string }>,
  older: ReadonlyMap<string, { fingerprint: string; published: string }>,
): NormalisedFeed | undefined {
  // A base longer than a URL may be is not used: it would be copied into every relative URL.
  const base = keptUrl(feed.base, context.feedUrl) ?? context.feedUrl;
  const feedLang = language(feed.lang);
  const nowIso = context.now.toISOString();
  const seed = `${policy()}\n${base}\n${feedLang ?? ""}\n`;
  const entries = feed.entries;
  const entryContext = entries ? stableHash(`${seed}${feed.format}\n${entries.context}`) : "";
  let candidates: Candidate[];
  /** Unparsed entries the limit left out last time: they must stay out. */
  const stillOlder: { fingerprint: string; published: string }[] = [];
  if (entries) {
    candidates = [];
    let next = 0;
    for (const entry of entries.hashes) {
      if (entries.skipped?.has(entry)) {
        // A new entry that did not fit in this run's allowance: neither kept nor counted older.
        if (entries.deferred?.has(entry)) continue;
        const stored = known.get(entry);
        if (!stored) {
          const old = older.get(entry);
          if (old?.fingerprint !== entryFingerprint(entry, entryContext)) return undefined;
          stillOlder.push(old);
          continue;
        }
        if (stored.fingerprint !== entryFingerprint(entry, entryContext)) return undefined;
        const { item } = stored;
        candidates.push({ id: item.id, ...(item.url ? { link: item.url } : {}), published: item.published, entry, settled: true, dated: true, stored });
      } else {
        candidates.push({ ...candidateOf(feed.items[next++]!, base, context, nowIso), entry });
      }
    }
  } else {
    candidates = feed.items.map((raw) => candidateOf(raw, base, context, nowIso));
  }
  candidates.sort(byNewest);
  const ids = new Set<string>();
  const urls = new Set<string>();
  const chosen: Candidate[] = [];
  for (const candidate of candidates) {
    if (chosen.length >= limit) break;
    if (ids.has(candidate.id) || (candidate.link !== undefined && urls.has(candidate.link))) continue;
    ids.add(candidate.id);
    if (candidate.link !== undefined) urls.add(candidate.link);
    chosen.push(candidate);
  }
  // The cut: what the limit leaves out is older than the last kept item (ties cannot be told
  // apart without the entry's id, so an entry as old as the cut is parsed again next time).
  const cut = chosen.length >= limit ? chosen[chosen.length - 1]!.published : undefined;
  if (stillOlder.length > 0 && (cut === undefined || stillOlder.some((entry) => entry.published >= cut))) return undefined;
  const olderOut: Record<string, string> = {};
  for (const entry of stillOlder) olderOut[entry.fingerprint] = entry.published;
  if (cut !== undefined) {
    const kept = new Set(chosen);
    for (const candidate of candidates) {
      if (kept.has(candidate) || !candidate.entry || !candidate.settled || !candidate.dated || candidate.published >= cut) continue;
      olderOut[candidate.stored?.fingerprint ?? entryFingerprint(candidate.entry, entryContext)] = candidate.published;
    }
  }
  const fingerprints: Record<string, string> = {};
  const items = chosen.map((candidate) => {
    if (!candidate.raw) {
      fingerprints[candidate.id] = candidate.stored!.fingerprint;
      return candidate.stored!.item;
    }
    // An entry known by its bytes can be left unparsed next time, unless its date moves each run.
    const fingerprint =
      candidate.entry && candidate.settled ? entryFingerprint(candidate.entry, entryContext) : fingerprintOf(seed, candidate.raw);
    fingerprints[candidate.id] = fingerprint;
    const stored = context.previous?.get(candidate.id);
    if (stored && stored.published === candidate.published && context.fingerprints?.[candidate.id] === fingerprint) return stored;
    return normaliseItem(candidate as Candidate & { raw: RawItem }, base, feedLang, context);
  });
  return { items, fingerprints, older: olderOut };
}

/**
 * Turns one parsed feed into the source's items: newest first, deduplicated, at most `limit`.
 *
 * @example
 * normalise(await parseFeed(text), { source, feedUrl, now: new Date() }, 50)
 */
export function normalise(feed: ParsedFeed, context: NormaliseContext, limit: number): Item[] {
  return normaliseFeed(feed, context, limit).items;
}
