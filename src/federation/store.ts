/**
 * @module Federation's tables in the home's Durable Object (SQLite): the key pair (one row, never
 * replaced), the followers, the activities sent (the outbox), their deliveries and retries, the
 * remote keys already fetched, and the ids of activities already received. Replies and likes
 * received go into the conversations' own `mentions` table (conversations/mention-store.ts), under
 * the same moderation and blocklist as Webmentions. Plain functions over the DO's `SqlStorage`,
 * each synchronous (no await between a read and its write), as in mention-store.ts.
 */
import { blockedDomains, hostIn, mentionId, type MentionPolicy, type MentionStatus } from "../conversations/mention-store.ts";
import { MAX_STORED_PER_HOME, MAX_STORED_PER_POST } from "../conversations/limits.ts";
import type { MentionData } from "../conversations/source-page.ts";
import type { OutgoingActivity } from "./activities.ts";
import {
  FIRST_DELIVERY_RETRY_MS,
  MAX_DELIVERIES,
  MAX_DELIVERY_ATTEMPTS,
  MAX_FOLLOWERS,
  MAX_OUTBOX_ACTIVITIES,
  MAX_REMOTE_KEYS,
  MAX_SEEN_ACTIVITIES,
} from "./limits.ts";

export const FEDERATION_TABLES = [
  // One row at most (id 1): the key pair is written once and never replaced.
  "CREATE TABLE IF NOT EXISTS ap_keys (id INTEGER PRIMARY KEY CHECK (id = 1), public_pem TEXT NOT NULL, private_pkcs8 TEXT NOT NULL, created INTEGER NOT NULL)",
  `CREATE TABLE IF NOT EXISTS ap_followers (
    actor TEXT PRIMARY KEY,
    inbox TEXT NOT NULL,
    shared_inbox TEXT,
    host TEXT NOT NULL,
    follow_id TEXT NOT NULL,
    since INTEGER NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS ap_activities (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    object TEXT NOT NULL,
    json TEXT NOT NULL,
    public INTEGER NOT NULL,
    published INTEGER NOT NULL
  )`,
  "CREATE INDEX IF NOT EXISTS ap_activities_by_object ON ap_activities (object, seq)",
  `CREATE TABLE IF NOT EXISTS ap_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    activity TEXT NOT NULL,
    inbox TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL,
    state TEXT NOT NULL,
    result TEXT,
    UNIQUE (activity, inbox)
  )`,
  "CREATE INDEX IF NOT EXISTS ap_deliveries_due ON ap_deliveries (state, next_at)",
  "CREATE TABLE IF NOT EXISTS ap_remote_keys (key_id TEXT PRIMARY KEY, actor TEXT NOT NULL, pem TEXT NOT NULL, info TEXT NOT NULL, fetched INTEGER NOT NULL)",
  "CREATE TABLE IF NOT EXISTS ap_seen (id TEXT PRIMARY KEY, at INTEGER NOT NULL)",
];

export interface KeyPair {
  publicKeyPem: string;
  privateKeyPkcs8: string;
}

/** A follower as stored: its actor id, its inbox and shared inbox, the Follow's id. */
export interface Follower {
  actor: string;
  inbox: string;
  sharedInbox?: string;
  followId: string;
}

/** A remote actor as read from its document: what the inbox needs of it (every string bounded, every URL https). */
export interface RemoteActor {
  id: string;
  inbox: string;
  sharedInbox?: string;
  name: string;
  url?: string;
  icon?: string;
}

export interface RemoteKey {
  keyId: string;
  pem: string;
  actor: RemoteActor;
  fetched: number;
}

export interface DeliveryJob {
  id: number;
  inbox: string;
  json: string;
  attempts: number;
}

export type DeliveryOutcome =
  | { id: number; outcome: "sent"; status: number }
  /** A refusal that will not change (4xx but 408 and 429): not tried again. */
  | { id: number; outcome: "refused"; detail: string }
  | { id: number; outcome: "retry"; detail: string; retryAfterSeconds?: number };

