/**
 * @module Remote actors and their keys, fetched for an inbox's signature check: a bounded fetch
 * (`MAX_ACTOR_DOCUMENT_BYTES`, `REMOTE_FETCH_TIMEOUT_MS`, `MAX_REMOTE_REDIRECTS`, https only, no IP
 * literal or localhost), JSON read as hostile data: every field type-checked, every string
 * bounded, every URL https, and the actor's id on the key's own origin.
 */
import { politeFetch, userAgentFor } from "../ingest/fetch.ts";
import { truncate } from "../ingest/sanitise.ts";
import { ACTIVITY_JSON, ACTIVITYSTREAMS } from "./actor.ts";
import { MAX_ACTOR_DOCUMENT_BYTES, MAX_REMOTE_NAME_CHARS, MAX_REMOTE_REDIRECTS, MAX_REMOTE_URL_CHARS, REMOTE_FETCH_TIMEOUT_MS } from "./limits.ts";
import type { RemoteActor, RemoteKey } from "./store.ts";

export const ACTIVITY_ACCEPT = `${ACTIVITY_JSON}, application/ld+json; profile="${ACTIVITYSTREAMS}"`;

/** The longest PEM accepted (an RSA 4096 public key is about 800 characters). */
const MAX_PEM_CHARS = 4_096;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** An https URL of at most `MAX_REMOTE_URL_CHARS`, without credentials, on a host name (not an IP literal nor localhost); else undefined. */
export function httpsUrl(value: unknown): URL | undefined {
  if (typeof value !== "string" || value.length > MAX_REMOTE_URL_CHARS) return undefined;
  const url = URL.parse(value);
  if (!url || url.protocol !== "https:" || url.username || url.password) return undefined;
  const host = url.hostname.toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || host.startsWith("[") || !host.includes(".")) return undefined;
  const last = host.slice(host.lastIndexOf(".") + 1);
  if (last >= "0" && last <= "9") return undefined;
  return url;
}

/** The id an ActivityStreams value names: a string, or an object's `id`. */
export function idOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (isObject(value) && typeof value.id === "string") return value.id;
  return undefined;
}

/** A link's URL: a string, a Link's `href`, an object's `url`, or the first of a list. */
function linkOf(value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === "string") return first;
  if (isObject(first)) return typeof first.href === "string" ? first.href : typeof first.url === "string" ? first.url : undefined;
  return undefined;
}

/** What the inbox keeps of an actor document, or undefined when it is not a usable actor. */
export function readActor(document: Json): RemoteActor | undefined {
  const id = httpsUrl(document.id);
  const inbox = httpsUrl(document.inbox);
  if (!id || !inbox) return undefined;
  const sharedInbox = isObject(document.endpoints) ? httpsUrl(document.endpoints.sharedInbox) : undefined;
  const url = httpsUrl(linkOf(document.url));
  const icon = httpsUrl(linkOf(document.icon));
  const name = typeof document.name === "string" && document.name.trim() ? document.name : typeof document.preferredUsername === "string" ? document.preferredUsername : id.hostname;
  return {
    id: id.href,
    inbox: inbox.href,
    ...(sharedInbox ? { sharedInbox: sharedInbox.href } : {}),
    name: truncate(name, MAX_REMOTE_NAME_CHARS),
    ...(url ? { url: url.href } : {}),
    ...(icon ? { icon: icon.href } : {}),
  };
}

/** The public key `keyId` names in a document: one of its `publicKey` entries with that id and an owner equal to the document's id. */
function keyIn(document: Json, keyId: string): string | undefined {
  const entries = Array.isArray(document.publicKey) ? document.publicKey.slice(0, 10) : [document.publicKey];
  for (const entry of entries) {
    if (!isObject(entry) || entry.id !== keyId || entry.owner !== document.id) continue;
    if (typeof entry.publicKeyPem === "string" && entry.publicKeyPem.length <= MAX_PEM_CHARS) return entry.publicKeyPem;
  }
  return undefined;
}

export interface RemoteSettings {
  home: string;
  fetcher: typeof fetch;
  nowMs: number;
}

async function fetchJson(url: string, settings: RemoteSettings): Promise<Json | { failed: string }> {
  const outcome = await politeFetch(url, {
    userAgent: userAgentFor(settings.home),
    accept: ACTIVITY_ACCEPT,
    timeoutMs: REMOTE_FETCH_TIMEOUT_MS,
    maxBytes: MAX_ACTOR_DOCUMENT_BYTES,
    maxRedirects: MAX_REMOTE_REDIRECTS,
    fetcher: settings.fetcher,
  });
  if (outcome.kind !== "fetched") return { failed: outcome.kind === "failed" ? outcome.failure.detail : outcome.kind };
  try {
    const parsed = JSON.parse(new TextDecoder().decode(outcome.body)) as unknown;
    return isObject(parsed) ? parsed : { failed: "the document is not a JSON object" };
  } catch {
    return { failed: "the document is not JSON" };
  }
}

/**
 * Fetches the key a signature names (its actor document: Mastodon's `…/users/alex#main-key` is
 * `…/users/alex`), and the actor it belongs to.
 *
 * @example
 * const key = await fetchRemoteKey("https://mastodon.example/users/alex#main-key", { home, fetcher, nowMs: Date.now() });
 */
export async function fetchRemoteKey(keyId: string, settings: RemoteSettings): Promise<RemoteKey | { failed: string }> {
  const keyUrl = httpsUrl(keyId);
  if (!keyUrl) return { failed: "the keyId is not an https URL" };
  const documentUrl = new URL(keyUrl);
  documentUrl.hash = "";
  const document = await fetchJson(documentUrl.href, settings);
  if ("failed" in document && typeof document.failed === "string") return { failed: document.failed };
  const actor = readActor(document as Json);
  if (!actor) return { failed: "the key's document is not an actor with an https id and inbox" };
  // An actor is only believed about its own origin: a server cannot vouch for another's key.
  if (new URL(actor.id).origin !== keyUrl.origin) return { failed: "the actor's id is not on the key's origin" };
  const pem = keyIn(document as Json, keyId);
  if (!pem) return { failed: "the actor does not publish that key" };
  return { keyId, pem, actor, fetched: settings.nowMs };
}
