/**
 * @module The merged timeline as RSS 2.0, Atom (RFC 4287) and JSON Feed 1.1. Pure functions of a
 * `FeedDocument`; every string is escaped here, every item says which source it came from.
 *
 * Written by hand rather than with a generator library: each item needs its source (RSS `source`,
 * Atom `source`, a JSON Feed extension) and the output must pass the W3C validator with no
 * warnings, which takes control over every element.
 */
import type { Item, Source } from "../model.ts";

export interface FeedDocument {
  title: string;
  description: string;
  /** The person's home page. */
  homeUrl: string;
  /** This document's own canonical URL (rel=self). */
  selfUrl: string;
  /** The WebSub hub announced with rel=hub (profile.json `websub.hub`). */
  hub?: string;
  lang: string;
  author: { name: string; url: string; avatar?: string };
  /** When the content last changed (ISO). */
  updated: string;
  items: readonly Item[];
  sources: ReadonlyMap<string, Source>;
  /** The original feed URL of each source, for RSS `source url` and Atom `source`. */
  sourceFeeds: ReadonlyMap<string, string>;
}

// XML 1.0 forbids most control characters, even escaped; feeds carry them all the same.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for XML element content and attribute values. */
export function xml(text: string): string {
  return text
    .replace(INVALID_XML, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

const TAG_DATE = "2026";

/**
 * A permanent, valid IRI for an item: its own id when that is already a URI of a registered
 * scheme readers and validators know (http, https, tag, urn), else a tag: URI under the home
 * host (Bluesky's at:// and YouTube's yt:video: ids become tag:camille.example,2026:source/id).
 */
export function itemGuid(item: Item, homeUrl: string): string {
  if (/^(?:https?:\/\/\S+|tag:\S+|urn:[a-z0-9][a-z0-9-]{0,31}:\S+)$/i.test(item.id)) return item.id;
  const host = new URL(homeUrl).hostname;
  return `tag:${host},${TAG_DATE}:${encodeURIComponent(item.source)}/${encodeURIComponent(item.id)}`;
}

function rfc822(iso: string): string {
  return new Date(iso).toUTCString();
}

function sourceName(document: FeedDocument, item: Item): string {
  const source = document.sources.get(item.source);
  return source ? (source.label === source.serviceName ? source.serviceName : `${source.label} (${source.serviceName})`) : item.source;
}

function contentOf(item: Item): string {
  return item.content_html || (item.summary ? `<p>${xml(item.summary)}</p>` : "");
}

/** RSS 2.0 with atom:link rel=self, content:encoded for full HTML and dc:creator for authors. */
export function renderRss(document: FeedDocument): string {
  const out: string[] = [];
  out.push(
    '<?xml version="1.0" encoding="utf-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">',
    "<channel>",
    `<title>${xml(document.title)}</title>`,
    `<link>${xml(document.homeUrl)}</link>`,
    `<description>${xml(document.description || document.title)}</description>`,
    `<language>${xml(document.lang)}</language>`,
    `<lastBuildDate>${rfc822(document.updated)}</lastBuildDate>`,
    `<generator>m2</generator>`,
    `<atom:link href="${xml(document.selfUrl)}" rel="self" type="application/rss+xml"/>`,
  );
  if (document.hub) out.push(`<atom:link href="${xml(document.hub)}" rel="hub"/>`);
  for (const item of document.items) {
    const guid = itemGuid(item, document.homeUrl);
    const permalink = item.url !== undefined && guid === item.url;
    out.push("<item>", `<title>${xml(item.title)}</title>`);
    if (item.url) out.push(`<link>${xml(item.url)}</link>`);
    out.push(`<guid isPermaLink="${permalink}">${xml(guid)}</guid>`, `<pubDate>${rfc822(item.published)}</pubDate>`);
    if (item.summary) out.push(`<description>${xml(item.summary)}</description>`);
    const content = contentOf(item);
    if (content) out.push(`<content:encoded>${xml(content)}</content:encoded>`);
    if (item.author?.name) out.push(`<dc:creator>${xml(item.author.name)}</dc:creator>`);
    for (const tag of item.tags ?? []) out.push(`<category>${xml(tag)}</category>`);
    const feed = document.sourceFeeds.get(item.source);
    if (feed) out.push(`<source url="${xml(feed)}">${xml(sourceName(document, item))}</source>`);
    if (item.enclosure?.type && item.enclosure.length) {
      out.push(`<enclosure url="${xml(item.enclosure.url)}" length="${item.enclosure.length}" type="${xml(item.enclosure.type)}"/>`);
    }
    out.push("</item>");
  }
  out.push("</channel>", "</rss>", "");
  return out.join("\n");
}

/** Atom 1.0: every entry has id, title, updated, and an atom:source naming its account. */
export function renderAtom(document: FeedDocument): string {
  const out: string[] = [];
  out.push(
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${xml(document.lang)}">`,
    `<id>${xml(document.selfUrl)}</id>`,
    `<title>${xml(document.title)}</title>`,
  );
  if (document.description) out.push(`<subtitle>${xml(document.description)}</subtitle>`);
  out.push(
    `<updated>${document.updated}</updated>`,
    `<link rel="self" type="application/atom+xml" href="${xml(document.selfUrl)}"/>`,
    ...(document.hub ? [`<link rel="hub" href="${xml(document.hub)}"/>`] : []),
    `<link rel="alternate" type="text/html" href="${xml(document.homeUrl)}"/>`,
    `<author><name>${xml(document.author.name)}</name><uri>${xml(document.author.url)}</uri></author>`,
    `<generator>m2</generator>`,
  );
  if (document.author.avatar) out.push(`<icon>${xml(document.author.avatar)}</icon>`);
  for (const item of document.items) {
    const source = document.sources.get(item.source);
    const feed = document.sourceFeeds.get(item.source);
    out.push(item.lang ? `<entry xml:lang="${xml(item.lang)}">` : "<entry>");
    out.push(
      `<id>${xml(itemGuid(item, document.homeUrl))}</id>`,
      `<title type="text">${xml(item.title)}</title>`,
      `<published>${item.published}</published>`,
      `<updated>${item.updated ?? item.published}</updated>`,
    );
    if (item.url) out.push(`<link rel="alternate" type="text/html" href="${xml(item.url)}"/>`);
    if (item.author?.name) {
      out.push(`<author><name>${xml(item.author.name)}</name>${item.author.url ? `<uri>${xml(item.author.url)}</uri>` : ""}</author>`);
    }
    for (const tag of item.tags ?? []) out.push(`<category term="${xml(tag)}"/>`);
    const content = contentOf(item);
    if (item.summary && item.summary !== content) out.push(`<summary type="text">${xml(item.summary)}</summary>`);
    if (content) out.push(`<content type="html">${xml(content)}</content>`);
    if (item.enclosure) {
      const type = item.enclosure.type ? ` type="${xml(item.enclosure.type)}"` : "";
      const length = item.enclosure.length ? ` length="${item.enclosure.length}"` : "";
      out.push(`<link rel="enclosure" href="${xml(item.enclosure.url)}"${type}${length}/>`);
    }
    if (source) {
      out.push(
        "<source>",
        `<id>${xml(feed ?? source.url)}</id>`,
        `<title>${xml(sourceName(document, item))}</title>`,
        `<link rel="alternate" href="${xml(source.url)}"/>`,
        ...(feed ? [`<link rel="self" href="${xml(feed)}"/>`] : []),
        `<updated>${document.updated}</updated>`,
        "</source>",
      );
    }
    out.push("</entry>");
  }
  out.push("</feed>", "");
  return out.join("\n");
}

/** JSON Feed 1.1, with an `_m2` extension on each item naming its source. */
export function renderJsonFeed(document: FeedDocument): string {
  const author = { name: document.author.name, url: document.author.url, ...(document.author.avatar ? { avatar: document.author.avatar } : {}) };
  const feed = {
    version: "https://jsonfeed.org/version/1.1",
    title: document.title,
    home_page_url: document.homeUrl,
    feed_url: document.selfUrl,
    ...(document.hub ? { hubs: [{ type: "WebSub", url: document.hub }] } : {}),
    ...(document.description ? { description: document.description } : {}),
    ...(document.author.avatar ? { icon: document.author.avatar } : {}),
    language: document.lang,
    authors: [author],
    items: document.items.map((item) => {
      const source = document.sources.get(item.source);
      return {
        id: itemGuid(item, document.homeUrl),
        ...(item.url ? { url: item.url } : {}),
        title: item.title,
        content_html: contentOf(item),
        ...(item.summary ? { summary: item.summary } : {}),
        ...(item.image ? { image: item.image } : {}),
        date_published: item.published,
        ...(item.updated ? { date_modified: item.updated } : {}),
        ...(item.author?.name ? { authors: [{ name: item.author.name, ...(item.author.url ? { url: item.author.url } : {}) }] } : {}),
        ...(item.tags ? { tags: item.tags } : {}),
        ...(item.lang ? { language: item.lang } : {}),
        ...(item.enclosure
          ? { attachments: [{ url: item.enclosure.url, mime_type: item.enclosure.type ?? "application/octet-stream", ...(item.enclosure.length ? { size_in_bytes: item.enclosure.length } : {}) }] }
          : {}),
        _m2: {
          source: item.source,
          ...(source ? { source_name: sourceName(document, item), source_url: source.url, service: source.service } : {}),
          ...(document.sourceFeeds.get(item.source) ? { source_feed: document.sourceFeeds.get(item.source) } : {}),
        },
      };
    }),
  };
  return JSON.stringify(feed, null, 2);
}