/** A reply or a like received, as the conversations keep it. */
export interface Interaction {
  /** The remote object's id (a Note) or the Like's id: with the path, what makes it one mention. */
  source: string;
  target: string;
  path: string;
  host: string;
  data: MentionData;
}

const count = (sql: SqlStorage, query: string, ...bindings: SqlStorageValue[]) => sql.exec<{ n: number }>(query, ...bindings).one().n;

export function keys(sql: SqlStorage): KeyPair | undefined {
  const row = sql.exec<{ public_pem: string; private_pkcs8: string }>("SELECT public_pem, private_pkcs8 FROM ap_keys WHERE id = 1").toArray()[0];
  return row ? { publicKeyPem: row.public_pem, privateKeyPkcs8: row.private_pkcs8 } : undefined;
}

/** Stores the key pair unless one is there already (then that one stays). */
export function saveKeys(sql: SqlStorage, pair: KeyPair, nowMs: number): void {
  sql.exec("INSERT OR IGNORE INTO ap_keys (id, public_pem, private_pkcs8, created) VALUES (1, ?, ?, ?)", pair.publicKeyPem, pair.privateKeyPkcs8, nowMs);
}

/** Stores (or refreshes) a follower; "full" past `MAX_FOLLOWERS`. */
export function follow(sql: SqlStorage, follower: Follower, nowMs: number): "stored" | "full" {
  const known = count(sql, "SELECT COUNT(*) AS n FROM ap_followers WHERE actor = ?", follower.actor) > 0;
  if (!known && count(sql, "SELECT COUNT(*) AS n FROM ap_followers") >= MAX_FOLLOWERS) return "full";
  sql.exec(
    `INSERT INTO ap_followers (actor, inbox, shared_inbox, host, follow_id, since) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (actor) DO UPDATE SET inbox = excluded.inbox, shared_inbox = excluded.shared_inbox, host = excluded.host, follow_id = excluded.follow_id`,
    follower.actor,
    follower.inbox,
    follower.sharedInbox ?? null,
    new URL(follower.inbox).host.toLowerCase(),
    follower.followId,
    nowMs,
  );
  return "stored";
}

export function unfollow(sql: SqlStorage, actor: string): boolean {
  return sql.exec("DELETE FROM ap_followers WHERE actor = ?", actor).rowsWritten > 0;
}

export function followers(sql: SqlStorage): Follower[] {
  return sql
    .exec<{ actor: string; inbox: string; shared_inbox: string | null; follow_id: string }>("SELECT actor, inbox, shared_inbox, follow_id FROM ap_followers ORDER BY since")
    .toArray()
    .map((row) => ({ actor: row.actor, inbox: row.inbox, ...(row.shared_inbox ? { sharedInbox: row.shared_inbox } : {}), followId: row.follow_id }));
}

/** Where an activity for every follower goes: each server's shared inbox once, else each follower's own inbox. */
export function followerInboxes(sql: SqlStorage): string[] {
  const inboxes = new Set<string>();
  for (const follower of followers(sql)) inboxes.add(follower.sharedInbox ?? follower.inbox);
  return [...inboxes];
}

/**
 * Keeps an activity (the public ones make the outbox, the oldest beyond `MAX_OUTBOX_ACTIVITIES`
 * go) and queues its deliveries, due now; how many were queued.
 */
export function queueActivity(sql: SqlStorage, activity: OutgoingActivity, inboxes: string[], nowMs: number): number {
  sql.exec("INSERT INTO ap_activities (id, type, object, json, public, published) VALUES (?, ?, ?, ?, ?, ?)", activity.id, activity.type, activity.object, activity.json, activity.public ? 1 : 0, nowMs);
  const kept = count(sql, "SELECT COUNT(*) AS n FROM ap_activities");
  if (kept > MAX_OUTBOX_ACTIVITIES) {
    sql.exec(
      "DELETE FROM ap_activities WHERE seq IN (SELECT seq FROM ap_activities WHERE id NOT IN (SELECT activity FROM ap_deliveries WHERE state = 'pending') ORDER BY seq LIMIT ?)",
      kept - MAX_OUTBOX_ACTIVITIES,
    );
  }
  if (count(sql, "SELECT COUNT(*) AS n FROM ap_deliveries") + inboxes.length > MAX_DELIVERIES) sql.exec("DELETE FROM ap_deliveries WHERE state != 'pending'");
  let queued = 0;
  for (const inbox of inboxes) {
    if (count(sql, "SELECT COUNT(*) AS n FROM ap_deliveries") >= MAX_DELIVERIES) {
      console.error(`deliveries full (${MAX_DELIVERIES}): ${inboxes.length - queued} inboxes will not get ${activity.type} ${activity.object}`);
      break;
    }
    sql.exec("INSERT OR IGNORE INTO ap_deliveries (activity, inbox, next_at, state) VALUES (?, ?, ?, 'pending')", activity.id, inbox, nowMs);
    queued++;
  }
  return queued;
}

