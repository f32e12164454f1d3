/**
 * @module The community's Durable Object (SQLite storage): its members, their custom hostnames
 * and the invitations. An invitation is used once for real: `join` reads it and marks it used in
 * one synchronous step (nothing awaited between), so of two people submitting one invitation at
 * once, one gets the home and the other is told it was used. KV alone could not promise that.
 * After each change an alarm writes the directory visitors' requests read (KV `community:directory`).
 */
import { DurableObject } from "cloudflare:workers";
import { randomToken, sha256Hex } from "../auth/secret.ts";
import { stableHash } from "../hash.ts";
import { handleProblem } from "./config.ts";

/** The KV key of the directory: members and hostnames, what every request on a member's host reads. */
export const DIRECTORY_KEY = "community:directory";
/** An invitation's life unless the admin asks otherwise: 7 days. */
export const INVITE_TTL_MS = 7 * 24 * 3_600_000;
/** The longest an admin may ask for: 90 days. */
export const MAX_INVITE_TTL_MS = 90 * 24 * 3_600_000;
/** Invitations not yet used that one community may hold. */
export const MAX_OPEN_INVITES = 1_000;
/** Members one community may hold (each is a home the cron rotates through). */
export const MAX_MEMBERS = 1_000;
/** Custom hostnames one member may point at their home. */
export const MAX_HOSTS_PER_MEMBER = 5;
/** KV takes one write per second per key. */
const DIRECTORY_INTERVAL_MS = 1_000;

/** What the community's page shows of a member (drawn from their profile), and whether the planet carries them. */
export interface MemberCard {
  name: string;
  url: string;
  photo?: string;
  note?: string;
  /** Opted in to the planet (`"community": true` in the member's profile). */
  planet: boolean;
}

export interface Member {
  handle: string;
  joinedAt: string;
  card: MemberCard;
}

/** What visitors' requests read: every member and every custom hostname. */
export interface Directory {
  version: string;
  members: Member[];
  /** Custom hostname → handle. */
  hosts: Record<string, string>;
}

export type InviteState = "open" | "used" | "expired" | "unknown";

export type JoinResult = { joined: Member; directory: Directory } | { refused: "unknown" | "used" | "expired" | "taken" | "reserved" | "format" | "full" };

interface MemberRow extends Record<string, SqlStorageValue> {
  handle: string;
  joined: number;
  card: string;
}

