/**
 * @module Inbound verification: does each identity account link back to the home URL? One
 * fetch per account (its profile page, or Bluesky's public AppView API), one verdict each.
 * Also Mastodon's own check of the home page, run the way Mastodon runs it.
 */
import { decodeFeed } from "../ingest/decode.ts";
import { HTML_ACCEPT, politeFetch, type FetchFailure } from "../ingest/fetch.ts";
import type { LinkBackVerdict, Source, Verification } from "../model.ts";
import { judgeLinkBack, judgeText, mastodonAccepts } from "./relme.ts";

/** Mastodon's limits when it fetches a page to verify: 1 MB, 3 redirects. */
export const PAGE_MAX_BYTES = 1_048_576;
export const PAGE_MAX_REDIRECTS = 3;

export interface VerifyOptions {
  userAgent: string;
  timeoutMs: number;
  fetcher?: typeof fetch;
  now?: Date;
}

/** Whether m2 checks this account for a link back: identity accounts on the web. */
export function isVerifiable(source: Source): boolean {
  return source.identity && /^https?:/.test(source.url);
}

/** The public AppView URL that describes a Bluesky account (bsky.app itself is rendered by JavaScript). */
export function blueskyProfileApi(source: Source): string | undefined {
  const handle = source.handle?.replace(/^@/, "");
  if (source.service !== "bluesky" || !handle) return undefined;
  return `https://public.api.bsky.app/xrpc/app.bsky.actor.getProfile?actor=${encodeURIComponent(handle)}`;
}

function unreachable(failure: FetchFailure, url: string, at: string): Verification {
  return {
    verdict: "unreachable",
    detail: `could not read ${url}: ${failure.detail}`,
    ...(failure.status !== undefined ? { status: failure.status } : {}),
    checked_url: url,
    checked_at: at,
  };
}

/** The detail of a verdict for /status.json (the page words its own from the verdict and `found`). */
const DETAILS: Record<LinkBackVerdict, (home: string, found?: string) => string> = {
  verified: () => "links back to the home URL with rel=me",
  "verified-loosely": (home, found) => `links back with rel=me to ${found}, not exactly to ${home}`,
  // Not verified: say so, since `found` may be the home URL itself.
  "links-back-without-rel-me": (home, found) => (found ? `links to ${found} without rel=me, so it does not verify` : `mentions ${home} without a rel=me link, so it does not verify`),
  "no-link-back": (home) => `does not link back to ${home}`,
};

/**
 * Verifies one account: never throws; a failure to read is the `unreachable` verdict, and an
 * exhausted subrequest budget is `"budget-spent"` (no verdict: the previous one stands).
 *
 * @example
 * await verifySource(source, "https://camille.example/", { userAgent, timeoutMs: 10_000 }); // { verdict: "verified", … }
 */
export async function verifySource(source: Source, home: string, options: VerifyOptions): Promise<Verification | "budget-spent"> {
  const at = (options.now ?? new Date()).toISOString();
  const api = blueskyProfileApi(source);
  const url = api ?? source.url;
  const outcome = await politeFetch(url, {
    userAgent: options.userAgent,
    accept: api ? "application/json" : HTML_ACCEPT,
    timeoutMs: options.timeoutMs,
    maxBytes: PAGE_MAX_BYTES,
    maxRedirects: PAGE_MAX_REDIRECTS,
    ...(options.fetcher ? { fetcher: options.fetcher } : {}),
  });
  if (outcome.kind === "budget-spent") return "budget-spent";
  if (outcome.kind === "failed") return unreachable(outcome.failure, url, at);
  if (outcome.kind === "not-modified") return unreachable({ kind: "http", detail: "HTTP 304 without a request for it", status: 304 }, url, at);
  const text = decodeFeed(outcome.body, outcome.contentType);

  if (api) {
    let profile: { handle?: unknown; description?: unknown };
    try {
      profile = JSON.parse(text) as typeof profile;
    } catch {
      return { verdict: "unreachable", detail: `${url} did not answer JSON`, checked_url: url, checked_at: at };
    }
    const homeHost = new URL(home).hostname.toLowerCase();
    if (typeof profile.handle === "string" && profile.handle.toLowerCase() === homeHost) {
      return { verdict: "verified", detail: `the Bluesky handle is the home domain (${homeHost})`, checked_url: url, checked_at: at };
    }
    const judged = judgeText(typeof profile.description === "string" ? profile.description : "", home);
    const detail =
      judged.verdict === "verified"
        ? "the Bluesky description contains the home URL"
        : judged.verdict === "verified-loosely"
          ? `the Bluesky description contains ${judged.found}, not exactly ${home}`
          : "neither the Bluesky handle nor its description names the home URL";
    return { verdict: judged.verdict, detail, ...(judged.found ? { found: judged.found } : {}), checked_url: url, checked_at: at };
  }

  const judged = judgeLinkBack(text, home);
  const detail = DETAILS[judged.verdict](home, judged.found);
  return { verdict: judged.verdict, detail, ...(judged.found ? { found: judged.found } : {}), checked_url: url, checked_at: at };
}

/**
 * Mastodon's verification of a profile field, step by step: https only, at most 3 redirects,
 * a final 200, at most 1 MB read, then `mastodonAccepts` on the HTML. Used by the tests to prove
 * the home page passes for every fediverse account.
 */
export async function mastodonVerifies(home: string, profileUrl: string, fetcher: typeof fetch): Promise<{ ok: boolean; reason: string }> {
  if (!home.startsWith("https://")) return { ok: false, reason: "not https" };
  let lastStatus = 0;
  let lastUrl = home;
  const watching: typeof fetch = async (input, init) => {
    const response = await fetcher(input, init);
    lastStatus = response.status;
    lastUrl = new Request(input).url;
    return response;
  };
  const outcome = await politeFetch(home, {
    userAgent: "http.rb/5.1.1 (Mastodon/4.3.0; +https://mastodon.social/)",
    accept: "text/html",
    timeoutMs: 10_000,
    maxBytes: PAGE_MAX_BYTES,
    maxRedirects: PAGE_MAX_REDIRECTS,
    fetcher: watching,
  });
  if (outcome.kind !== "fetched") return { ok: false, reason: outcome.kind === "failed" ? outcome.failure.detail : outcome.kind };
  if (lastStatus !== 200) return { ok: false, reason: `final status ${lastStatus}` };
  if (!lastUrl.startsWith("https://")) return { ok: false, reason: `redirected to ${lastUrl}` };
  const accepted = mastodonAccepts(decodeFeed(outcome.body, outcome.contentType), profileUrl);
  return { ok: accepted, reason: accepted ? "rel=me link found" : `no rel=me link with href ${profileUrl}` };
}
