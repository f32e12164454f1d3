/**
 * @module Where a source's feed comes from: configured, derived from the account URL, found on the
 * account's page, or none (a link only). `origin` is the kind the /status page words in its own
 * language; `note` is the English detail, with the page URL, for /status.json.
 */
import type { Source } from "../model.ts";
import type { SourceStatus } from "../store/index.ts";

export interface FeedOrigin {
  /** "configured" | "derived" | "discovered" | "discover" (not read yet) | "none" (a link only). */
  origin: "configured" | "derived" | "discovered" | "discover" | "none";
  /** English, for /status.json only. */
  note: string;
}

/** The origin of a source's feed now, given what the last refresh stored for it. */
export function feedOriginOf(source: Source, stored: SourceStatus | undefined): FeedOrigin {
  switch (source.feedOrigin) {
    case "configured":
      return { origin: "configured", note: "set in profile.json" };
    case "derived":
      return { origin: "derived", note: `derived from the ${source.serviceName} account URL` };
    case "none":
      return { origin: "none", note: `${source.serviceName} publishes no feed: shown as a link only` };
    case "discover":
      if (stored?.feed && stored.discoveredFrom) return { origin: "discovered", note: `found on ${stored.discoveredFrom} (<link rel="alternate">)` };
      if (stored?.noFeedOn) return { origin: "none", note: `no feed found on ${stored.noFeedOn}: shown as a link only (the page is read again weekly)` };
      return { origin: "discover", note: "the account page will be read to find its feed" };
  }
}