/** The type of the last activity sent about an object (a post's URL), if any. */
export function lastActivityType(sql: SqlStorage, object: string): string | undefined {
  return sql.exec<{ type: string }>("SELECT type FROM ap_activities WHERE object = ? AND public = 1 ORDER BY seq DESC LIMIT 1", object).toArray()[0]?.type;
}

export function dueDeliveries(sql: SqlStorage, nowMs: number, limit: number): DeliveryJob[] {
  return sql
    .exec<{ id: number; inbox: string; json: string; attempts: number }>(
      `SELECT d.id AS id, d.inbox AS inbox, a.json AS json, d.attempts AS attempts FROM ap_deliveries d JOIN ap_activities a ON a.id = d.activity
       WHERE d.state = 'pending' AND d.next_at <= ? ORDER BY d.next_at, d.id LIMIT ?`,
      nowMs,
      limit,
    )
    .toArray()
    .map((row) => ({ ...row }));
}

/** Deliveries due now (and the followers), for the cron's and the tests' look. */
export function deliveryCounts(sql: SqlStorage, nowMs: number): { due: number; pending: number; sent: number; failed: number; followers: number } {
  return {
    due: count(sql, "SELECT COUNT(*) AS n FROM ap_deliveries WHERE state = 'pending' AND next_at <= ?", nowMs),
    pending: count(sql, "SELECT COUNT(*) AS n FROM ap_deliveries WHERE state = 'pending'"),
    sent: count(sql, "SELECT COUNT(*) AS n FROM ap_deliveries WHERE state = 'sent'"),
    failed: count(sql, "SELECT COUNT(*) AS n FROM ap_deliveries WHERE state = 'failed'"),
    followers: count(sql, "SELECT COUNT(*) AS n FROM ap_followers"),
  };
}

/** Records what delivering did: a retry waits `FIRST_DELIVERY_RETRY_MS` doubled per attempt (or the server's Retry-After), `MAX_DELIVERY_ATTEMPTS` in all. */
export function recordDeliveries(sql: SqlStorage, outcomes: DeliveryOutcome[], nowMs: number): void {
  for (const outcome of outcomes) {
    if (outcome.outcome === "sent") sql.exec("UPDATE ap_deliveries SET state = 'sent', attempts = attempts + 1, result = ? WHERE id = ?", `HTTP ${outcome.status}`, outcome.id);
    else if (outcome.outcome === "refused") sql.exec("UPDATE ap_deliveries SET state = 'failed', attempts = attempts + 1, result = ? WHERE id = ?", outcome.detail, outcome.id);
    else {
      const row = sql.exec<{ attempts: number }>("SELECT attempts FROM ap_deliveries WHERE id = ?", outcome.id).toArray()[0];
      if (!row) continue;
      const attempts = row.attempts + 1;
      const wait = Math.max(FIRST_DELIVERY_RETRY_MS * 2 ** (attempts - 1), (outcome.retryAfterSeconds ?? 0) * 1000);
      sql.exec(
        "UPDATE ap_deliveries SET attempts = ?, next_at = ?, state = ?, result = ? WHERE id = ?",
        attempts,
        nowMs + wait,
        attempts >= MAX_DELIVERY_ATTEMPTS ? "failed" : "pending",
        outcome.detail,
        outcome.id,
      );
    }
  }
}

