/**
 * @module `ParsedFeed` → `Item[]`: stable ids, absolute URLs, titles for untitled posts, sanitised
 * content, plain summaries, sane dates. Pure: the clock and earlier items come in as arguments.
 */
import type { Item, Source } from "../model.ts";
import type { ParsedFeed, RawItem } from "./parse.ts";
import { stableHash } from "../hash.ts";
import { absoluteUrl, htmlToText, sanitise, truncate } from "./sanitise.ts";

const TITLE_LENGTH = 80;
const SUMMARY_LENGTH = 300;
const MAX_TAGS = 10;

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

function looksLikeHtml(text: string): boolean {
  return /<[a-z][\s\S]*>|&[#a-z0-9]+;/i.test(text);
}

function firstImage(html: string): string | undefined {
  // `html` is our own sanitiser's output: attributes are always double-quoted and escaped.
  const src = /<img\b[^>]*?\ssrc="([^"]+)"/.exec(html)?.[1];
  return src?.replace(/&amp;/g, "&");
}

function language(value: string | undefined): string | undefined {
  const tag = value?.trim();
  return tag && /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$/.test(tag) ? tag.replace(/_/g, "-") : undefined;
}

export interface NormaliseContext {
  source: Source;
  /** The URL the feed was fetched from: the base of last resort for relative URLs. */
  feedUrl: string;
  now: Date;
  /** Items stored from earlier fetches, by id: an undated item keeps its first-seen time. */
  previous?: ReadonlyMap<string, Item>;
}

function normaliseItem(raw: RawItem, base: string, feedLang: string | undefined, context: NormaliseContext): Item {
  const { source, now } = context;
  const link = absoluteUrl(raw.link, base);
  const rawHtml = raw.html ?? (raw.text ? textToHtml(raw.text) : "");
  // Some feeds (Bluesky) put plain text in description: keep its line breaks.
  const html = rawHtml && !looksLikeHtml(rawHtml) ? textToHtml(rawHtml) : rawHtml;
  const content_html = html ? sanitise(html, base) : "";
  const text = htmlToText(content_html) || (raw.text ?? "").trim();
  const summarySource = raw.summaryHtml ? htmlToText(raw.summaryHtml) : text;
  const givenTitle = raw.title ? truncate(htmlToText(raw.title), 200) : "";
  const generatedTitle = titleFromText(text);

  const id = raw.id?.trim() || link || `hash:${stableHash(`${raw.title ?? ""}\n${rawHtml}\n${raw.published ?? ""}`)}`;
  const nowIso = now.toISOString();
  const given = isoDate(raw.published) ?? isoDate(raw.updated);
  const published = given ? (given > nowIso ? nowIso : given) : (context.previous?.get(id)?.published ?? nowIso);
  const updatedGiven = isoDate(raw.updated);
  const updated = updatedGiven && updatedGiven > published && updatedGiven <= nowIso ? updatedGiven : undefined;

  const author = raw.author ? truncate(htmlToText(raw.author), 100) : undefined;
  const authorUrl = absoluteUrl(raw.authorUrl, base);
  const enclosureUrl = absoluteUrl(raw.enclosure?.url, base);
  const tags = (raw.tags ?? [])
    .map((tag) => truncate(htmlToText(tag), 50))
    .filter((tag) => tag !== "")
    .slice(0, MAX_TAGS);

  const item: Item = {
    id,
    source: source.id,
    title: givenTitle || generatedTitle || source.label,
    titleGenerated: givenTitle === "",
    content_html,
    summary: truncate(summarySource, SUMMARY_LENGTH),
    published,
  };
  if (link) item.url = link;
  if (updated) item.updated = updated;
  if (author || authorUrl) item.author = { ...(author ? { name: author } : {}), ...(authorUrl ? { url: authorUrl } : {}) };
  const image = absoluteUrl(raw.image, base) ?? firstImage(content_html);
  if (image && /^https?:/.test(image)) item.image = image;
  if (enclosureUrl && /^https?:/.test(enclosureUrl)) {
    item.enclosure = { url: enclosureUrl };
    if (raw.enclosure?.type && /^[\w.+-]+\/[\w.+-]+$/.test(raw.enclosure.type)) item.enclosure.type = raw.enclosure.type;
    if (raw.enclosure?.length && Number.isFinite(raw.enclosure.length)) item.enclosure.length = Math.round(raw.enclosure.length);
  }
  const lang = language(raw.lang) ?? feedLang;
  if (lang) item.lang = lang;
  if (tags.length > 0) item.tags = tags;
  return item;
}

/** Newest first; ties broken by id so the order is stable between runs. */
export function byNewest(a: Item, b: Item): number {
  if (a.published !== b.published) return a.published < b.published ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Drops later duplicates: same source and id, or same permalink. Expects newest-first input. */
export function dedupe(items: Iterable<Item>): Item[] {
  const ids = new Set<string>();
  const urls = new Set<string>();
  const kept: Item[] = [];
  for (const item of items) {
    const key = `${item.source}\u0000${item.id}`;
    if (ids.has(key) || (item.url !== undefined && urls.has(item.url))) continue;
    ids.add(key);
    if (item.url !== undefined) urls.add(item.url);
    kept.push(item);
  }
  return kept;
}

/**
 * Turns one parsed feed into the source's items: newest first, deduplicated, at most `limit`.
 *
 * @example
 * normalise(await parseFeed(text), { source, feedUrl, now: new Date() }, 50)
 */
export function normalise(feed: ParsedFeed, context: NormaliseContext, limit: number): Item[] {
  const base = absoluteUrl(feed.base, context.feedUrl) ?? context.feedUrl;
  const feedLang = language(feed.lang);
  const items = newestRaw(feed.items, limit).map((raw) => normaliseItem(raw, base, feedLang, context));
  return dedupe(items.sort(byNewest)).slice(0, limit);
}

/**
 * A feed of thousands of items keeps only `limit` of them: sanitising the rest would spend CPU
 * (10 ms per invocation on Workers Free) on items thrown away. Picks the newest by their raw
 * dates, with room for duplicates; undated items count as newest (they get the first-seen time).
 */
function newestRaw(items: RawItem[], limit: number): RawItem[] {
  const room = limit * 2 + 10;
  if (items.length <= room) return items;
  const time = (raw: RawItem) => {
    const iso = isoDate(raw.published) ?? isoDate(raw.updated);
    return iso === undefined ? Number.POSITIVE_INFINITY : Date.parse(iso);
  };
  return items
    .map((raw, index) => ({ raw, index, time: time(raw) }))
    .sort((a, b) => b.time - a.time || a.index - b.index)
    .slice(0, room)
    .sort((a, b) => a.index - b.index)
    .map((entry) => entry.raw);
}

/** Merges the sources' items into one timeline: newest first, deduplicated, at most `limit`. */
export function mergeTimeline(lists: Iterable<readonly Item[]>, limit: number): Item[] {
  const all: Item[] = [];
  for (const list of lists) all.push(...list);
  return dedupe(all.sort(byNewest)).slice(0, limit);
}
