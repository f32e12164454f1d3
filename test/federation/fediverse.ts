/**
 * Federation's test fixtures: a fake Mastodon server (its actor, with an RSA key pair made in the
 * test, served from the fake net; its inboxes answering 202 and recording what they get), requests
 * signed as Mastodon signs them (draft-cavage with `(request-target) host date digest
 * content-type`, or RFC 9421), a verifier of what the home sends, and a home of its own per test.
 */
import actorTemplate from "../fixtures/activitypub/mastodon-actor.json?raw";
import createNoteTemplate from "../fixtures/activitypub/mastodon-create-note.json?raw";
import followTemplate from "../fixtures/activitypub/mastodon-follow.json?raw";
import likeTemplate from "../fixtures/activitypub/mastodon-like.json?raw";
import type { ProfileInput } from "../../src/config/index.ts";
import { fakeNet, profileWith, request, workerFor, type FakeNet, type Worker } from "../helpers.ts";

export const AP = "application/activity+json";
export const ADMIN = { Authorization: "Bearer test-admin-token" };
const RSA = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;
const encoder = new TextEncoder();

const base64 = (bytes: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(bytes)));

export async function sha256(body: string): Promise<string> {
  return base64(await crypto.subtle.digest("SHA-256", encoder.encode(body)));
}

function pem(der: ArrayBuffer): string {
  const lines = base64(der).match(/.{1,64}/g)!;
  return `-----BEGIN PUBLIC KEY-----\n${lines.join("\n")}\n-----END PUBLIC KEY-----\n`;
}

/** A Mastodon account on a fake server: its actor document, its key pair, its inboxes. */
export interface RemoteAccount {
  host: string;
  user: string;
  id: string;
  keyId: string;
  inbox: string;
  sharedInbox: string;
  document: Record<string, unknown>;
  privateKey: CryptoKey;
}

