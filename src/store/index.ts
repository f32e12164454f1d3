/**
 * @module The KV layout. Only this module knows key names.
 *
 * - `source:<id>`: one `SourceRecord` per source (validators, health, last good items).
 * - `timeline`: one `Timeline`, the merged items, every source's status and the rel=me verdicts:
 *   all a reader needs, so a request reads one key. It is written in one put, so a reader never
 *   sees half a refresh.
 *
 * - `lease:refresh`: taken by a refresh a request or the owner started, so that a second one
 *   stands aside; expires after `LEASE_SECONDS` (the cron never reads or writes it).
 *
 * Keys are written only when their content changed (see `sameContent`), and each value is bounded:
 * a source record to `MAX_RECORD_BYTES`, the timeline to `MAX_TIMELINE_BYTES` (KV refuses values
 * over 25 MiB, and every isolate parses the timeline).
 */
import { stableHash } from "../hash.ts";
import type { Failure, Item, Verification } from "../model.ts";

/** What m2 remembers about one source between refreshes. */
export interface SourceRecord {
  id: string;
  /**
   * The account URL this record belongs to. Ids follow the order of `accounts`, so after a
   * reordering an id can name another account: a record whose account differs is not read.
   */
  account?: string;
  /** The feed URL this record's validators and items belong to (after discovery or a 301). */
  feed?: string;
  /** The configured or derived feed that a permanent redirect replaced. */
  movedFrom?: string;
  /** When that permanent redirect was last seen: `movedFrom` is fetched again after a week. */
  movedAt?: string;
  /** When the feed was found on the account's page, the page it was found on. */
  discoveredFrom?: string;
  /** Discovery read the account's page and found no feed: a plain link until the page is read again. */
  noFeedOn?: string;
  etag?: string;
  lastModified?: string;
  lastFetch?: string;
  lastSuccess?: string;
  /** The last failure, as a kind (cleared on success). */
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
  /** New entries the last read left for a later run (its CPU was spent): the source goes first next run. */
  unread?: number;
  /**
   * A digest of the last body read whole, and of how it was read (m2's reading version, the item
   * limit): the same body again is not read again, even from a server that sends no validators.
   */
  bodyDigest?: string;
  /** `revisionOf` this record, set when it is stored (see `withRevision`); computed when absent. */
  revision?: string;
}

/**
 * Characters of a failure's detail a record keeps: the detail can quote what a server sent (an
 * error message, a parser's complaint), and a record stays small whatever it was.
 */
export const MAX_FAILURE_DETAIL_CHARS = 500;

function boundedFailure(failure: Failure | undefined): Failure | undefined {
  if (!failure || failure.detail.length <= MAX_FAILURE_DETAIL_CHARS) return failure;
  let end = MAX_FAILURE_DETAIL_CHARS - 1;
  // Never half a surrogate pair.
  const last = failure.detail.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return { ...failure, detail: `${failure.detail.slice(0, end)}…` };
}

/**
 * A record with its fields in one order, undefined ones left out: every step builds its record
 * through this, so that two records with the same content have the same JSON (`sameContent`).
 */
export function sourceRecord(fields: SourceRecord): SourceRecord {
  return dropUndefined({
    id: fields.id,
    account: fields.account,
    feed: fields.feed,
    movedFrom: fields.movedFrom,
    movedAt: fields.movedAt,
    discoveredFrom: fields.discoveredFrom,
    noFeedOn: fields.noFeedOn,
    etag: fields.etag,
    lastModified: fields.lastModified,
    lastFetch: fields.lastFetch,
    lastSuccess: fields.lastSuccess,
    failure: boundedFailure(fields.failure),
    failures: fields.failures,
    nextAttempt: fields.nextAttempt,
    gone: fields.gone,
    warning: fields.warning,
    items: fields.items,
    fingerprints: fields.fingerprints,
    older: fields.older,
    unread: fields.unread,
    bodyDigest: fields.bodyDigest,
    revision: fields.revision,
  });
}

function dropUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

/** A source's health as shown on /status, without its items. */
export type SourceStatus = Omit<SourceRecord, "items" | "etag" | "lastModified" | "fingerprints" | "older" | "bodyDigest" | "revision"> & {
  itemCount: number;
  /** Hash of the record's content: the timeline is rebuilt when any differs. */
  revision: string;
};

/** How records and statuses were stored before `failure` (a plain-words `error` and `httpStatus`). */
interface LegacyFailureFields {
  error?: string;
  httpStatus?: number;
}

/**
 * The `failure` of a record or status stored before failures had kinds. The kind is read from the
 * structured fields only (410 → gone, a status → http), never out of the words; without a status
 * it is `unknown`, and the next fetch of the source replaces it with the real one.
 */
function legacyFailure(stored: LegacyFailureFields & { gone?: boolean; feed?: string }): Failure | undefined {
  if (stored.error === undefined) return undefined;
  // The kind is what the old fields say, never what the message says; without a feed the failure
  // was the account page's (discovery).
  const kind = stored.gone || stored.httpStatus === 410 ? "gone" : stored.httpStatus !== undefined ? "http" : "unknown";
  return { kind, stage: stored.feed === undefined ? "page" : "feed", detail: stored.error, ...(stored.httpStatus !== undefined ? { status: stored.httpStatus } : {}) };
}

/** A record as read from KV, old layouts included, in today's shape. */
function recordFromStored(stored: SourceRecord & LegacyFailureFields): SourceRecord {
  const { error: _error, httpStatus: _httpStatus, ...rest } = stored;
  return sourceRecord({ ...rest, failure: stored.failure ?? legacyFailure(stored) });
}

function statusFromStored(stored: SourceStatus & LegacyFailureFields): SourceStatus {
  if (stored.error === undefined && stored.httpStatus === undefined) return stored;
  const { error: _error, httpStatus: _httpStatus, ...rest } = stored;
  return { ...rest, failure: stored.failure ?? legacyFailure(stored) };
}

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
/**
 * `profile`: the profile edited in the browser (config/overlay.ts `ProfileOverlay`, its newest
 * version), mirrored by the home's Durable Object, which keeps the versions; read per isolate.
 */
export const PROFILE_KEY = "profile";
const LEASE_KEY = "lease:refresh";
const sourceKey = (id: string) => `source:${id}`;

/** A source record's JSON is kept under 1 MiB: the oldest items go first (`boundRecord`). */
export const MAX_RECORD_BYTES = 1_048_576;
/** The timeline's JSON is kept under 2 MiB: the oldest items go first (`boundTimeline`). */
export const MAX_TIMELINE_BYTES = 2_097_152;
/** How long a refresh lease holds: KV's shortest expiration, and longer than a request-triggered run lasts. */
export const LEASE_SECONDS = 60;

/** The stored timeline as its JSON text, for a reader that keeps the last one it parsed. */
export async function readTimelineText(kv: KVNamespace): Promise<string | null> {
  return kv.get(TIMELINE_KEY, "text");
}

/** The timeline key's text and another key's, in one bulk read (one KV request). */
export async function readTimelineTextWith(kv: KVNamespace, other: string): Promise<{ timeline: string | null; other: string | null }> {
  const values = await kv.get([TIMELINE_KEY, other], "text");
  return { timeline: values.get(TIMELINE_KEY) ?? null, other: values.get(other) ?? null };
}

/** Parses the timeline key's text; statuses stored in an older layout are read in today's shape. */
export function parseTimeline(text: string): Timeline {
  return timelineFromStored(JSON.parse(text) as Timeline);
}

function timelineFromStored(stored: Timeline): Timeline {
  if (!stored.sources.some((status) => "error" in status || "httpStatus" in status)) return stored;
  return { ...stored, sources: stored.sources.map(statusFromStored) };
}

export async function readTimeline(kv: KVNamespace): Promise<Timeline | null> {
  const stored = await kv.get<Timeline>(TIMELINE_KEY, "json");
  return stored && timelineFromStored(stored);
}

