/**
 * @module What a verified Webmention says, read from its source page: whether the page links to
 * the target (an element's URL attribute equal to it, see html-links.ts: never a substring
 * search), and from its microformats (microformats-parser) the author (name, photo, url), the kind
 * (reply `in-reply-to`, like `like-of`, repost `repost-of`, bookmark `bookmark-of`, else mention),
 * the content through the one allowlist (ingest/sanitise.ts) and the date.
 */
import { mf2 } from "microformats-parser";
import { sanitiseWithin, truncate } from "../ingest/sanitise.ts";
import { linksIn, resolveHttp } from "./html-links.ts";
import { MAX_AUTHOR_NAME_CHARS, MAX_MENTION_CONTENT_CHARS, MAX_MENTION_TEXT_CHARS } from "./limits.ts";

export type MentionKind = "reply" | "like" | "repost" | "bookmark" | "mention";

/** A mention as stored and shown: every string bounded, every URL absolute http(s), the HTML sanitised. */
export interface MentionData {
  kind: MentionKind;
  /** The mention's own URL (its u-url, else the source). */
  url: string;
  author: { name: string; url?: string; photo?: string };
  /** Sanitised HTML (e-content), or empty. */
  contentHtml: string;
  /** Plain text when there is no HTML (p-content, p-summary, p-name). */
  contentText: string;
  /** ISO 8601, when the source says. */
  published?: string;
}

type Mf2Item = { type?: string[]; properties: Record<string, unknown[]>; children?: Mf2Item[]; value?: unknown; html?: string };

const KINDS: [string, MentionKind][] = [
  ["in-reply-to", "reply"],
  ["like-of", "like"],
  ["repost-of", "repost"],
  ["bookmark-of", "bookmark"],
];

/** A property value's URL: a plain string, an h-cite's u-url, or a `{ value }`. */
function urlOf(value: unknown, base: string): string | undefined {
  if (typeof value === "string") return resolveHttp(value, base);
  if (typeof value === "object" && value !== null) {
    const item = value as Mf2Item;
    const url = item.properties?.url?.[0];
    if (typeof url === "string") return resolveHttp(url, base);
    if (typeof item.value === "string") return resolveHttp(item.value, base);
  }
  return undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value === "string") return value.trim() || undefined;
  if (typeof value === "object" && value !== null && typeof (value as Mf2Item).value === "string") return ((value as Mf2Item).value as string).trim() || undefined;
  return undefined;
}

function photoOf(value: unknown, base: string): string | undefined {
  if (typeof value === "string") return resolveHttp(value, base);
  if (typeof value === "object" && value !== null && typeof (value as Mf2Item).value === "string") return resolveHttp((value as Mf2Item).value as string, base);
  return undefined;
}

/** The first h-entry of the page: top level, else a child of an h-feed. */
function entryOf(items: Mf2Item[]): Mf2Item | undefined {
  for (const item of items) if (item.type?.includes("h-entry")) return item;
  for (const item of items) for (const child of item.children ?? []) if (child.type?.includes("h-entry")) return child;
  return undefined;
}

function authorOf(entry: Mf2Item | undefined, items: Mf2Item[], base: string): MentionData["author"] {
  const value = entry?.properties.author?.[0] ?? items.find((item) => item.type?.includes("h-card"));
  let name: string | undefined;
  let url: string | undefined;
  let photo: string | undefined;
  if (typeof value === "string") {
    url = resolveHttp(value, base);
    name = url ? undefined : value.trim();
  } else if (typeof value === "object" && value !== null) {
    const card = value as Mf2Item;
    name = text(card.properties?.name?.[0]);
    url = urlOf(card.properties?.url?.[0], base);
    photo = photoOf(card.properties?.photo?.[0], base);
  }
  const fallback = new URL(base).hostname;
  return { name: truncate(name || (url ? new URL(url).hostname : fallback), MAX_AUTHOR_NAME_CHARS), ...(url ? { url } : {}), ...(photo ? { photo } : {}) };
}

/** True when the page links to `target` (an attribute equal to it, fragments aside). */
export function linksTo(html: string, pageUrl: string, target: string): boolean {
  const wanted = resolveHttp(target, target);
  return wanted !== undefined && linksIn(html, pageUrl).has(wanted);
}

/**
 * The mention a source page makes of `target`.
 *
 * @example
 * readMention(html, "https://alex.example/replies/1", "https://camille.example/notes/abc") // → { kind: "reply", author: { name: "Alex" }, … }
 */
export function readMention(html: string, pageUrl: string, target: string): MentionData {
  const parsed = mf2(html, { baseUrl: pageUrl }) as unknown as { items: Mf2Item[] };
  const entry = entryOf(parsed.items);
  const wanted = resolveHttp(target, target);
  const properties = entry?.properties ?? {};
  const kind = KINDS.find(([property]) => (properties[property] ?? []).some((value) => urlOf(value, pageUrl) === wanted))?.[1] ?? "mention";
  const content = properties.content?.[0];
  const contentHtml = typeof content === "object" && content !== null && typeof (content as Mf2Item).html === "string" ? sanitiseWithin((content as Mf2Item).html!, pageUrl, MAX_MENTION_CONTENT_CHARS) : "";
  const plain = text(content) ?? text(properties.summary?.[0]) ?? text(properties.name?.[0]) ?? "";
  const published = text(properties.published?.[0]);
  const date = published && !Number.isNaN(Date.parse(published)) ? new Date(published).toISOString() : undefined;
  return {
    kind,
    url: urlOf(properties.url?.[0], pageUrl) ?? pageUrl,
    author: authorOf(entry, parsed.items, pageUrl),
    contentHtml,
    contentText: contentHtml ? "" : truncate(plain, MAX_MENTION_TEXT_CHARS),
    ...(date ? { published: date } : {}),
  };
}
