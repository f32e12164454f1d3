/**
 * @module Polite, bounded HTTP for feeds and pages: a User-Agent naming m2 and the home URL, a
 * timeout over the whole exchange, a body size cap, at most N redirects followed by hand (each hop
 * is a subrequest, and none goes from https down to http), conditional GET, and Retry-After. Never
 * throws: every failure is an outcome carrying its `FailureKind`, set here where it happens.
 */
import type { Failure } from "../model.ts";
import { BudgetExhausted } from "./budget.ts";
import { MAX_VALIDATOR_CHARS } from "./limits.ts";
import { readUpTo, untilAborted } from "../stream.ts";

export interface Validators {
  etag?: string;
  lastModified?: string;
}

export interface FetchOptions {
  userAgent: string;
  accept: string;
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  validators?: Validators;
  /** Injected for tests and benchmarks; the global fetch by default. */
  fetcher?: typeof fetch;
  /** The clock Retry-After dates are read against (ms since the epoch); Date.now() by default. */
  now?: number;
}

/** A failure of one fetch: the caller, who knows whether it read a feed or a page, adds the stage. */
export type FetchFailure = Omit<Failure, "stage">;

export type FetchOutcome =
  | ({
      kind: "fetched";
      body: Uint8Array;
      contentType: string | null;
      url: string;
      movedTo?: string;
      subrequests: number;
      /** The answer's `Link` header (several joined by ", "), for Webmention discovery. */
      link?: string;
    } & Validators)
  | ({ kind: "not-modified"; url: string; movedTo?: string; subrequests: number } & Validators)
  | {
      kind: "failed";
      /** `gone` (410) means the feed will not come back. */
      failure: FetchFailure;
      /** Seconds the server asked us to wait (429/503 Retry-After). */
      retryAfter?: number;
      movedTo?: string;
      subrequests: number;
    }
  /** The invocation's subrequest budget ran out before the answer: not a failure of the URL. */
  | { kind: "budget-spent"; subrequests: number };

/** Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), capped at a week. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  const seconds = /^\d+$/.test(trimmed) ? Number(trimmed) : (Date.parse(trimmed) - now) / 1000;
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(Math.max(0, Math.round(seconds)), 7 * 24 * 3600);
}

function thrownFailure(error: unknown, timeoutMs: number): FetchFailure {
  const name = (error as Error)?.name;
  if (name === "TimeoutError" || name === "AbortError") return { kind: "timeout", detail: `no complete answer within ${Math.round(timeoutMs / 1000)} s` };
  return { kind: "network", detail: `could not connect (${(error as Error)?.message ?? String(error)})` };
}

/**
 * Fetches `url` with the given limits.
 *
 * @example
 * const outcome = await politeFetch("https://mastodon.social/@camille.rss", { userAgent, accept: FEED_ACCEPT, timeoutMs: 10_000, maxBytes: 5e6, maxRedirects: 5 });
 * if (outcome.kind === "fetched") decodeFeed(outcome.body, outcome.contentType);
 */
export async function politeFetch(url: string, options: FetchOptions): Promise<FetchOutcome> {
  const fetcher = options.fetcher ?? fetch;
  const signal = AbortSignal.timeout(options.timeoutMs);
  let current = url;
  let movedTo: string | undefined;
  let permanentSoFar = true;
  let subrequests = 0;
  const visited = new Set<string>();
  try {
    for (let hop = 0; ; hop++) {
      visited.add(current);
      const headers: Record<string, string> = { "User-Agent": options.userAgent, Accept: options.accept };
      // Validators belong to the URL they came from; after a redirect they may not apply.
      if (hop === 0 || movedTo === current) {
        if (options.validators?.etag) headers["If-None-Match"] = options.validators.etag;
        if (options.validators?.lastModified) headers["If-Modified-Since"] = options.validators.lastModified;
      }
      subrequests++;
      const response = await untilAborted(Promise.resolve().then(() => fetcher(current, { headers, redirect: "manual", signal })), signal);
      const { status } = response;
      if (status >= 300 && status < 400 && status !== 304) {
        await response.body?.cancel();
        const location = response.headers.get("location");
        const next = location ? URL.parse(location, current)?.href : undefined;
        const redirectFailure = (detail: string): FetchOutcome => ({ kind: "failed", failure: { kind: "redirect", detail, status }, movedTo, subrequests });
        if (!next || !/^https?:$/.test(new URL(next).protocol)) return redirectFailure(`HTTP ${status} redirect without a usable Location`);
        // A downgrade would let anyone on the path rewrite the feed, and a 301 would make it permanent.
        if (/^https:/i.test(current) && next.startsWith("http:")) return redirectFailure(`HTTP ${status} redirect from https down to ${next} refused`);
        if (visited.has(next)) return redirectFailure(`redirect loop at ${next}`);
        if (hop >= options.maxRedirects) return redirectFailure(`more than ${options.maxRedirects} redirects`);
        permanentSoFar &&= status === 301 || status === 308;
        if (permanentSoFar) movedTo = next;
        current = next;
        continue;
      }
      const validators: Validators = {};
      const etag = response.headers.get("etag");
      const lastModified = response.headers.get("last-modified");
      if (etag && etag.length <= MAX_VALIDATOR_CHARS) validators.etag = etag;
      if (lastModified && lastModified.length <= MAX_VALIDATOR_CHARS) validators.lastModified = lastModified;
      if (status === 304) {
        await response.body?.cancel();
        return { kind: "not-modified", url: current, movedTo, subrequests, ...validators };
      }
      if (status < 200 || status >= 300) {
        await response.body?.cancel();
        const detail = `HTTP ${status}${response.statusText ? ` ${response.statusText}` : ""}`;
        const retryAfter = status === 429 || status === 503 ? parseRetryAfter(response.headers.get("retry-after"), options.now) : undefined;
        return {
          kind: "failed",
          failure: { kind: status === 410 ? "gone" : "http", detail, status },
          movedTo,
          subrequests,
          ...(retryAfter !== undefined ? { retryAfter } : {}),
        };
      }
      const body = await readUpTo(response.body, response.headers.get("content-length"), options.maxBytes, signal);
      if (body === "too-large") {
        return { kind: "failed", failure: { kind: "too-large", detail: `body larger than ${options.maxBytes} bytes`, status }, movedTo, subrequests };
      }
      const link = response.headers.get("link");
      return { kind: "fetched", body, contentType: response.headers.get("content-type"), url: current, movedTo, subrequests, ...validators, ...(link ? { link } : {}) };
    }
  } catch (error) {
    if (error instanceof BudgetExhausted) return { kind: "budget-spent", subrequests };
    return { kind: "failed", failure: thrownFailure(error, options.timeoutMs), movedTo, subrequests };
  }
}

export const FEED_ACCEPT =
  "application/feed+json, application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5";
export const HTML_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5";

/** The User-Agent m2 sends: names the software and the home it fetches for, as crawlers should. */
export function userAgentFor(homeUrl: string): string {
  return `m2/0.1 (+${homeUrl}; personal feed aggregator)`;
}
