/**
 * @module The conversations' tables in the home's Durable Object (SQLite): the queue of received
 * Webmentions waiting for verification, the verified mentions, the owner's blocklist, the
 * per-host receipts of the rate limit and the outbox of mentions the home sends. Plain functions
 * over the DO's `SqlStorage`, each synchronous (no await between a read and its write), so two
 * mentions received at once both get their row: a KV list read, extended and written back would
 * lose one of them.
 */
import { stableHash } from "../hash.ts";
import type { MentionCounts } from "../posts/types.ts";
import {
  FIRST_RETRY_MS,
  HOST_WINDOW_MS,
  MAX_MENTIONS_PER_HOST,
  MAX_OUTBOX,
  MAX_QUEUED_PER_HOME,
  MAX_QUEUED_PER_POST,
  MAX_SEND_ATTEMPTS,
  MAX_STORED_PER_HOME,
  MAX_STORED_PER_POST,
  MAX_VERIFY_ATTEMPTS,
} from "./limits.ts";
import type { MentionData, MentionKind } from "./source-page.ts";

export const MENTION_TABLES = [
  `CREATE TABLE IF NOT EXISTS mention_queue (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    path TEXT NOT NULL,
    host TEXT NOT NULL,
    received INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    UNIQUE (source, target)
  )`,
  "CREATE TABLE IF NOT EXISTS mention_receipts (id INTEGER PRIMARY KEY AUTOINCREMENT, host TEXT NOT NULL, at INTEGER NOT NULL)",
  "CREATE INDEX IF NOT EXISTS receipts_by_host ON mention_receipts (host, at)",
  `CREATE TABLE IF NOT EXISTS mentions (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    path TEXT NOT NULL,
    host TEXT NOT NULL,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    status TEXT NOT NULL,
    verified INTEGER NOT NULL,
    UNIQUE (source, path)
  )`,
  "CREATE INDEX IF NOT EXISTS mentions_by_path ON mentions (path, verified)",
  "CREATE TABLE IF NOT EXISTS blocked_domains (domain TEXT PRIMARY KEY, at INTEGER NOT NULL)",
  `CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL,
    state TEXT NOT NULL,
    endpoint TEXT,
    result TEXT,
    UNIQUE (source, target)
  )`,
];

/** What profile.json says of received mentions (and the blocklist it adds to the owner's). */
export interface MentionPolicy {
  moderation: "hold" | "publish";
  blocklist: string[];
}

export interface Received {
  source: string;
  target: string;
  /** The target's path on this home ("/" for the home page). */
  path: string;
  host: string;
}

export type ReceiveResult = { queued: boolean } | { refused: "target" | "rate" | "full"; message: string };

export interface QueuedMention extends Received {
  id: number;
  attempts: number;
}

/** The outcome of verifying one queued mention, applied by `applyVerifications`. */
export type Verification =
  | { id: number; outcome: "verified"; data: MentionData }
  /** 410 at the source, or the source no longer links to the target: the mention goes. */
  | { id: number; outcome: "gone" | "unlinked" }
  /** The source could not be read this time (network, 5xx): tried again, `MAX_VERIFY_ATTEMPTS` times in all. */
  | { id: number; outcome: "retry" }
  /** Nothing to keep (a 404, not HTML): the queued mention is dropped, a stored one kept. */
  | { id: number; outcome: "dropped" };

export type MentionStatus = "held" | "published";

export interface StoredMention extends MentionData {
  id: string;
  source: string;
  target: string;
  path: string;
  status: MentionStatus;
  /** ms since the epoch of the last verification. */
  verified: number;
}

export interface SendJob {
  id: number;
  source: string;
  target: string;
  attempts: number;
}

export type SendOutcome =
  | { id: number; outcome: "sent"; endpoint: string; status: number }
  | { id: number; outcome: "no-endpoint" }
  /** A refusal that will not change (4xx but 429): not tried again. */
  | { id: number; outcome: "refused"; endpoint?: string; detail: string }
  | { id: number; outcome: "retry"; endpoint?: string; detail: string; retryAfterSeconds?: number };

interface MentionRow extends Record<string, SqlStorageValue> {
  id: string;
  source: string;
  target: string;
  path: string;
  host: string;
  kind: string;
  data: string;
  status: string;
  verified: number;
}