/** Writes the timeline, bounded (`boundTimeline`): serialised once, for the bound and the put. */
export async function writeTimeline(kv: KVNamespace, timeline: Timeline): Promise<void> {
  await kv.put(TIMELINE_KEY, boundTimeline(timeline).json);
}

export async function readSource(kv: KVNamespace, id: string): Promise<SourceRecord | null> {
  const stored = await kv.get<SourceRecord & LegacyFailureFields>(sourceKey(id), "json");
  return stored && recordFromStored(stored);
}

/**
 * Writes a source's record (already bounded by `boundRecord`). A put KV refuses is that source's
 * `storage` failure, given back rather than thrown: the other sources and the timeline are still written.
 */
export async function writeSource(kv: KVNamespace, record: SourceRecord): Promise<{ ok: true } | { ok: false; failure: Failure }> {
  try {
    await kv.put(sourceKey(record.id), JSON.stringify(record));
    return { ok: true };
  } catch (error) {
    return { ok: false, failure: { kind: "storage", stage: "feed", detail: `the record could not be stored (${error instanceof Error ? error.message : String(error)})` } };
  }
}

const encoder = new TextEncoder();
/** True when `text` takes at most `max` bytes as UTF-8 (a string of n UTF-16 units takes at most 3n: most are not encoded). */
function fits(text: string, max: number): boolean {
  return text.length * 3 <= max || encoder.encode(text).byteLength <= max;
}

/** The items that fit in `room` bytes, newest first: each item's JSON and a comma. */
function itemsWithin(items: readonly Item[], room: number, extra: (item: Item) => number = () => 0): Item[] {
  const kept: Item[] = [];
  let used = 0;
  for (const item of items) {
    used += encoder.encode(JSON.stringify(item)).byteLength + 1 + extra(item);
    if (used > room) break;
    kept.push(item);
  }
  return kept;
}

/**
 * The record as it can be stored: at most `MAX_RECORD_BYTES` of JSON. Over it, the older entries'
 * fingerprints go first (they only save a parse), then the oldest items, and the warning says so.
 */
export function boundRecord(record: SourceRecord): SourceRecord {
  if (fits(JSON.stringify(record), MAX_RECORD_BYTES)) return record;
  const withoutOlder = sourceRecord({ ...record, older: undefined });
  if (fits(JSON.stringify(withoutOlder), MAX_RECORD_BYTES)) return withoutOlder;
  const note = (dropped: number) => `the items were larger than ${MAX_RECORD_BYTES} bytes: the ${dropped} oldest are not kept`;
  const frame = encoder.encode(JSON.stringify({ ...withoutOlder, items: [], fingerprints: {}, warning: `${record.warning ?? ""}; ${note(record.items.length)}` })).byteLength;
  const fingerprintOf = (item: Item) => record.fingerprints?.[item.id];
  const fingerprintBytes = (item: Item) => (fingerprintOf(item) ? encoder.encode(JSON.stringify({ [item.id]: fingerprintOf(item) })).byteLength : 0);
  const items = itemsWithin(record.items, MAX_RECORD_BYTES - frame, fingerprintBytes);
  const fingerprints = record.fingerprints && Object.fromEntries(items.flatMap((item) => (fingerprintOf(item) ? [[item.id, fingerprintOf(item)!]] : [])));
  const dropped = record.items.length - items.length;
  return sourceRecord({ ...withoutOlder, items, fingerprints, warning: record.warning ? `${record.warning}; ${note(dropped)}` : note(dropped) });
}

/** The timeline as it can be stored, with its JSON: at most `MAX_TIMELINE_BYTES`, its oldest items left out. */
function boundTimeline(timeline: Timeline): { timeline: Timeline; json: string } {
  const json = JSON.stringify(timeline);
  if (fits(json, MAX_TIMELINE_BYTES)) return { timeline, json };
  const frame = encoder.encode(JSON.stringify({ ...timeline, items: [] })).byteLength;
  const bounded = { ...timeline, items: itemsWithin(timeline.items, MAX_TIMELINE_BYTES - frame) };
  return { timeline: bounded, json: JSON.stringify(bounded) };
}

