/**
 * @module The home's Durable Object (SQLite storage): where what the owner writes lives, since it
 * cannot be fetched again. Every method runs to its end before the next starts (no await between
 * reading and writing a row), so two posts in the same second both get a row, and an edit made
 * against an older revision is refused instead of overwriting the other. After each change it
 * rewrites the KV key `posts` that visitors read (`PostsSnapshot`), from an alarm, at most once a
 * second (KV's limit per key), the latest state each time. The conversations' tables (received
 * Webmentions, their queue, the outbox of those the home sends) live here too
 * (conversations/mention-store.ts): each write of a post queues its mentions in the same step.
 */
import { DurableObject } from "cloudflare:workers";
import { randomToken, sameSecret, sha256Hex } from "../auth/secret.ts";
import { stableHash } from "../hash.ts";
import type { Item } from "../model.ts";
import * as mentions from "../conversations/mention-store.ts";
import * as federation from "../federation/store.ts";
import { generateKeyPair } from "../federation/signatures.ts";
import { editTargets, targetsOf } from "../conversations/targets.ts";
import { applyOperations, checkPostSize, InvalidRequest, kindOf, slugOf, type UpdateOperations } from "./mf2.ts";
import { postItem, type PostContext } from "./render.ts";
import { POSTS_KEY } from "./snapshot.ts";
import { isMemberStore, kvPrefixOfStore, prefixedKV } from "../store/prefixed.ts";
import { MAX_PROFILE_BYTES, MAX_PROFILE_VERSIONS, type ProfileOverlay } from "../config/overlay.ts";
import { PROFILE_KEY } from "../store/index.ts";
import { POST_FOLDERS, type Mf2Properties, type PostKind, type PostsSnapshot, type StoredPost } from "./types.ts";

/** Posts in the snapshot visitors read: the page, the feeds and their permalinks; older ones are read from the store. */
export const SNAPSHOT_POSTS = 200;
/** Posts one home may hold. */
export const MAX_POSTS = 100_000;
/** KV takes one write per second per key. */
const SNAPSHOT_INTERVAL_MS = 1_000;

/** Why a write was refused, for the route to answer with. */
export type WriteRefusal = { refused: "not-found" | "conflict" | "invalid" | "full"; message: string };

export type WriteResult = { post: StoredPost; snapshot: PostsSnapshot } | WriteRefusal;

/** A create: the properties, and what the writer chose (a slug, a date for a backdated post). */
export interface NewPost {
  properties: Mf2Properties;
  slug?: string;
  published?: string;
}

interface PostRow extends Record<string, SqlStorageValue> {
  uid: string;
  path: string;
  kind: string;
  properties: string;
  published: string;
  updated: string | null;
  deleted: string | null;
  revision: number;
  item: string;
}

/** What an access token grants (IndieAuth): who, to which client, which scopes, until when. */
export interface TokenGrant {
  clientId: string;
  scope: string[];
  me: string;
  issuedAt: number;
  expiresAt: number;
}

interface TokenRow extends Record<string, SqlStorageValue> {
  hash: string;
  client_id: string;
  scope: string;
  me: string;
  issued: number;
  expires: number;
  revoked: number | null;
}

/** Tokens and codes are kept as their SHA-256 (hex): a copy of the tables grants nothing. */
const tokenHash = sha256Hex;

const ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/** A uid that sorts by time: the creation time in base 36, then 4 random characters. */
function newUid(now: number): string {
  const random = crypto.getRandomValues(new Uint8Array(4));
  let suffix = "";
  for (const byte of random) suffix += ID_ALPHABET[byte % 36];
  return `${now.toString(36)}${suffix}`;
}

/** The path of a post: articles by their slug, the others by their uid. */
function basePath(kind: PostKind, uid: string, slug: string): string {
  if (kind === "article" && slug) return `/articles/${slug}`;
  return `/${POST_FOLDERS[kind]}/${uid}`;
}

function toPost(row: PostRow): StoredPost {
  return {
    uid: row.uid,
    path: row.path,
    kind: row.kind as PostKind,
    properties: JSON.parse(row.properties) as Mf2Properties,
    published: row.published,
    ...(row.updated ? { updated: row.updated } : {}),
    ...(row.deleted ? { deleted: row.deleted } : {}),
    revision: row.revision,
  };
}

