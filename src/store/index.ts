/**
 * @module The KV layout. Only this module knows key names.
 *
 * - `source:<id>`: one `SourceRecord` per source (validators, health, last good items).
 * - `timeline`: one `Timeline`, the merged items, every source's status and the rel=me verdicts:
 *   all a reader needs, so a request reads one key. It is written in one put, so a reader never
 *   sees half a refresh.
 *
 * Keys are written only when their content changed (see `sameContent`).
 */
import { stableHash } from "../hash.ts";
import type { Failure, Item, Verification } from "../model.ts";

/** What m2 remembers about one source between refreshes. */
export interface SourceRecord {
  id: string;
  /** The feed URL this record's validators and items belong to (after discovery or a 301). */
  feed?: string;
  /** The configured or derived feed that a permanent redirect replaced. */
  movedFrom?: string;
  /** When the feed was found on the account's page, the page it was found on. */
  discoveredFrom?: string;
  /** Discovery read the account's page and found no feed: a plain link until the page is read again. */
  noFeedOn?: string;
  etag?: string;
  lastModified?: string;
  lastFetch?: string;
  lastSuccess?: string;
  /** Plain-words reason of the last failure; cleared on success. */
  error?: string;
  httpStatus?: number;
  /** The last failure, as a kind; cleared on success. */
  failure?: Failure;
  /** Consecutive failures, for exponential backoff. */
  failures: number;
  /** ISO time before which the source is not fetched again (backoff or Retry-After). */
  nextAttempt?: string;
  /** 410 Gone: no longer fetched; its history is kept. */
  gone?: boolean;
  /** A non-fatal note about the last fetch ("returned no items; kept 12 earlier ones"). */
  warning?: string;
  items: Item[];
  /** Fingerprints of the raw entries behind `items` (see normaliseFeed): unchanged ones are reused. */
  fingerprints?: Record<string, string>;
  /** The feed's entries older than the kept items, by fingerprint (normalise.ts `older`). */
  older?: Record<string, string>;
}

/** A source's health as shown on /status, without its items. */
export type SourceStatus = Omit<SourceRecord, "items" | "etag" | "lastModified" | "fingerprints" | "older"> & {
  itemCount: number;
  /** Hash of the record's content: the timeline is rebuilt when any differs. */
  revision: string;
};

export interface Timeline {
  /** Hash of items and statuses: the seed of every ETag. */
  version: string;
  /** When the content last changed. */
  builtAt: string;
  /** When a refresh last ran and was recorded (at least every heartbeat). */
  checkedAt: string;
  items: Item[];
  sources: SourceStatus[];
  /**
   * The inbound rel=me verdicts, stored here rather than under a key of their own so that a
   * request reads one key; a cron run whose verification changed a verdict rewrites the timeline.
   */
  identity?: IdentityRecord;
}

const TIMELINE_KEY = "timeline";
const sourceKey = (id: string) => `source:${id}`;

/** The stored timeline as its JSON text, for a reader that keeps the last one it parsed. */
export async function readTimelineText(kv: KVNamespace): Promise<string | null> {
  return kv.get(TIMELINE_KEY, "text");
}

export async function readTimeline(kv: KVNamespace): Promise<Timeline | null> {
  return kv.get<Timeline>(TIMELINE_KEY, "json");
}

export async function writeTimeline(kv: KVNamespace, timeline: Timeline): Promise<void> {
  await kv.put(TIMELINE_KEY, JSON.stringify(timeline));
}

export async function readSource(kv: KVNamespace, id: string): Promise<SourceRecord | null> {
  return kv.get<SourceRecord>(sourceKey(id), "json");
}

export async function writeSource(kv: KVNamespace, record: SourceRecord): Promise<void> {
  await kv.put(sourceKey(record.id), JSON.stringify(record));
}

/** The inbound verification of every identity account, written only when a verdict changed. */
export interface IdentityRecord {
  /** Hash of the home URL and the identity accounts checked: a profile change makes it stale. */
  accounts: string;
  /** Verdicts by `Source.id`. */
  verdicts: Record<string, Verification>;
}

/** Fields that change on every fetch without changing what anyone sees. */
const VOLATILE = new Set(["lastFetch", "lastSuccess", "checkedAt", "builtAt", "version"]);

function contentJson(value: unknown): string {
  return JSON.stringify(value, (key, inner) => (VOLATILE.has(key) ? undefined : inner));
}

/** True when two records or timelines differ only in their fetch timestamps. */
export function sameContent(a: unknown, b: unknown): boolean {
  return contentJson(a) === contentJson(b);
}

/** A short hash of a value's content (volatile fields left out). */
export function contentHash(value: unknown): string {
  return stableHash(contentJson(value));
}

export function statusOf(record: SourceRecord): SourceStatus {
  const { items, etag: _etag, lastModified: _lastModified, fingerprints: _fingerprints, older: _older, ...rest } = record;
  return { ...rest, itemCount: items.length, revision: contentHash(record) };
}