/**
 * Takes the refresh lease unless another refresh holds it. KV has no compare-and-set: two runs
 * that start within KV's propagation delay can both take it, so it only coalesces the common case
 * (the timeline merge in the refresh keeps what both wrote). Costs a read, and a write when taken.
 */
export async function takeLease(kv: KVNamespace, holder: string): Promise<boolean> {
  const held = await kv.get(LEASE_KEY, "text");
  // The expiry is in the value too: KV may serve an expired key for a while.
  if (held && Number(held.split(" ")[0]) > Date.now()) return false;
  await kv.put(LEASE_KEY, `${Date.now() + LEASE_SECONDS * 1000} ${holder}`, { expirationTtl: LEASE_SECONDS });
  return true;
}

export async function releaseLease(kv: KVNamespace): Promise<void> {
  await kv.delete(LEASE_KEY);
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
/**
 * How deep volatile fields stand: a record's or a timeline's own fields (depth 0) and a timeline's
 * statuses (depth 2). Deeper values are serialised as they are, by JSON.stringify's native path
 * (a replacer function, called for every key of every item, cost more than the rest of a refresh).
 */
const VOLATILE_DEPTH = 2;

function withoutVolatile(value: unknown, depth: number): unknown {
  if (depth > VOLATILE_DEPTH || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((entry) => withoutVolatile(entry, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) if (!VOLATILE.has(key)) copy[key] = withoutVolatile(inner, depth + 1);
  return copy;
}

function contentJson(value: unknown): string {
  return JSON.stringify(withoutVolatile(value, 0));
}

/**
 * True when two lists hold the same items. A refresh hands stored items on as the same objects
 * (an entry read before keeps its item), so most pairs compare by reference; the others by content.
 */
export function sameItems(a: readonly Item[], b: readonly Item[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) {
    if (a[index] !== b[index] && JSON.stringify(a[index]) !== JSON.stringify(b[index])) return false;
  }
  return true;
}

/** True when two records differ only in their fetch timestamps. */
export function sameRecord(a: SourceRecord, b: SourceRecord): boolean {
  return sameContent(a, b);
}

/**
 * True when two records, statuses or timelines differ only in their fetch timestamps: what
 * `contentJson` would say, without serialising what did not change. A refresh hands on what it
 * kept as the same objects (a 304's items, fingerprints and history), so most fields compare by
 * reference; the others field by field down to where volatile fields stand, then by their JSON.
 */
export function sameContent(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  if (depth > VOLATILE_DEPTH || a === null || b === null || typeof a !== "object" || typeof b !== "object") return JSON.stringify(a) === JSON.stringify(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((entry, index) => sameContent(entry, b[index], depth + 1));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
    if (!VOLATILE.has(key) && !sameContent(left[key], right[key], depth + 1)) return false;
  }
  return true;
}

/** A short hash of a value's content (volatile fields left out). */
export function contentHash(value: unknown): string {
  return stableHash(contentJson(value));
}

/** The record's status for the timeline: the record without its items, validators and fingerprints. */
export function statusOf(record: SourceRecord): SourceStatus {
  const { items, etag: _etag, lastModified: _lastModified, fingerprints: _fingerprints, older: _older, bodyDigest: _bodyDigest, ...rest } = sourceRecord(record);
  return { ...rest, itemCount: items.length, revision: record.revision ?? revisionOf(record) };
}

/** A hash of the record's content (its items included): what tells the timeline a source changed. */
function revisionOf(record: SourceRecord): string {
  return contentHash(sourceRecord({ ...record, revision: undefined }));
}

/** The record with its revision, computed once, when it is stored; records built from it carry it on. */
export function withRevision(record: SourceRecord): SourceRecord {
  return sourceRecord({ ...record, revision: revisionOf(record) });
}
