/**
 * @module The inbox (one for the home, also its shared inbox): a POST is read up to
 * `MAX_INBOX_BODY_BYTES`, its HTTP Signature checked (draft-cavage or RFC 9421, Date in the window,
 * Digest of the body) against the signer's key (cached in the store, else fetched, bounded), the
 * signer must be the activity's actor, and only then does anything change: Follow stores a
 * follower and queues a signed Accept, Undo(Follow) and Delete(actor) remove it, Create(Note)
 * replying to an own post and Like / Announce of one join that post's conversation (held or
 * published by `webmentions.moderation`), Delete and Undo take them back. Anything refused changes
 * nothing. Every field of the activity is hostile: type-checked, bounded, sanitised.
 */
import { MAX_AUTHOR_NAME_CHARS, MAX_MENTION_CONTENT_CHARS } from "../conversations/limits.ts";
import type { MentionPolicy } from "../conversations/mention-store.ts";
import type { MentionData, MentionKind } from "../conversations/source-page.ts";
import { sanitiseWithin, truncate } from "../ingest/sanitise.ts";
import type { HomeStore } from "../posts/store.ts";
import type { PostsSnapshot } from "../posts/types.ts";
import { acceptActivity } from "./activities.ts";
import { actorUrls } from "./actor.ts";
import { INBOX_FETCH_SUBREQUESTS, MAX_INBOX_BODY_BYTES, REMOTE_KEY_TTL_MS } from "./limits.ts";
import { fetchRemoteKey, httpsUrl, idOf } from "./remote.ts";
import { checkDigest, importPublicPem, isProblem, readSignature, verifySignature, type ReadSignature } from "./signatures.ts";
import type { RemoteKey } from "./store.ts";
import { SubrequestBudget } from "../ingest/budget.ts";
import { readUpTo } from "../stream.ts";

export interface InboxSettings {
  store: DurableObjectStub<HomeStore>;
  home: string;
  policy: MentionPolicy;
  fetcher: typeof fetch;
  nowMs: number;
}

export type InboxResult = {
  status: 202 | 400 | 401 | 413 | 415;
  message: string;
  /** A delivery was queued (the Accept): run the deliveries after the answer. */
  deliver?: boolean;
  /** The conversations changed: this isolate shows the new snapshot at once. */
  snapshot?: PostsSnapshot;
};

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

const refused = (status: InboxResult["status"], message: string): InboxResult => ({ status, message });

/** The signer's key: the cached one while fresh and verifying, else fetched once (a key may have been rotated). */
async function verifiedSigner(read: ReadSignature, settings: InboxSettings): Promise<RemoteKey | string> {
  const cached = await settings.store.federationRemoteKey(read.keyId);
  if (cached && settings.nowMs - cached.fetched < REMOTE_KEY_TTL_MS) {
    const key = await importPublicPem(cached.pem);
    if (key && (await verifySignature(read, key))) return cached;
  }
  const budget = new SubrequestBudget(INBOX_FETCH_SUBREQUESTS, settings.fetcher);
  const fetched = await fetchRemoteKey(read.keyId, { home: settings.home, fetcher: budget.fetch, nowMs: settings.nowMs });
  if ("failed" in fetched) {
    // A deleted actor's key can no longer be fetched: the cached one, however old, is the only proof left.
    if (cached) {
      const key = await importPublicPem(cached.pem);
      if (key && (await verifySignature(read, key))) return cached;
    }
    return `the signer's key could not be read: ${fetched.failed}`;
  }
  const key = await importPublicPem(fetched.pem);
  if (!key) return "the signer's key is not an RSA public key";
  if (!(await verifySignature(read, key))) return "the signature does not verify";
  await settings.store.federationRememberKey(fetched);
  return fetched;
}