/** The public activities, newest first, and how many there are. */
export function outbox(sql: SqlStorage, limit: number): { total: number; items: string[] } {
  return {
    total: count(sql, "SELECT COUNT(*) AS n FROM ap_activities WHERE public = 1"),
    items: sql.exec<{ json: string }>("SELECT json FROM ap_activities WHERE public = 1 ORDER BY seq DESC LIMIT ?", limit).toArray().map((row) => row.json),
  };
}

export function publicActivity(sql: SqlStorage, id: string): string | undefined {
  return sql.exec<{ json: string }>("SELECT json FROM ap_activities WHERE id = ? AND public = 1", id).toArray()[0]?.json;
}

export function remoteKey(sql: SqlStorage, keyId: string): RemoteKey | undefined {
  const row = sql.exec<{ key_id: string; pem: string; info: string; fetched: number }>("SELECT key_id, pem, info, fetched FROM ap_remote_keys WHERE key_id = ?", keyId).toArray()[0];
  return row ? { keyId: row.key_id, pem: row.pem, actor: JSON.parse(row.info) as RemoteActor, fetched: row.fetched } : undefined;
}

export function rememberKey(sql: SqlStorage, key: RemoteKey): void {
  sql.exec("INSERT OR REPLACE INTO ap_remote_keys (key_id, actor, pem, info, fetched) VALUES (?, ?, ?, ?, ?)", key.keyId, key.actor.id, key.pem, JSON.stringify(key.actor), key.fetched);
  const kept = count(sql, "SELECT COUNT(*) AS n FROM ap_remote_keys");
  if (kept > MAX_REMOTE_KEYS) sql.exec("DELETE FROM ap_remote_keys WHERE key_id IN (SELECT key_id FROM ap_remote_keys ORDER BY fetched LIMIT ?)", kept - MAX_REMOTE_KEYS);
}

/** True the first time an activity id is seen (a redelivered activity is then done once). */
export function firstSeen(sql: SqlStorage, id: string, nowMs: number): boolean {
  if (sql.exec("INSERT OR IGNORE INTO ap_seen (id, at) VALUES (?, ?)", id, nowMs).rowsWritten === 0) return false;
  const kept = count(sql, "SELECT COUNT(*) AS n FROM ap_seen");
  if (kept > MAX_SEEN_ACTIVITIES) sql.exec("DELETE FROM ap_seen WHERE id IN (SELECT id FROM ap_seen ORDER BY at LIMIT ?)", kept - MAX_SEEN_ACTIVITIES);
  return true;
}

/**
 * Stores a received reply or like as a mention of the post, verified by its signature: held or
 * published by the policy (an approved one stays approved when it is edited), dropped when its
 * host is blocked or the post's mentions are full. True when the mentions changed.
 */
export function receiveInteraction(sql: SqlStorage, interaction: Interaction, policy: MentionPolicy, nowMs: number): boolean {
  if (hostIn(interaction.host, blockedDomains(sql, policy))) return false;
  const id = mentionId(interaction.source, interaction.path);
  const existing = sql.exec<{ status: string }>("SELECT status FROM mentions WHERE id = ?", id).toArray()[0];
  if (!existing) {
    if (count(sql, "SELECT COUNT(*) AS n FROM mentions WHERE path = ?", interaction.path) >= MAX_STORED_PER_POST) return false;
    if (count(sql, "SELECT COUNT(*) AS n FROM mentions") >= MAX_STORED_PER_HOME) return false;
  }
  const status: MentionStatus = existing?.status === "published" || policy.moderation === "publish" ? "published" : "held";
  sql.exec(
    "INSERT OR REPLACE INTO mentions (id, source, target, path, host, kind, data, status, verified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    id,
    interaction.source,
    interaction.target,
    interaction.path,
    interaction.host,
    interaction.data.kind,
    JSON.stringify(interaction.data),
    status,
    nowMs,
  );
  return true;
}

/** Removes what a remote server deleted or undid (its Note, its Like), only from that server; true when a mention went. */
export function forgetInteraction(sql: SqlStorage, source: string, host: string): boolean {
  return sql.exec("DELETE FROM mentions WHERE source = ? AND host = ?", source, host).rowsWritten > 0;
}