export class CommunityStore extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec("CREATE TABLE IF NOT EXISTS invites (hash TEXT PRIMARY KEY, created INTEGER NOT NULL, expires INTEGER NOT NULL, used INTEGER, handle TEXT)");
    this.sql.exec("CREATE TABLE IF NOT EXISTS members (handle TEXT PRIMARY KEY, joined INTEGER NOT NULL, card TEXT NOT NULL)");
    this.sql.exec("CREATE TABLE IF NOT EXISTS hosts (host TEXT PRIMARY KEY, handle TEXT NOT NULL)");
    this.sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  }

  /** A new invitation (its token, shown once; only its SHA-256 is kept), or null when too many are open. */
  async createInvite(ttlMs = INVITE_TTL_MS, nowMs = Date.now()): Promise<{ token: string; expiresAt: string } | null> {
    const token = randomToken();
    const hash = await sha256Hex(token);
    this.sql.exec("DELETE FROM invites WHERE used IS NULL AND expires <= ?", nowMs);
    const open = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM invites WHERE used IS NULL").one().n;
    if (open >= MAX_OPEN_INVITES) return null;
    const expires = nowMs + Math.min(Math.max(ttlMs, 60_000), MAX_INVITE_TTL_MS);
    this.sql.exec("INSERT INTO invites (hash, created, expires) VALUES (?, ?, ?)", hash, nowMs, expires);
    return { token, expiresAt: new Date(expires).toISOString() };
  }

  /** Whether an invitation can still be used (the page shows the form, or why not). */
  async inviteState(token: string, nowMs = Date.now()): Promise<InviteState> {
    const row = this.sql.exec<{ expires: number; used: number | null }>("SELECT expires, used FROM invites WHERE hash = ?", await sha256Hex(token)).toArray()[0];
    if (!row) return "unknown";
    if (row.used !== null) return "used";
    return row.expires <= nowMs ? "expired" : "open";
  }

  /**
   * Uses an invitation to make a member: the invitation, the handle's format, its availability and
   * the member's row, all in one synchronous step after the hash.
   */
  async join(token: string, handle: string, card: MemberCard, nowMs = Date.now()): Promise<JoinResult> {
    const hash = await sha256Hex(token);
    // From here on, synchronous: no other join can run between the checks and the writes.
    const invite = this.sql.exec<{ expires: number; used: number | null }>("SELECT expires, used FROM invites WHERE hash = ?", hash).toArray()[0];
    if (!invite) return { refused: "unknown" };
    if (invite.used !== null) return { refused: "used" };
    if (invite.expires <= nowMs) return { refused: "expired" };
    const problem = handleProblem(handle);
    if (problem) return { refused: problem };
    if (this.row(handle)) return { refused: "taken" };
    if (this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM members").one().n >= MAX_MEMBERS) return { refused: "full" };
    this.sql.exec("UPDATE invites SET used = ?, handle = ? WHERE hash = ?", nowMs, handle, hash);
    this.sql.exec("INSERT INTO members (handle, joined, card) VALUES (?, ?, ?)", handle, nowMs, JSON.stringify(card));
    const directory = this.changed();
    return { joined: { handle, joinedAt: new Date(nowMs).toISOString(), card }, directory };
  }

  /** The member's card follows their profile (the page, the planet's opt-in). */
  updateCard(handle: string, card: MemberCard): Directory | null {
    const row = this.row(handle);
    if (!row || row.card === JSON.stringify(card)) return null;
    this.sql.exec("UPDATE members SET card = ? WHERE handle = ?", JSON.stringify(card), handle);
    return this.changed();
  }

  /** A member, read from the store itself (a request whose directory copy is older than a sign-up). */
  member(handle: string): Member | null {
    const row = this.row(handle);
    return row ? memberOf(row) : null;
  }

  /** The member a custom hostname belongs to, or null. */
  hostOwner(host: string): string | null {
    return this.sql.exec<{ handle: string }>("SELECT handle FROM hosts WHERE host = ?", host).toArray()[0]?.handle ?? null;
  }

  /** Points a custom hostname at a member's home (the admin's call, after Cloudflare for SaaS accepted it). */
  addHost(handle: string, host: string): { directory: Directory } | { refused: "unknown" | "taken" | "full" } {
    if (!this.row(handle)) return { refused: "unknown" };
    const owner = this.hostOwner(host);
    if (owner && owner !== handle) return { refused: "taken" };
    if (owner === handle) return { directory: this.directory() };
    if (this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM hosts WHERE handle = ?", handle).one().n >= MAX_HOSTS_PER_MEMBER) return { refused: "full" };
    this.sql.exec("INSERT INTO hosts (host, handle) VALUES (?, ?)", host, handle);
    return { directory: this.changed() };
  }

  removeHost(host: string): Directory | null {
    if (!this.hostOwner(host)) return null;
    this.sql.exec("DELETE FROM hosts WHERE host = ?", host);
    return this.changed();
  }

  /** A member leaves: their row and hostnames go (their home's keys are deleted by the caller). */
  removeMember(handle: string): Directory | null {
    if (!this.row(handle)) return null;
    this.sql.exec("DELETE FROM members WHERE handle = ?", handle);
    this.sql.exec("DELETE FROM hosts WHERE handle = ?", handle);
    return this.changed();
  }

  directory(): Directory {
    const members = this.sql.exec<MemberRow>("SELECT handle, joined, card FROM members ORDER BY joined, handle").toArray().map(memberOf);
    const hosts: Record<string, string> = {};
    for (const row of this.sql.exec<{ host: string; handle: string }>("SELECT host, handle FROM hosts ORDER BY host")) hosts[row.host] = row.handle;
    return { version: this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'version'").toArray()[0]?.value ?? "0", members, hosts };
  }

  override async alarm(): Promise<void> {
    const directory = this.directory();
    await this.env.M2_KV.put(DIRECTORY_KEY, JSON.stringify(directory));
    this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('flushedAt', ?)", String(Date.now()));
    if (this.meta("version") !== directory.version) await this.ctx.storage.setAlarm(Date.now() + DIRECTORY_INTERVAL_MS);
  }

  private changed(): Directory {
    this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('version', ?)", stableHash(`${this.meta("version") ?? "0"}.${Date.now()}.${randomToken()}`));
    void this.ctx.storage.setAlarm(Math.max(Date.now(), Number(this.meta("flushedAt") ?? 0) + DIRECTORY_INTERVAL_MS));
    return this.directory();
  }

  private meta(key: string): string | undefined {
    return this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value;
  }

  private row(handle: string): MemberRow | undefined {
    return this.sql.exec<MemberRow>("SELECT handle, joined, card FROM members WHERE handle = ?", handle).toArray()[0];
  }
}

function memberOf(row: MemberRow): Member {
  return { handle: row.handle, joinedAt: new Date(row.joined).toISOString(), card: JSON.parse(row.card) as MemberCard };
}