/** True when `host` is `domain` or one of its subdomains. */
export function hostIn(host: string, domains: Iterable<string>): boolean {
  const lower = host.toLowerCase();
  for (const domain of domains) {
    const d = domain.toLowerCase();
    if (lower === d || lower.endsWith(`.${d}`)) return true;
  }
  return false;
}

const count = (sql: SqlStorage, query: string, ...bindings: SqlStorageValue[]) => sql.exec<{ n: number }>(query, ...bindings).one().n;

/** The owner's blocklist (the routes' and profile.json's together). */
export function blockedDomains(sql: SqlStorage, policy: MentionPolicy): string[] {
  return [...policy.blocklist, ...sql.exec<{ domain: string }>("SELECT domain FROM blocked_domains").toArray().map((row) => row.domain)];
}

/**
 * Queues a received mention (the request path fetches nothing). A blocked source is accepted and
 * dropped (a 202 says nothing to whoever probes the blocklist); the same source and target again
 * replace the queued one (a re-sent mention is an update).
 */
export function receive(sql: SqlStorage, mention: Received, policy: MentionPolicy, targetExists: boolean, nowMs: number): ReceiveResult {
  if (!targetExists) return { refused: "target", message: "target is not a page of this home (its home page or one of its posts)" };
  if (hostIn(mention.host, blockedDomains(sql, policy))) return { queued: false };
  sql.exec("DELETE FROM mention_receipts WHERE at <= ?", nowMs - HOST_WINDOW_MS);
  if (count(sql, "SELECT COUNT(*) AS n FROM mention_receipts WHERE host = ?", mention.host) >= MAX_MENTIONS_PER_HOST) {
    return { refused: "rate", message: `at most ${MAX_MENTIONS_PER_HOST} mentions per hour from ${mention.host}` };
  }
  const again = count(sql, "SELECT COUNT(*) AS n FROM mention_queue WHERE source = ? AND target = ?", mention.source, mention.target) > 0;
  if (!again) {
    if (count(sql, "SELECT COUNT(*) AS n FROM mention_queue WHERE path = ?", mention.path) >= MAX_QUEUED_PER_POST) return { refused: "full", message: `${MAX_QUEUED_PER_POST} mentions of this page already wait for verification` };
    if (count(sql, "SELECT COUNT(*) AS n FROM mention_queue") >= MAX_QUEUED_PER_HOME) return { refused: "full", message: `${MAX_QUEUED_PER_HOME} mentions already wait for verification` };
  }
  sql.exec("INSERT INTO mention_receipts (host, at) VALUES (?, ?)", mention.host, nowMs);
  sql.exec(
    `INSERT INTO mention_queue (source, target, path, host, received) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (source, target) DO UPDATE SET received = excluded.received, attempts = 0`,
    mention.source,
    mention.target,
    mention.path,
    mention.host,
    nowMs,
  );
  return { queued: true };
}

/** The oldest queued mentions, at most `limit`. */
export function queued(sql: SqlStorage, limit: number): QueuedMention[] {
  return sql.exec<QueuedMention & Record<string, SqlStorageValue>>("SELECT id, source, target, path, host, attempts FROM mention_queue ORDER BY received, id LIMIT ?", limit).toArray().map((row) => ({ ...row }));
}

export const mentionId = (source: string, path: string) => stableHash(`${source}\n${path}`);