/** A date a writer may set: ISO 8601 that parses, not after now (a post is never in the future). */
function publishedAt(given: string | undefined, now: Date): string {
  if (given === undefined) return now.toISOString();
  const time = Date.parse(given);
  if (Number.isNaN(time)) throw new InvalidRequest(`published: "${given.slice(0, 40)}" is not a date`);
  return new Date(Math.min(time, now.getTime())).toISOString();
}

/** An authorization code's grant (IndieAuth §5.2): what the owner approved, for whom. */
export interface CodeGrant {
  clientId: string;
  redirectUri: string;
  scope: string[];
  codeChallenge: string;
  me: string;
}

/** What a redemption must match: the code's client and redirect URI, and the PKCE challenge of the verifier sent. */
export interface Redemption {
  code: string;
  clientId: string;
  redirectUri: string;
  challengeOfVerifier: string;
}

export type RedeemResult = { redeemed: CodeGrant } | { refused: "unknown" | "used" | "expired" | "mismatch" | "pkce" };

interface CodeRow extends Record<string, SqlStorageValue> {
  hash: string;
  client_id: string;
  redirect_uri: string;
  scope: string;
  code_challenge: string;
  me: string;
  expires: number;
  used: number;
}

/** How long a code may wait for its redemption (IndieAuth §5.2.1: 10 minutes at most). */
export const CODE_TTL_MS = 10 * 60_000;
/** Wrong owner secrets allowed per window, and the window. */
export const MAX_WRONG_SECRETS = 5;
export const WRONG_SECRET_WINDOW_MS = 15 * 60_000;

export type SignIn = "signed-in" | "wrong" | "limited";

interface ProfileVersionRow extends Record<string, SqlStorageValue> {
  version: number;
  saved_at: string;
  profile: string;
  base: string;
}

/** A profile saved (the new version), or why not: another save since the form was loaded, too large, no such version. */
export type ProfileSave = { saved: ProfileOverlay } | { refused: "conflict"; current: ProfileOverlay | null } | { refused: "too-large"; max: number } | { refused: "not-found" };

