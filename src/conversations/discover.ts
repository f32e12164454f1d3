/**
 * @module Webmention endpoint discovery (W3C Webmention §3.1.2, the webmention.rocks discovery
 * tests 1–23): the target is fetched (redirects followed, each hop one subrequest); the first
 * `Link` header link with rel `webmention` wins, else the first `<link>` or `<a>` of the HTML with
 * rel `webmention` and an href; either is resolved against the URL reached after the redirects,
 * its query string kept.
 */
import { decodeFeed } from "../ingest/decode.ts";
import { HTML_ACCEPT, politeFetch, userAgentFor, type FetchFailure, type FetchOutcome } from "../ingest/fetch.ts";
import { endpointInHtml, resolveHttp } from "./html-links.ts";
import { parseLinkHeader } from "./link-header.ts";
import { MAX_PAGE_BYTES, MAX_REDIRECTS } from "./limits.ts";

export interface FetchSettings {
  home: string;
  timeoutMs: number;
  maxBytes: number;
  fetcher: typeof fetch;
}

/** A page the conversations read (a target to discover, a source to verify): HTML, within `MAX_PAGE_BYTES`. */
export function fetchPage(url: string, settings: FetchSettings): Promise<FetchOutcome> {
  return politeFetch(url, {
    userAgent: userAgentFor(settings.home),
    accept: HTML_ACCEPT,
    timeoutMs: settings.timeoutMs,
    maxBytes: Math.min(settings.maxBytes, MAX_PAGE_BYTES),
    maxRedirects: MAX_REDIRECTS,
    fetcher: settings.fetcher,
  });
}

export type Discovery =
  | { kind: "found"; endpoint: string; subrequests: number }
  | { kind: "none"; subrequests: number }
  | { kind: "failed"; failure: FetchFailure; subrequests: number }
  | { kind: "budget-spent"; subrequests: number };

const isHtml = (type: string | null) => {
  const base = (type ?? "text/html").split(";")[0]!.trim().toLowerCase();
  return base === "text/html" || base === "application/xhtml+xml";
};

/**
 * The Webmention endpoint of `target`.
 *
 * @example
 * await discoverEndpoint("https://webmention.rocks/test/1", settings) // → { kind: "found", endpoint: "https://webmention.rocks/test/1/webmention", … }
 */
export async function discoverEndpoint(target: string, settings: FetchSettings): Promise<Discovery> {
  const outcome = await fetchPage(target, settings);
  if (outcome.kind === "budget-spent") return outcome;
  if (outcome.kind === "failed") return { kind: "failed", failure: outcome.failure, subrequests: outcome.subrequests };
  if (outcome.kind === "not-modified") return { kind: "none", subrequests: outcome.subrequests };
  const { subrequests } = outcome;
  for (const link of parseLinkHeader(outcome.link ?? null)) {
    if (!link.rels.includes("webmention")) continue;
    const endpoint = resolveHttp(link.uri, outcome.url);
    if (endpoint) return { kind: "found", endpoint, subrequests };
  }
  if (!isHtml(outcome.contentType)) return { kind: "none", subrequests };
  const endpoint = endpointInHtml(decodeFeed(outcome.body, outcome.contentType), outcome.url);
  return endpoint ? { kind: "found", endpoint, subrequests } : { kind: "none", subrequests };
}