/** Applies a run's verifications in one step; true when the stored mentions changed. */
export function applyVerifications(sql: SqlStorage, results: Verification[], policy: MentionPolicy, nowMs: number): boolean {
  let changed = false;
  const blocked = blockedDomains(sql, policy);
  for (const result of results) {
    const job = sql.exec<QueuedMention & Record<string, SqlStorageValue>>("SELECT * FROM mention_queue WHERE id = ?", result.id).toArray()[0];
    if (!job) continue;
    if (result.outcome === "retry" && job.attempts + 1 < MAX_VERIFY_ATTEMPTS) {
      sql.exec("UPDATE mention_queue SET attempts = attempts + 1 WHERE id = ?", job.id);
      continue;
    }
    sql.exec("DELETE FROM mention_queue WHERE id = ?", job.id);
    if (result.outcome === "gone" || result.outcome === "unlinked") {
      changed = sql.exec("DELETE FROM mentions WHERE source = ? AND path = ?", job.source, job.path).rowsWritten > 0 || changed;
      continue;
    }
    if (result.outcome !== "verified" || hostIn(job.host, blocked)) continue;
    const id = mentionId(job.source, job.path);
    const existing = sql.exec<MentionRow>("SELECT * FROM mentions WHERE id = ?", id).toArray()[0];
    if (!existing) {
      if (count(sql, "SELECT COUNT(*) AS n FROM mentions WHERE path = ?", job.path) >= MAX_STORED_PER_POST) continue;
      if (count(sql, "SELECT COUNT(*) AS n FROM mentions") >= MAX_STORED_PER_HOME) continue;
    }
    // An approved mention stays approved when its source is edited; a new one follows the policy.
    const status: MentionStatus = existing?.status === "published" || policy.moderation === "publish" ? "published" : "held";
    sql.exec(
      "INSERT OR REPLACE INTO mentions (id, source, target, path, host, kind, data, status, verified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      id,
      job.source,
      job.target,
      job.path,
      job.host,
      result.data.kind,
      JSON.stringify(result.data),
      status,
      nowMs,
    );
    changed = true;
  }
  return changed;
}

function toMention(row: MentionRow): StoredMention {
  return { ...(JSON.parse(row.data) as MentionData), id: row.id, source: row.source, target: row.target, path: row.path, status: row.status as MentionStatus, verified: row.verified };
}

/** The published mentions of a page, oldest first (a conversation reads downwards). */
export function publishedFor(sql: SqlStorage, path: string): StoredMention[] {
  return sql.exec<MentionRow>("SELECT * FROM mentions WHERE path = ? AND status = 'published' ORDER BY verified, id LIMIT ?", path, MAX_STORED_PER_POST).toArray().map(toMention);
}

/** Every stored mention (held first, then newest), and what waits in the queue: the owner's list. */
export function allMentions(sql: SqlStorage, limit: number): { mentions: StoredMention[]; queued: number } {
  const mentions = sql.exec<MentionRow>("SELECT * FROM mentions ORDER BY status = 'published', verified DESC LIMIT ?", limit).toArray().map(toMention);
  return { mentions, queued: count(sql, "SELECT COUNT(*) AS n FROM mention_queue") };
}

/** Publishes a held mention; false when there is none by that id. */
export function approve(sql: SqlStorage, id: string): boolean {
  return sql.exec("UPDATE mentions SET status = 'published' WHERE id = ? AND status = 'held'", id).rowsWritten > 0;
}

export function remove(sql: SqlStorage, id: string): boolean {
  return sql.exec("DELETE FROM mentions WHERE id = ?", id).rowsWritten > 0;
}

/** Blocks a domain (and its subdomains): its stored and queued mentions go; the number removed. */
export function block(sql: SqlStorage, domain: string, nowMs: number): number {
  sql.exec("INSERT OR REPLACE INTO blocked_domains (domain, at) VALUES (?, ?)", domain, nowMs);
  let removed = 0;
  for (const row of sql.exec<{ id: string; host: string }>("SELECT id, host FROM mentions").toArray()) {
    if (hostIn(row.host, [domain])) removed += sql.exec("DELETE FROM mentions WHERE id = ?", row.id).rowsWritten;
  }
  for (const row of sql.exec<{ id: number; host: string }>("SELECT id, host FROM mention_queue").toArray()) {
    if (hostIn(row.host, [domain])) sql.exec("DELETE FROM mention_queue WHERE id = ?", row.id);
  }
  return removed;
}

const COUNTED: Record<MentionKind, keyof MentionCounts> = { reply: "replies", like: "likes", repost: "reposts", bookmark: "mentions", mention: "mentions" };

/** Published mentions per path and kind, for the paths given (the snapshot's posts). */
export function countsFor(sql: SqlStorage, paths: string[]): Record<string, MentionCounts> {
  const wanted = new Set(paths);
  const counts: Record<string, MentionCounts> = {};
  for (const row of sql.exec<{ path: string; kind: string; n: number }>("SELECT path, kind, COUNT(*) AS n FROM mentions WHERE status = 'published' GROUP BY path, kind").toArray()) {
    if (!wanted.has(row.path)) continue;
    const entry = (counts[row.path] ??= { replies: 0, likes: 0, reposts: 0, mentions: 0 });
    entry[COUNTED[row.kind as MentionKind] ?? "mentions"] += row.n;
  }
  return counts;
}