/** The path of an own page a URL names (same origin as the home), or undefined. */
function ownPath(value: unknown, home: string): string | undefined {
  const id = idOf(value);
  const url = id !== undefined && id.length <= 2048 ? URL.parse(id) : null;
  if (!url || url.origin !== new URL(home).origin || url.pathname === "/") return undefined;
  return url.pathname;
}

function authorOf(signer: RemoteKey): MentionData["author"] {
  return { name: truncate(signer.actor.name, MAX_AUTHOR_NAME_CHARS), url: signer.actor.url ?? signer.actor.id, ...(signer.actor.icon ? { photo: signer.actor.icon } : {}) };
}

const dateOf = (value: unknown) => (typeof value === "string" && value.length <= 64 && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : undefined);

/** A Note (or Article) replying to an own post, as a reply of its conversation; undefined when it is none. */
function replyOf(object: Json, signer: RemoteKey, home: string): { path: string; source: string; data: MentionData } | undefined {
  const id = httpsUrl(object.id);
  if (!id || id.origin !== new URL(signer.actor.id).origin) return undefined;
  const attributed = Array.isArray(object.attributedTo) ? object.attributedTo.slice(0, 5).map(idOf) : [idOf(object.attributedTo)];
  if (!attributed.includes(signer.actor.id)) return undefined;
  const path = ownPath(object.inReplyTo, home);
  if (!path) return undefined;
  const url = httpsUrl(typeof object.url === "string" ? object.url : idOf(object.url)) ?? id;
  const content = typeof object.content === "string" ? sanitiseWithin(object.content.slice(0, MAX_MENTION_CONTENT_CHARS * 4), url.href, MAX_MENTION_CONTENT_CHARS) : "";
  const published = dateOf(object.published);
  return { path, source: id.href, data: { kind: "reply", url: url.href, author: authorOf(signer), contentHtml: content, contentText: "", ...(published ? { published } : {}) } };
}

async function joinConversation(settings: InboxSettings, signer: RemoteKey, path: string, source: string, data: MentionData): Promise<InboxResult> {
  const target = new URL(path, settings.home).href;
  const host = new URL(signer.actor.id).hostname.toLowerCase();
  const result = await settings.store.federationInteraction({ source, target, path, host, data }, settings.policy, settings.nowMs);
  if (result === "no-target") return { status: 202, message: "Accepted (not a post of this home)." };
  return { status: 202, message: "Accepted.", ...(result ? { snapshot: result as PostsSnapshot } : {}) };
}

async function forget(settings: InboxSettings, signer: RemoteKey, source: string | undefined): Promise<InboxResult> {
  if (!source) return { status: 202, message: "Accepted (nothing to undo)." };
  const snapshot = await settings.store.federationForget(source, new URL(signer.actor.id).hostname.toLowerCase());
  return { status: 202, message: "Accepted.", ...(snapshot ? { snapshot: snapshot as PostsSnapshot } : {}) };
}

