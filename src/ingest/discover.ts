/**
 * @module Feed discovery: reads an account's page once and finds its feeds from
 * `<link rel="alternate" type="application/rss+xml | application/atom+xml | application/feed+json">`,
 * with htmlparser2 (a real HTML parser, never regexes). Used for accounts whose feed is neither
 * configured nor derivable from the URL: a personal blog, a YouTube @handle.
 */
import { Parser } from "htmlparser2";
import { decodeFeed } from "./decode.ts";
import type { Failure } from "../model.ts";
import { HTML_ACCEPT, politeFetch } from "./fetch.ts";

/** Feed types in order of preference; within a type, the first link in the page wins. */
export const FEED_TYPES = ["application/rss+xml", "application/atom+xml", "application/feed+json"] as const;

/** Pages are read up to this size: the <head> is all discovery needs. */
export const MAX_PAGE_BYTES = 1_000_000;

export interface FeedLink {
  /** Absolute URL, resolved against <base href> and the page's URL. */
  href: string;
  type: (typeof FEED_TYPES)[number];
  title?: string;
}

const CHUNK = 8192;

/**
 * Every feed a page advertises, in document order. Parsing stops at `<body>` (or `</head>`):
 * the links live in the head, and a large page then costs little CPU.
 *
 * @example
 * findFeedLinks('<link rel="alternate" type="application/rss+xml" href="/feed/">', "https://blog.example/")
 * // → [{ href: "https://blog.example/feed/", type: "application/rss+xml" }]
 */
export function findFeedLinks(html: string, pageUrl: string): FeedLink[] {
  const found: { href: string; type: FeedLink["type"]; title?: string }[] = [];
  let base: string | undefined;
  let done = false;
  const stop = () => {
    done = true;
    // Stops the tokenizer inside the current chunk: the rest of the page costs nothing.
    parser.pause();
  };
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (done) return;
        if (name === "body") return stop();
        if (name === "base" && base === undefined && attributes["href"]) {
          base = attributes["href"];
          return;
        }
        if (name !== "link") return;
        const rel = (attributes["rel"] ?? "").toLowerCase().split(/\s+/);
        const type = (attributes["type"] ?? "").split(";")[0]!.trim().toLowerCase();
        const href = attributes["href"]?.trim();
        if (!rel.includes("alternate") || !href || !(FEED_TYPES as readonly string[]).includes(type)) return;
        const title = attributes["title"];
        found.push({ href, type: type as FeedLink["type"], ...(title ? { title } : {}) });
      },
      onclosetag(name) {
        if (name === "head" && !done) stop();
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  for (let offset = 0; offset < html.length && !done; offset += CHUNK) parser.write(html.slice(offset, offset + CHUNK));
  if (!done) parser.end();

  // <base href> may itself be relative; it applies to every link in the document.
  const baseUrl = (base !== undefined ? URL.parse(base, pageUrl)?.href : undefined) ?? pageUrl;
  const links: FeedLink[] = [];
  for (const link of found) {
    const href = URL.parse(link.href, baseUrl);
    if (href && (href.protocol === "https:" || href.protocol === "http:")) links.push({ ...link, href: href.href });
  }
  return links;
}

/** Comment feeds (WordPress lists them beside the posts feed) are not the account's posts. */
const COMMENTS = /\bcomments?\b|\bcommentaires?\b/i;

/** The feed to follow: the first link of the most preferred type, posts feeds before comment feeds. */
export function pickFeed(links: readonly FeedLink[]): FeedLink | undefined {
  const posts = links.filter((link) => !COMMENTS.test(link.title ?? ""));
  for (const candidates of [posts, links]) {
    for (const type of FEED_TYPES) {
      const link = candidates.find((candidate) => candidate.type === type);
      if (link) return link;
    }
  }
  return undefined;
}

export type DiscoveryOutcome =
  | { kind: "found"; feed: string; page: string; subrequests: number }
  | { kind: "none"; page: string; subrequests: number }
  /** The page could not be read: a `Failure` of stage "page". */
  | { kind: "failed"; failure: Failure; retryAfter?: number; subrequests: number }
  | { kind: "budget-spent"; subrequests: number };

export interface DiscoveryOptions {
  userAgent: string;
  timeoutMs: number;
  fetcher?: typeof fetch;
  maxRedirects?: number;
}

/** Fetches the account page (≤ 1 MB, as HTML) and picks its feed. Never throws. */
export async function discoverFeed(pageUrl: string, options: DiscoveryOptions): Promise<DiscoveryOutcome> {
  const outcome = await politeFetch(pageUrl, {
    userAgent: options.userAgent,
    accept: HTML_ACCEPT,
    timeoutMs: options.timeoutMs,
    maxBytes: MAX_PAGE_BYTES,
    maxRedirects: options.maxRedirects ?? 5,
    ...(options.fetcher ? { fetcher: options.fetcher } : {}),
  });
  if (outcome.kind === "budget-spent") return outcome;
  if (outcome.kind === "failed") {
    return {
      kind: "failed",
      failure: { ...outcome.failure, stage: "page" },
      subrequests: outcome.subrequests,
      ...(outcome.retryAfter !== undefined ? { retryAfter: outcome.retryAfter } : {}),
    };
  }
  if (outcome.kind === "not-modified") return { kind: "none", page: outcome.url, subrequests: outcome.subrequests };
  const feed = pickFeed(findFeedLinks(decodeFeed(outcome.body, outcome.contentType), outcome.url));
  return feed
    ? { kind: "found", feed: feed.href, page: outcome.url, subrequests: outcome.subrequests }
    : { kind: "none", page: outcome.url, subrequests: outcome.subrequests };
}