/** Sends to queue (again) from an own post: each target's attempts start over, due now. */
export function queueSends(sql: SqlStorage, source: string, targets: string[], nowMs: number): void {
  if (targets.length === 0) return;
  if (count(sql, "SELECT COUNT(*) AS n FROM outbox") + targets.length > MAX_OUTBOX) sql.exec("DELETE FROM outbox WHERE state != 'pending'");
  for (const target of targets) {
    if (count(sql, "SELECT COUNT(*) AS n FROM outbox") >= MAX_OUTBOX) {
      console.error(`outbox full (${MAX_OUTBOX}): not sending ${source} → ${target}`);
      return;
    }
    sql.exec(
      `INSERT INTO outbox (source, target, next_at, state) VALUES (?, ?, ?, 'pending')
       ON CONFLICT (source, target) DO UPDATE SET attempts = 0, next_at = excluded.next_at, state = 'pending', result = NULL`,
      source,
      target,
      nowMs,
    );
  }
}

export function dueSends(sql: SqlStorage, nowMs: number, limit: number): SendJob[] {
  return sql.exec<SendJob & Record<string, SqlStorageValue>>("SELECT id, source, target, attempts FROM outbox WHERE state = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT ?", nowMs, limit).toArray().map((row) => ({ ...row }));
}

/** Records what sending did: a retry waits `FIRST_RETRY_MS` doubled per attempt (or the server's Retry-After). */
export function recordSends(sql: SqlStorage, outcomes: SendOutcome[], nowMs: number): void {
  for (const outcome of outcomes) {
    const endpoint = "endpoint" in outcome ? (outcome.endpoint ?? null) : null;
    if (outcome.outcome === "sent") sql.exec("UPDATE outbox SET state = 'sent', endpoint = ?, result = ?, attempts = attempts + 1 WHERE id = ?", endpoint, `HTTP ${outcome.status}`, outcome.id);
    else if (outcome.outcome === "no-endpoint") sql.exec("UPDATE outbox SET state = 'none', attempts = attempts + 1 WHERE id = ?", outcome.id);
    else if (outcome.outcome === "refused") sql.exec("UPDATE outbox SET state = 'failed', endpoint = ?, result = ?, attempts = attempts + 1 WHERE id = ?", endpoint, outcome.detail, outcome.id);
    else {
      const row = sql.exec<{ attempts: number }>("SELECT attempts FROM outbox WHERE id = ?", outcome.id).toArray()[0];
      if (!row) continue;
      const attempts = row.attempts + 1;
      const wait = Math.max(FIRST_RETRY_MS * 2 ** (attempts - 1), (outcome.retryAfterSeconds ?? 0) * 1000);
      sql.exec(
        "UPDATE outbox SET attempts = ?, next_at = ?, state = ?, endpoint = ?, result = ? WHERE id = ?",
        attempts,
        nowMs + wait,
        attempts >= MAX_SEND_ATTEMPTS ? "failed" : "pending",
        endpoint,
        outcome.detail,
        outcome.id,
      );
    }
  }
}

export interface OutboxRow {
  source: string;
  target: string;
  state: string;
  attempts: number;
  nextAt: number;
  endpoint: string | null;
  result: string | null;
}

/** The outbox as the owner reads it (GET /admin/mentions). */
export function outbox(sql: SqlStorage, limit: number): OutboxRow[] {
  return sql
    .exec<{ source: string; target: string; state: string; attempts: number; next_at: number; endpoint: string | null; result: string | null }>("SELECT * FROM outbox ORDER BY id DESC LIMIT ?", limit)
    .toArray()
    .map((row) => ({ source: row.source, target: row.target, state: row.state, attempts: row.attempts, nextAt: row.next_at, endpoint: row.endpoint, result: row.result }));
}

/** Work waiting: queued mentions and sends due now. */
export function pending(sql: SqlStorage, nowMs: number): { queued: number; sends: number } {
  return { queued: count(sql, "SELECT COUNT(*) AS n FROM mention_queue"), sends: count(sql, "SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending' AND next_at <= ?", nowMs) };
}