/** What the activity does, the signer proven to be its actor. */
async function dispatch(activity: Json, signer: RemoteKey, settings: InboxSettings): Promise<InboxResult> {
  const urls = actorUrls(settings.home);
  const type = activity.type;
  const object = activity.object;
  const activityId = httpsUrl(activity.id)?.href;
  const likeKinds: Record<string, MentionKind> = { Like: "like", Announce: "repost" };
  switch (type) {
    case "Follow": {
      if (idOf(object) !== urls.id) return { status: 202, message: "Accepted (not a follow of this actor)." };
      if (!activityId) return refused(400, "a Follow needs an https id");
      const stored = await settings.store.federationFollow({ actor: signer.actor.id, inbox: signer.actor.inbox, ...(signer.actor.sharedInbox ? { sharedInbox: signer.actor.sharedInbox } : {}), followId: activityId }, settings.nowMs);
      if (stored === "full") return { status: 202, message: "Accepted (this home has all the followers it can keep)." };
      await settings.store.federationQueue(acceptActivity({ id: activityId, actor: signer.actor.id }, urls, settings.home), [signer.actor.inbox], settings.nowMs);
      return { status: 202, message: "Accepted.", deliver: true };
    }
    case "Undo": {
      const inner = isObject(object) ? object : undefined;
      if (inner?.type === "Follow") {
        if (idOf(inner.actor) !== signer.actor.id) return refused(400, "an Undo of someone else's Follow");
        await settings.store.federationUnfollow(signer.actor.id);
        return { status: 202, message: "Accepted." };
      }
      return forget(settings, signer, httpsUrl(idOf(object))?.href);
    }
    case "Delete": {
      const id = idOf(object);
      if (id === signer.actor.id) {
        await settings.store.federationUnfollow(signer.actor.id);
        return { status: 202, message: "Accepted." };
      }
      return forget(settings, signer, httpsUrl(id)?.href);
    }
    case "Create":
    case "Update": {
      if (!isObject(object) || (object.type !== "Note" && object.type !== "Article")) return { status: 202, message: "Accepted (ignored)." };
      const reply = replyOf(object, signer, settings.home);
      if (!reply) return { status: 202, message: "Accepted (not a reply to a post of this home)." };
      return joinConversation(settings, signer, reply.path, reply.source, reply.data);
    }
    case "Like":
    case "Announce": {
      const path = ownPath(object, settings.home);
      if (!path || !activityId) return { status: 202, message: "Accepted (not about a post of this home)." };
      const data: MentionData = { kind: likeKinds[type]!, url: signer.actor.url ?? signer.actor.id, author: authorOf(signer), contentHtml: "", contentText: "" };
      const published = dateOf(activity.published);
      return joinConversation(settings, signer, path, activityId, published ? { ...data, published } : data);
    }
    default:
      return { status: 202, message: "Accepted (ignored)." };
  }
}

/**
 * Handles one POST to the inbox; the answer's status and message, and what to do after it.
 *
 * @example
 * const result = await receiveActivity(c.req.raw, { store, home, policy, fetcher, nowMs: Date.now() });
 */
export async function receiveActivity(request: Request, settings: InboxSettings): Promise<InboxResult> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/activity+json" && type !== "application/ld+json" && type !== "application/json") return refused(415, "send an activity as application/activity+json");
  const body = await readUpTo(request.body, request.headers.get("content-length"), MAX_INBOX_BODY_BYTES);
  if (body === "too-large") return refused(413, `the body is over ${MAX_INBOX_BODY_BYTES} bytes`);
  // The signature covers the URL the sender addressed: the home's public one, never the request's scheme or host.
  const requested = new URL(request.url);
  const url = new URL(`${requested.pathname}${requested.search}`, settings.home);
  const read = readSignature({ method: request.method, url, headers: request.headers }, settings.nowMs);
  if (isProblem(read)) return refused(401, read.refused);
  const digest = await checkDigest(request.headers, body, read.digestHeader);
  if (isProblem(digest)) return refused(401, digest.refused);
  let activity: unknown;
  try {
    activity = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return refused(400, "the body is not JSON");
  }
  if (!isObject(activity) || typeof activity.type !== "string") return refused(400, "the body is not an activity");
  const actor = httpsUrl(idOf(activity.actor));
  const keyUrl = httpsUrl(read.keyId);
  // Checked before any fetch: a key is never fetched for an activity it could not sign.
  if (!actor || !keyUrl || actor.origin !== keyUrl.origin) return refused(401, "the signing key is not on the actor's origin");
  const signer = await verifiedSigner(read, settings);
  if (typeof signer === "string") return refused(401, signer);
  if (signer.actor.id !== actor.href) return refused(401, "the signer is not the activity's actor");
  const id = httpsUrl(activity.id)?.href;
  if (id && !(await settings.store.federationFirstSeen(id, settings.nowMs))) return { status: 202, message: "Accepted (already received)." };
  return dispatch(activity, signer, settings);
}