export async function mastodonAccount(net: FakeNet, host = "mastodon.example", user = "alex"): Promise<RemoteAccount> {
  const pair = (await crypto.subtle.generateKey({ ...RSA, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, ["sign", "verify"])) as CryptoKeyPair;
  const document = JSON.parse(actorTemplate.replaceAll("{{host}}", host).replaceAll("{{user}}", user)) as Record<string, any>;
  document.publicKey.publicKeyPem = pem((await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer);
  const account: RemoteAccount = {
    host,
    user,
    id: document.id,
    keyId: document.publicKey.id,
    inbox: document.inbox,
    sharedInbox: document.endpoints.sharedInbox,
    document,
    privateKey: pair.privateKey,
  };
  net.set(account.id, () => new Response(JSON.stringify(document), { headers: { "Content-Type": AP } }));
  net.set(account.inbox, () => new Response(null, { status: 202 }));
  net.set(account.sharedInbox, () => new Response(null, { status: 202 }));
  return account;
}

export function follow(account: RemoteAccount, home: string): string {
  return followTemplate.replaceAll("{{host}}", account.host).replaceAll("{{user}}", account.user).replaceAll("{{home}}", home);
}

export function replyNote(account: RemoteAccount, home: string, inReplyTo: string): string {
  return createNoteTemplate.replaceAll("{{host}}", account.host).replaceAll("{{user}}", account.user).replaceAll("{{home}}", home).replaceAll("{{inReplyTo}}", inReplyTo);
}

export function like(account: RemoteAccount, object: string): string {
  return likeTemplate.replaceAll("{{host}}", account.host).replaceAll("{{user}}", account.user).replaceAll("{{object}}", object);
}

export interface SignOptions {
  date?: Date;
  /** The Digest header sent (the body's own by default). */
  digest?: string;
  /** The key that signs (the account's own by default). */
  privateKey?: CryptoKey;
}

/** Headers of a POST to `url` signed exactly as Mastodon signs it (app/lib/request.rb): draft-cavage, rsa-sha256. */
export async function mastodonSigned(account: RemoteAccount, url: string, body: string, options: SignOptions = {}): Promise<Record<string, string>> {
  const target = new URL(url);
  const date = (options.date ?? new Date()).toUTCString();
  const digest = options.digest ?? `SHA-256=${await sha256(body)}`;
  const signed = `(request-target): post ${target.pathname}\nhost: ${target.host}\ndate: ${date}\ndigest: ${digest}\ncontent-type: ${AP}`;
  const signature = base64(await crypto.subtle.sign(RSA, options.privateKey ?? account.privateKey, encoder.encode(signed)));
  return {
    Host: target.host,
    Date: date,
    Digest: digest,
    "Content-Type": AP,
    Signature: `keyId="${account.keyId}",algorithm="rsa-sha256",headers="(request-target) host date digest content-type",signature="${signature}"`,
  };
}

/** Headers of a POST to `url` signed with RFC 9421 (as Mastodon 4.5 can): @method, @target-uri, content-digest. */
export async function rfc9421Signed(account: RemoteAccount, url: string, body: string, options: SignOptions = {}): Promise<Record<string, string>> {
  const created = Math.floor((options.date ?? new Date()).getTime() / 1000);
  const contentDigest = `sha-256=:${await sha256(body)}:`;
  const params = `("@method" "@target-uri" "content-digest");created=${created};keyid="${account.keyId}";alg="rsa-v1_5-sha256"`;
  const signed = `"@method": POST\n"@target-uri": ${url}\n"content-digest": ${contentDigest}\n"@signature-params": ${params}`;
  const signature = base64(await crypto.subtle.sign(RSA, options.privateKey ?? account.privateKey, encoder.encode(signed)));
  return { "Content-Type": AP, "Content-Digest": contentDigest, "Signature-Input": `sig1=${params}`, Signature: `sig1=:${signature}:` };
}

/** POSTs an activity to the home's inbox with the given headers. */
export function postInbox(worker: Worker, body: string, headers: Record<string, string>): Promise<Response> {
  return request(worker, "/activitypub/inbox", { method: "POST", headers, body });
}

/** POSTs an activity to the home's inbox, signed as Mastodon signs it. */
export async function deliverFrom(worker: Worker, home: string, account: RemoteAccount, body: string, options: SignOptions = {}): Promise<Response> {
  return postInbox(worker, body, await mastodonSigned(account, new URL("/activitypub/inbox", home).href, body, options));
}

/** The home's actor document, as Mastodon fetches it. */
export async function actorOf(worker: Worker): Promise<Record<string, any>> {
  const response = await request(worker, "/", { headers: { Accept: AP } });
  return (await response.json()) as Record<string, any>;
}

/**
 * Verifies a request the home sent as Mastodon would: the draft-cavage signature over
 * `(request-target) host date digest` with the key the actor publishes, the Digest of the body.
 */
export async function verifyAsMastodon(sent: Request, body: string, actor: Record<string, any>): Promise<boolean> {
  const header = sent.headers.get("signature") ?? "";
  const parameters = new Map(header.split('",').map((part) => {
    const equals = part.indexOf("=");
    return [part.slice(0, equals), part.slice(equals + 1).replace(/^"|"$/g, "")] as [string, string];
  }));
  if (parameters.get("keyId") !== actor.publicKey.id || parameters.get("algorithm") !== "rsa-sha256") return false;
  if (sent.headers.get("digest") !== `SHA-256=${await sha256(body)}`) return false;
  const url = new URL(sent.url);
  const lines = parameters.get("headers")!.split(" ").map((name) => {
    if (name === "(request-target)") return `(request-target): ${sent.method.toLowerCase()} ${url.pathname}${url.search}`;
    if (name === "host") return `host: ${url.host}`;
    return `${name}: ${sent.headers.get(name)}`;
  });
  const der = Uint8Array.from(atob(actor.publicKey.publicKeyPem.replace(/-----[A-Z ]+-----|\s/g, "")), (char) => char.charCodeAt(0));
  const key = await crypto.subtle.importKey("spki", der, RSA, false, ["verify"]);
  const signature = Uint8Array.from(atob(parameters.get("signature")!), (char) => char.charCodeAt(0));
  return crypto.subtle.verify(RSA, key, signature, encoder.encode(lines.join("\n")));
}

/** The POSTs the home made to `inbox`, with their bodies. */
export async function postsTo(net: FakeNet, inbox: string): Promise<{ request: Request; body: string; activity: Record<string, any> }[]> {
  const posts = net.requests.filter((sent) => sent.url === inbox && sent.method === "POST");
  return Promise.all(
    posts.map(async (sent) => {
      const body = await sent.clone().text();
      return { request: sent, body, activity: JSON.parse(body) as Record<string, any> };
    }),
  );
}

let homes = 0;

/** A home of its own for each test (its own Durable Object), everything fetched through `net`. */
export function federatedHome(extra: Partial<ProfileInput> = {}, options: { now?: () => number; net?: FakeNet } = {}): { worker: Worker; net: FakeNet; home: string; name: string } {
  const name = `camille${++homes}${Date.now().toString(36)}`;
  const home = extra.url ?? `https://${name}.example/`;
  const net = options.net ?? fakeNet();
  const profile = profileWith([{ url: "https://github.com/camille" }, { url: "https://blog.camille.example/", label: "Blog" }], { url: home, photo: `${home}avatar.jpg`, ...extra });
  const worker = workerFor(profile, { conversations: { fetcher: net.fetcher }, refresh: { fetcher: net.fetcher }, federation: { fetcher: net.fetcher, ...(options.now ? { now: options.now } : {}) } });
  return { worker, net, home, name };
}

/** Publishes through Micropub with the admin token; the post's URL. */
export async function micropub(worker: Worker, body: unknown): Promise<Response> {
  return request(worker, "/micropub", { method: "POST", headers: { ...ADMIN, "Content-Type": "application/json" }, body: JSON.stringify(body) });
}