export class HomeStore extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS posts (
      uid TEXT PRIMARY KEY,
      path TEXT NOT NULL UNIQUE,
      kind TEXT NOT NULL,
      properties TEXT NOT NULL,
      published TEXT NOT NULL,
      updated TEXT,
      deleted TEXT,
      revision INTEGER NOT NULL,
      item TEXT NOT NULL
    )`);
    this.sql.exec("CREATE INDEX IF NOT EXISTS posts_by_date ON posts (published DESC)");
    this.sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    this.sql.exec(`CREATE TABLE IF NOT EXISTS tokens (
      hash TEXT PRIMARY KEY,
      client_id TEXT NOT NULL,
      scope TEXT NOT NULL,
      me TEXT NOT NULL,
      issued INTEGER NOT NULL,
      expires INTEGER NOT NULL,
      revoked INTEGER
    )`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS codes (
      hash TEXT PRIMARY KEY,
      client_id TEXT NOT NULL,
      redirect_uri TEXT NOT NULL,
      scope TEXT NOT NULL,
      code_challenge TEXT NOT NULL,
      me TEXT NOT NULL,
      expires INTEGER NOT NULL,
      used INTEGER NOT NULL DEFAULT 0
    )`);
    this.sql.exec("CREATE TABLE IF NOT EXISTS sign_in_failures (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL)");
    // A community member's secret (its SHA-256) and forms' key; one row, set once at sign-up.
    this.sql.exec("CREATE TABLE IF NOT EXISTS owner (id INTEGER PRIMARY KEY CHECK (id = 1), secret_hash TEXT NOT NULL, form_key TEXT NOT NULL)");
    for (const statement of mentions.MENTION_TABLES) this.sql.exec(statement);
    // The profile edited in the browser: its last versions (config/overlay.ts).
    this.sql.exec("CREATE TABLE IF NOT EXISTS profile_versions (version INTEGER PRIMARY KEY, saved_at TEXT NOT NULL, profile TEXT NOT NULL, base TEXT NOT NULL)");
    for (const statement of federation.FEDERATION_TABLES) this.sql.exec(statement);
  }

  /**
   * Checks the owner's secret (`isOwnerSecret`), at most `MAX_WRONG_SECRETS` wrong ones per window.
   * The attempt is counted as wrong before the comparison and forgiven after a right one: attempts
   * in flight at once cannot pass the limit either.
   */
  async signIn(secret: string, nowMs = Date.now()): Promise<SignIn> {
    this.sql.exec("DELETE FROM sign_in_failures WHERE at <= ?", nowMs - WRONG_SECRET_WINDOW_MS);
    const failures = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM sign_in_failures").one().n;
    if (failures >= MAX_WRONG_SECRETS) return "limited";
    const attempt = this.sql.exec<{ id: number }>("INSERT INTO sign_in_failures (at) VALUES (?) RETURNING id", nowMs).one().id;
    if (!(await this.isOwnerSecret(secret))) return "wrong";
    this.sql.exec("DELETE FROM sign_in_failures WHERE id = ?", attempt);
    return "signed-in";
  }

  /**
   * True when `candidate` is the owner's secret: a member's (its SHA-256 is kept) in a member's
   * store, which never accepts ADMIN_TOKEN (the community admin's); ADMIN_TOKEN in the single home's.
   */
  async isOwnerSecret(candidate: string): Promise<boolean> {
    const owner = this.owner();
    if (owner) return sameSecret(await sha256Hex(candidate), owner.secret_hash);
    const admin = this.env.ADMIN_TOKEN;
    return !isMemberStore(this.ctx.id.name) && Boolean(admin) && (await sameSecret(candidate, admin));
  }

  /** The key of this home's form HMACs: a member's random key, or ADMIN_TOKEN. */
  formKey(): string {
    return this.owner()?.form_key ?? this.env.ADMIN_TOKEN;
  }

  /**
   * Makes a member's home: a new secret, returned once (only its SHA-256 is kept), and the forms'
   * key. Refused (null) when the home already has an owner: a sign-up cannot take a home over.
   */
  async claimOwner(): Promise<string | null> {
    if (this.owner()) return null;
    const secret = randomToken();
    const hash = await sha256Hex(secret);
    // Checked again after the await: of two claims at once, the second finds the first's row.
    if (this.owner()) return null;
    this.sql.exec("INSERT INTO owner (id, secret_hash, form_key) VALUES (1, ?, ?)", hash, randomToken());
    return secret;
  }

  /**
   * A member who lost their secret gets a new one (the community admin's call): the old secret,
   * every session and token, and every open form stop working. Null when the home has no owner.
   */
  async resetOwner(nowMs = Date.now()): Promise<string | null> {
    const secret = randomToken();
    const hash = await sha256Hex(secret);
    if (!this.owner()) return null;
    this.sql.exec("UPDATE owner SET secret_hash = ?, form_key = ? WHERE id = 1", hash, randomToken());
    this.sql.exec("UPDATE tokens SET revoked = ? WHERE revoked IS NULL", nowMs);
    return secret;
  }

  private owner(): { secret_hash: string; form_key: string } | undefined {
    return this.sql.exec<{ secret_hash: string; form_key: string }>("SELECT secret_hash, form_key FROM owner").toArray()[0];
  }

  /** Removes everything this home's store holds (a member leaving): its tables, its alarm. */
  async erase(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  /** The KV namespace under this home's prefix (the member's, from the object's name). */
  private get kv(): KVNamespace {
    return prefixedKV(this.env.M2_KV, kvPrefixOfStore(this.ctx.id.name));
  }

  /** A new authorization code for an approved request, valid `CODE_TTL_MS`; only its SHA-256 is kept. */
  async issueCode(grant: CodeGrant, nowMs = Date.now()): Promise<string> {
    const code = randomToken();
    const hash = await tokenHash(code);
    this.sql.exec("DELETE FROM codes WHERE expires < ?", nowMs);
    this.sql.exec(
      "INSERT INTO codes (hash, client_id, redirect_uri, scope, code_challenge, me, expires) VALUES (?, ?, ?, ?, ?, ?, ?)",
      hash,
      grant.clientId,
      grant.redirectUri,
      grant.scope.join(" "),
      grant.codeChallenge,
      grant.me,
      nowMs + CODE_TTL_MS,
    );
    return code;
  }

  /**
   * Redeems a code once: the row is read and marked used in one synchronous step (nothing awaited
   * between), so of two redemptions at once exactly one gets the grant. Any attempt uses the code
   * up, a failed one too (a wrong verifier cannot be retried).
   */
  async redeemCode(redemption: Redemption, nowMs = Date.now()): Promise<RedeemResult> {
    const hash = await tokenHash(redemption.code);
    // From here on, synchronous: the read and the mark cannot be split by another request.
    const row = this.sql.exec<CodeRow>("SELECT * FROM codes WHERE hash = ?", hash).toArray()[0];
    if (!row) return { refused: "unknown" };
    if (row.used) return { refused: "used" };
    this.sql.exec("UPDATE codes SET used = 1 WHERE hash = ?", hash);
    if (row.expires <= nowMs) return { refused: "expired" };
    if (row.client_id !== redemption.clientId || row.redirect_uri !== redemption.redirectUri) return { refused: "mismatch" };
    if (row.code_challenge !== redemption.challengeOfVerifier) return { refused: "pkce" };
    return { redeemed: { clientId: row.client_id, redirectUri: row.redirect_uri, scope: row.scope.split(" ").filter(Boolean), codeChallenge: row.code_challenge, me: row.me } };
  }

  /** A new access token (32 random bytes, base64url); only its SHA-256 is kept. */
  async issueToken(grant: { clientId: string; scope: string[]; me: string; ttlSeconds: number }, nowMs = Date.now()): Promise<{ token: string; expiresAt: number }> {
    const token = randomToken();
    const expiresAt = nowMs + grant.ttlSeconds * 1000;
    this.sql.exec("DELETE FROM tokens WHERE expires < ?", nowMs);
    this.sql.exec("INSERT INTO tokens (hash, client_id, scope, me, issued, expires) VALUES (?, ?, ?, ?, ?, ?)", await tokenHash(token), grant.clientId, grant.scope.join(" "), grant.me, nowMs, expiresAt);
    return { token, expiresAt };
  }

  /** What a token grants, or null when it is unknown, expired or revoked. */
  async checkToken(token: string, nowMs = Date.now()): Promise<TokenGrant | null> {
    const row = this.sql.exec<TokenRow>("SELECT * FROM tokens WHERE hash = ?", await tokenHash(token)).toArray()[0];
    if (!row || row.revoked !== null || row.expires <= nowMs) return null;
    return { clientId: row.client_id, scope: row.scope.split(" ").filter(Boolean), me: row.me, issuedAt: row.issued, expiresAt: row.expires };
  }

  /** Revokes a token; unknown tokens are no error (RFC 7009). */
  async revokeToken(token: string, nowMs = Date.now()): Promise<void> {
    this.sql.exec("UPDATE tokens SET revoked = ? WHERE hash = ?", nowMs, await tokenHash(token));
  }

  /** Creates a post; its path is made unique (`-2`, `-3`… after a slug already taken). */
  create(input: NewPost, context: PostContext, nowMs = Date.now()): WriteResult {
    return this.refusing(() => {
      checkPostSize(input.properties);
      const count = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM posts").one().n;
      if (count >= MAX_POSTS) return { refused: "full", message: `this home holds ${MAX_POSTS} posts, its most` };
      const now = new Date(nowMs);
      const kind = kindOf(input.properties);
      let uid = newUid(nowMs);
      while (this.row(uid, "uid")) uid = newUid(nowMs);
      const slug = slugOf(input.slug ?? (kind === "article" ? (typeof input.properties.name?.[0] === "string" ? input.properties.name[0] : "") : ""));
      const base = basePath(kind, uid, slug);
      let path = base;
      for (let n = 2; this.row(path, "path"); n++) path = `${base}-${n}`;
      const post: StoredPost = { uid, path, kind, properties: input.properties, published: publishedAt(input.published, now), revision: 1 };
      const item = this.put(post, context);
      this.queueSends(post, context, targetsOf(post.properties, item.content_html, new URL(path, context.home).href), nowMs);
      return { post, snapshot: this.changed() };
    });
  }

  /** Applies Micropub's replace / add / delete to a post, refused when `revision` is given and is not the post's. */
  update(path: string, operations: UpdateOperations, context: PostContext, revision?: number, nowMs = Date.now()): WriteResult {
    return this.refusing(() => {
      const row = this.row(path, "path");
      if (!row || row.deleted) return { refused: "not-found", message: `no post at ${path}` };
      if (revision !== undefined && row.revision !== revision) {
        return { refused: "conflict", message: `the post changed since revision ${revision} (now ${row.revision}); nothing was overwritten` };
      }
      const before = toPost(row);
      const properties = applyOperations(before.properties, operations);
      checkPostSize(properties);
      // The kind follows the properties, the path stays: a URL once given keeps answering.
      const post: StoredPost = { ...before, kind: kindOf(properties), properties, updated: new Date(nowMs).toISOString(), revision: before.revision + 1 };
      const url = new URL(path, context.home).href;
      const old = targetsOf(before.properties, (JSON.parse(row.item) as Item).content_html, url);
      const item = this.put(post, context);
      this.queueSends(post, context, editTargets(old, targetsOf(post.properties, item.content_html, url)), nowMs);
      return { post, snapshot: this.changed() };
    });
  }

  /** Marks a post deleted (410 Gone, out of the feeds); its row stays for an undelete. */
  delete(path: string, context: PostContext, nowMs = Date.now()): WriteResult {
    const row = this.row(path, "path");
    if (!row || row.deleted) return { refused: "not-found", message: `no post at ${path}` };
    const post: StoredPost = { ...toPost(row), deleted: new Date(nowMs).toISOString(), revision: row.revision + 1 };
    this.put(post, context);
    // The targets learn of the deletion (their verification finds a 410).
    this.queueSends(post, context, targetsOf(post.properties, (JSON.parse(row.item) as Item).content_html, new URL(path, context.home).href), nowMs);
    return { post, snapshot: this.changed() };
  }

  undelete(path: string, context: PostContext): WriteResult {
    const row = this.row(path, "path");
    if (!row || !row.deleted) return { refused: "not-found", message: `no deleted post at ${path}` };
    const { deleted: _deleted, ...rest } = toPost(row);
    const post: StoredPost = { ...rest, revision: row.revision + 1 };
    this.put(post, context);
    return { post, snapshot: this.changed() };
  }

  /** The post at a path, deleted or not, with its item (its HTML rendered); null when there never was one. */
  get(path: string): { post: StoredPost; item: Item } | null {
    const row = this.row(path, "path");
    return row ? { post: toPost(row), item: JSON.parse(row.item) as Item } : null;
  }

  /** Every post, deleted ones included, newest first (the export); the newest `limit` of them (the owner's list). */
  list(limit?: number): StoredPost[] {
    // SQLite reads LIMIT -1 as no limit.
    return this.sql.exec<PostRow>("SELECT * FROM posts ORDER BY published DESC, uid DESC LIMIT ?", limit ?? -1).toArray().map(toPost);
  }

  /**
   * Takes back an export: each post by its uid, kept as it was (path, dates, revision), replacing
   * a post of the same uid only when the imported one is a later revision. All or nothing.
   */
  import(posts: StoredPost[], context: PostContext): { imported: number; kept: number; snapshot: PostsSnapshot } | WriteRefusal {
    return this.refusing(() => {
      let imported = 0;
      let kept = 0;
      this.ctx.storage.transactionSync(() => {
        for (const post of posts) {
          checkPostSize(post.properties);
          const existing = this.row(post.uid, "uid");
          const taken = this.row(post.path, "path");
          if ((existing && existing.revision >= post.revision) || (taken && taken.uid !== post.uid)) {
            kept++;
            continue;
          }
          this.put({ ...post, kind: kindOf(post.properties) }, context);
          imported++;
        }
        const count = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM posts").one().n;
        if (count > MAX_POSTS) throw new InvalidRequest(`the import would make ${count} posts; at most ${MAX_POSTS}`);
      });
      return { imported, kept, snapshot: this.changed() };
    });
  }

  /** What visitors read, as of now (also written to KV by the alarm). */
  snapshot(): PostsSnapshot {
    const rows = this.sql.exec<{ item: string; path: string }>("SELECT item, path FROM posts WHERE deleted IS NULL ORDER BY published DESC, uid DESC LIMIT ?", SNAPSHOT_POSTS).toArray();
    const items = rows.map((row) => JSON.parse(row.item) as Item);
    const paths = rows.map((row) => row.path);
    return { version: this.version(), sequence: this.sequence(), items, mentions: { version: this.meta("mentions") ?? "0", counts: mentions.countsFor(this.sql, [...paths, "/"]) } };
  }

  // The conversations (conversations/mention-store.ts): each method one synchronous step.

  /** Queues a received Webmention (nothing fetched): its target must be the home page or a post that is not deleted. */
  receiveMention(mention: mentions.Received, policy: mentions.MentionPolicy, nowMs = Date.now()): mentions.ReceiveResult {
    const row = mention.path === "/" ? undefined : this.row(mention.path, "path");
    return mentions.receive(this.sql, mention, policy, mention.path === "/" || (row !== undefined && !row.deleted), nowMs);
  }

  /** The work waiting: queued mentions and sends due now. */
  pendingConversations(nowMs = Date.now()): { queued: number; sends: number } {
    return mentions.pending(this.sql, nowMs);
  }

  queuedMentions(limit: number): mentions.QueuedMention[] {
    return mentions.queued(this.sql, limit);
  }

  /** A run's verifications, applied at once: one new snapshot (one KV write) per run at most. */
  applyVerifications(results: mentions.Verification[], policy: mentions.MentionPolicy, nowMs = Date.now()): PostsSnapshot | null {
    return mentions.applyVerifications(this.sql, results, policy, nowMs) ? this.mentionsChanged() : null;
  }

  /** The published mentions of a page (its permalink shows them). */
  mentionsOf(path: string): mentions.StoredMention[] {
    return mentions.publishedFor(this.sql, path);
  }

  /** Every stored mention, the queue's length and the outbox (the owner's list). */
  listMentions(limit: number): { mentions: mentions.StoredMention[]; queued: number; outbox: mentions.OutboxRow[] } {
    return { ...mentions.allMentions(this.sql, limit), outbox: mentions.outbox(this.sql, limit) };
  }

  /** The owner's moderation: approve, delete, block a domain. Null when nothing changed. */
  moderate(action: { approve: string } | { delete: string } | { block: string }, nowMs = Date.now()): { snapshot: PostsSnapshot | null; removed?: number } | null {
    if ("approve" in action) return mentions.approve(this.sql, action.approve) ? { snapshot: this.mentionsChanged() } : null;
    if ("delete" in action) return mentions.remove(this.sql, action.delete) ? { snapshot: this.mentionsChanged() } : null;
    const removed = mentions.block(this.sql, action.block, nowMs);
    return { snapshot: removed > 0 ? this.mentionsChanged() : null, removed };
  }

  dueSends(limit: number, nowMs = Date.now()): mentions.SendJob[] {
    return mentions.dueSends(this.sql, nowMs, limit);
  }

  recordSends(outcomes: mentions.SendOutcome[], nowMs = Date.now()): void {
    mentions.recordSends(this.sql, outcomes, nowMs);
  }

  /** Writes the snapshot to KV; another alarm follows when posts changed while it was written. */
  override async alarm(): Promise<void> {
    const snapshot = this.snapshot();
    await this.kv.put(POSTS_KEY, JSON.stringify(snapshot));
    this.setMeta("flushed", snapshot.version);
    this.setMeta("flushedAt", String(Date.now()));
    if (this.sequence() !== snapshot.sequence) await this.ctx.storage.setAlarm(Date.now() + SNAPSHOT_INTERVAL_MS);
  }

  private refusing<T>(write: () => T | WriteRefusal): T | WriteRefusal {
    try {
      return write();
    } catch (error) {
      if (error instanceof InvalidRequest) return { refused: "invalid", message: error.message };
      throw error;
    }
  }

  private row(value: string, column: "uid" | "path"): PostRow | undefined {
    return this.sql.exec<PostRow>(`SELECT * FROM posts WHERE ${column} = ?`, value).toArray()[0];
  }

  private put(post: StoredPost, context: PostContext): Item {
    const item = postItem(post, context);
    this.sql.exec(
      "INSERT OR REPLACE INTO posts (uid, path, kind, properties, published, updated, deleted, revision, item) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      post.uid,
      post.path,
      post.kind,
      JSON.stringify(post.properties),
      post.published,
      post.updated ?? null,
      post.deleted ?? null,
      post.revision,
      JSON.stringify(item),
    );
    return item;
  }

  private queueSends(post: StoredPost, context: PostContext, targets: string[], nowMs: number): void {
    mentions.queueSends(this.sql, new URL(post.path, context.home).href, targets, nowMs);
  }

  private sequence(): number {
    return Number(this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'sequence'").toArray()[0]?.value ?? 0);
  }

  private version(): string {
    return this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'version'").toArray()[0]?.value ?? "0";
  }

  private meta(key: string): string | undefined {
    return this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value;
  }

  /** A new mentions version (the posts' own stays: feeds do not change), and the snapshot's flush. */
  private mentionsChanged(): PostsSnapshot {
    this.setMeta("mentions", stableHash(`${this.meta("mentions") ?? "0"}.${Date.now()}.${crypto.randomUUID()}`));
    return this.changed(false);
  }

  private setMeta(key: string, value: string): void {
    this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, value);
  }

  // The profile edited in the browser: versions here, the newest mirrored to KV's `profile`.

  /** The newest saved version of the profile, or null when none was ever saved. */
  profileOverlay(): ProfileOverlay | null {
    return this.profileVersions(1)[0] ?? null;
  }

  /** The newest `limit` versions kept, newest first. */
  profileVersions(limit = MAX_PROFILE_VERSIONS): ProfileOverlay[] {
    return this.sql
      .exec<ProfileVersionRow>("SELECT * FROM profile_versions ORDER BY version DESC LIMIT ?", Math.min(limit, MAX_PROFILE_VERSIONS))
      .toArray()
      .map((row) => ({ version: row.version, savedAt: row.saved_at, profile: JSON.parse(row.profile) as Record<string, unknown>, base: JSON.parse(row.base) as Record<string, unknown> }));
  }

  /**
   * Saves a new version, refused when another was saved since the form was loaded at
   * `expectedVersion` (0: none yet): of two saves against the same version, one is kept and the
   * other is refused, with nothing lost. The check and the insert are one synchronous step.
   */
  async saveProfile(edit: Pick<ProfileOverlay, "profile" | "base">, expectedVersion: number, nowMs = Date.now()): Promise<ProfileSave> {
    const profile = JSON.stringify(edit.profile);
    const base = JSON.stringify(edit.base);
    const bytes = Math.max(new TextEncoder().encode(profile).byteLength, new TextEncoder().encode(base).byteLength);
    if (bytes > MAX_PROFILE_BYTES) return { refused: "too-large", max: MAX_PROFILE_BYTES };
    const current = this.profileOverlay();
    if ((current?.version ?? 0) !== expectedVersion) return { refused: "conflict", current };
    return { saved: await this.addProfileVersion(profile, base, nowMs) };
  }

  /** Saves an old version again as the newest (an undo that is itself undoable). */
  async restoreProfile(version: number, nowMs = Date.now()): Promise<ProfileSave> {
    const row = this.sql.exec<ProfileVersionRow>("SELECT * FROM profile_versions WHERE version = ?", version).toArray()[0];
    if (!row) return { refused: "not-found" };
    return { saved: await this.addProfileVersion(row.profile, row.base, nowMs) };
  }

  private async addProfileVersion(profile: string, base: string, nowMs: number): Promise<ProfileOverlay> {
    const version = (this.profileOverlay()?.version ?? 0) + 1;
    const savedAt = new Date(nowMs).toISOString();
    this.sql.exec("INSERT INTO profile_versions (version, saved_at, profile, base) VALUES (?, ?, ?, ?)", version, savedAt, profile, base);
    this.sql.exec("DELETE FROM profile_versions WHERE version <= ?", version - MAX_PROFILE_VERSIONS);
    const saved = { version, savedAt, profile: JSON.parse(profile) as Record<string, unknown>, base: JSON.parse(base) as Record<string, unknown> };
    try {
      await this.mirrorProfile();
    } catch (error) {
      // The version is kept here whatever KV answered (e.g. its one write a second per key): the next save mirrors it.
      console.error("profile not mirrored to KV:", error instanceof Error ? error.message : String(error));
    }
    return saved;
  }

  /** Writes the newest version to KV, again if another was saved while it was written. */
  private async mirrorProfile(): Promise<void> {
    for (let written = 0; ; ) {
      const newest = this.profileOverlay();
      if (!newest || newest.version === written) return;
      written = newest.version;
      await this.kv.put(PROFILE_KEY, JSON.stringify(newest));
    }
  }

  /** A new version after a change, and the alarm that writes it to KV (now, or a second after the last write). */
  private changed(posts = true): PostsSnapshot {
    if (posts) this.setMeta("version", stableHash(`${this.version()}.${Date.now()}.${crypto.randomUUID()}`));
    this.setMeta("sequence", String(this.sequence() + 1));
    const flushedAt = Number(this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'flushedAt'").toArray()[0]?.value ?? 0);
    // The output gate holds the answer until the alarm is stored: no write is answered before its flush is due.
    void this.ctx.storage.setAlarm(Math.max(Date.now(), flushedAt + SNAPSHOT_INTERVAL_MS));
    return this.snapshot();
  }

  // Federation (federation/store.ts): the key pair, followers, the outbox and its deliveries, remote keys, received replies and likes.

  /**
   * The home's key pair, generated on the first call and never again. Generating awaits WebCrypto,
   * which would let a second first call in: both wait on one `blockConcurrencyWhile`, and the row
   * is written with INSERT OR IGNORE, so two first requests racing on a fresh deploy get one pair.
   */
  async federationKeys(): Promise<federation.KeyPair> {
    const stored = federation.keys(this.sql);
    if (stored) return stored;
    return this.ctx.blockConcurrencyWhile(async () => {
      const again = federation.keys(this.sql);
      if (again) return again;
      federation.saveKeys(this.sql, await generateKeyPair(), Date.now());
      return federation.keys(this.sql)!;
    });
  }

  /** The public half only (the actor document): the private key stays in the store unless a delivery signs with it. */
  async federationPublicKey(): Promise<string> {
    return (await this.federationKeys()).publicKeyPem;
  }

  federationFollow(follower: federation.Follower, nowMs = Date.now()): "stored" | "full" {
    return federation.follow(this.sql, follower, nowMs);
  }

  federationUnfollow(actor: string): boolean {
    return federation.unfollow(this.sql, actor);
  }

  federationFollowers(): federation.Follower[] {
    return federation.followers(this.sql);
  }

  /** Keeps an activity and queues it for `inboxes`, or for every follower (each server's shared inbox once) when none are given. */
  federationQueue(activity: import("../federation/activities.ts").OutgoingActivity, inboxes?: string[], nowMs = Date.now()): number {
    return federation.queueActivity(this.sql, activity, inboxes ?? federation.followerInboxes(this.sql), nowMs);
  }

  federationLastActivity(object: string): string | undefined {
    return federation.lastActivityType(this.sql, object);
  }

  federationDue(limit: number, nowMs = Date.now()): federation.DeliveryJob[] {
    return federation.dueDeliveries(this.sql, nowMs, limit);
  }

  federationRecord(outcomes: federation.DeliveryOutcome[], nowMs = Date.now()): void {
    federation.recordDeliveries(this.sql, outcomes, nowMs);
  }

  federationCounts(nowMs = Date.now()) {
    return federation.deliveryCounts(this.sql, nowMs);
  }

  federationOutbox(limit: number): { total: number; items: string[] } {
    return federation.outbox(this.sql, limit);
  }

  federationActivity(id: string): string | undefined {
    return federation.publicActivity(this.sql, id);
  }

  federationRemoteKey(keyId: string): federation.RemoteKey | undefined {
    return federation.remoteKey(this.sql, keyId);
  }

  federationRememberKey(key: federation.RemoteKey): void {
    federation.rememberKey(this.sql, key);
  }

  federationFirstSeen(id: string, nowMs = Date.now()): boolean {
    return federation.firstSeen(this.sql, id, nowMs);
  }

  federationMeta(key: string): string | undefined {
    return this.meta(`federation.${key}`);
  }

  federationSetMeta(key: string, value: string): void {
    this.setMeta(`federation.${key}`, value);
  }

  /** A reply or like received at the inbox, for a post that exists (not deleted): the new snapshot when the shown mentions changed. */
  federationInteraction(interaction: federation.Interaction, policy: mentions.MentionPolicy, nowMs = Date.now()): PostsSnapshot | null | "no-target" {
    const row = this.row(interaction.path, "path");
    if (!row || row.deleted) return "no-target";
    return federation.receiveInteraction(this.sql, interaction, policy, nowMs) ? this.mentionsChanged() : null;
  }

  federationForget(source: string, host: string): PostsSnapshot | null {
    return federation.forgetInteraction(this.sql, source, host) ? this.mentionsChanged() : null;
  }
}
