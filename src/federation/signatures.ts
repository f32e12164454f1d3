/**
 * @module HTTP Signatures with WebCrypto, RSASSA-PKCS1-v1_5 over SHA-256 only: signing as Mastodon
 * signs by default (draft-cavage-http-signatures-12, `(request-target) host date digest`), and
 * verifying both that and RFC 9421 (HTTP Message Signatures, `rsa-v1_5-sha256`), with the body's
 * Digest (or RFC 9530 Content-Digest) and the Date (or `created`) checked. The parsers are single
 * passes over a header of at most `MAX_SIGNATURE_HEADER_CHARS`: no regular expression runs on what a
 * remote server sent. Verification is in two steps, so the caller fetches the signer's key only
 * for a request whose signature could hold: `readSignature` (no I/O), then `verifySignature`.
 */
import { MAX_SIGNATURE_HEADER_CHARS, SIGNATURE_WINDOW_MS } from "./limits.ts";

export const RSA_SHA256 = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;

const encoder = new TextEncoder();

export function toBase64(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let binary = "";
  for (let i = 0; i < view.length; i += 0x8000) binary += String.fromCharCode(...view.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array | undefined {
  try {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}

async function digestBase64(algorithm: "SHA-256" | "SHA-512", body: Uint8Array | string): Promise<string> {
  const bytes = typeof body === "string" ? encoder.encode(body) : body;
  return toBase64(await crypto.subtle.digest(algorithm, bytes));
}

/** A key in PEM (`-----BEGIN PUBLIC KEY-----`, 64 characters a line), as actors publish it. */
export function pemOf(der: ArrayBuffer, label = "PUBLIC KEY"): string {
  const base64 = toBase64(der);
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += 64) lines.push(base64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** The DER bytes of a PEM block, or undefined. */
export function derOf(pem: string, label = "PUBLIC KEY"): Uint8Array | undefined {
  const begin = `-----BEGIN ${label}-----`;
  const start = pem.indexOf(begin);
  if (start < 0) return undefined;
  const stop = pem.indexOf(`-----END ${label}-----`, start + begin.length);
  if (stop < 0) return undefined;
  // A one-character class: linear, nothing to backtrack.
  return fromBase64(pem.slice(start + begin.length, stop).replace(/\s/g, ""));
}

/** An RSA public key from its PEM (SubjectPublicKeyInfo), or undefined when it is none. */
export async function importPublicPem(pem: string): Promise<CryptoKey | undefined> {
  const der = derOf(pem);
  if (!der) return undefined;
  try {
    return await crypto.subtle.importKey("spki", der, RSA_SHA256, false, ["verify"]);
  } catch {
    return undefined;
  }
}

/** The request as the signature covers it: its method, its public URL (the home's origin: never the request's own scheme or host), its headers. */
export interface SignedRequest {
  method: string;
  url: URL;
  headers: Headers;
}

/** A signature read from a request, checked for everything but the key: what `verifySignature` needs. */
export interface ReadSignature {
  scheme: "draft-cavage" | "rfc9421";
  keyId: string;
  /** The signature base (the signing string) rebuilt from the request. */
  base: string;
  signature: Uint8Array;
  /** The digest header the signature covers: only that one may vouch for the body. */
  digestHeader?: "digest" | "content-digest";
}

export type SignatureProblem = { refused: string };

const isProblem = (value: unknown): value is SignatureProblem => typeof value === "object" && value !== null && "refused" in value;

/** `name="value", name=value` (a draft-cavage Signature header), or undefined when malformed. */
export function parseSignatureParameters(header: string): Map<string, string> | undefined {
  if (header.length > MAX_SIGNATURE_HEADER_CHARS) return undefined;
  const parameters = new Map<string, string>();
  const n = header.length;
  let i = 0;
  while (i < n) {
    while (i < n && (header[i] === " " || header[i] === "," || header[i] === "\t")) i++;
    if (i >= n) break;
    const equals = header.indexOf("=", i);
    if (equals < 0) return undefined;
    const name = header.slice(i, equals).trim().toLowerCase();
    i = equals + 1;
    let value = "";
    if (header[i] === '"') {
      let j = i + 1;
      while (j < n && header[j] !== '"') {
        if (header[j] === "\\" && j + 1 < n) j++;
        value += header[j];
        j++;
      }
      if (j >= n) return undefined;
      i = j + 1;
    } else {
      const comma = header.indexOf(",", i);
      const end = comma < 0 ? n : comma;
      value = header.slice(i, end).trim();
      i = end;
    }
    if (!name || parameters.has(name)) return undefined;
    parameters.set(name, value);
  }
  return parameters;
}

/** True when `time` (ms) is within the window of `nowMs`. */
const inWindow = (time: number, nowMs: number) => Number.isFinite(time) && Math.abs(nowMs - time) <= SIGNATURE_WINDOW_MS;

const DIGITS = (text: string) => text.length > 0 && text.length <= 15 && [...text].every((char) => char >= "0" && char <= "9");

/** Reads a draft-cavage `Signature` header (as Mastodon sends it by default). */
function readCavage(request: SignedRequest, header: string, nowMs: number): ReadSignature | SignatureProblem {
  const parameters = parseSignatureParameters(header);
  if (!parameters) return { refused: "the Signature header is malformed" };
  const keyId = parameters.get("keyid");
  const signature = fromBase64(parameters.get("signature") ?? "");
  if (!keyId || !signature || signature.length === 0) return { refused: "the Signature header lacks keyId or signature" };
  const algorithm = (parameters.get("algorithm") ?? "hs2019").toLowerCase();
  if (algorithm !== "rsa-sha256" && algorithm !== "hs2019") return { refused: `signature algorithm ${algorithm.slice(0, 40)} is not supported (rsa-sha256)` };
  const covered = (parameters.get("headers") ?? "date").toLowerCase().split(" ").filter(Boolean);
  if (covered.length > 20) return { refused: "too many signed headers" };
  const lines: string[] = [];
  for (const name of covered) {
    if (name === "(request-target)") lines.push(`(request-target): ${request.method.toLowerCase()} ${request.url.pathname}${request.url.search}`);
    else if (name === "host") lines.push(`host: ${request.url.host}`);
    else if (name === "(created)" || name === "(expires)") {
      const value = parameters.get(name.slice(1, -1));
      if (!value || !DIGITS(value)) return { refused: `${name} is signed but its parameter is missing` };
      lines.push(`${name}: ${value}`);
    } else {
      const value = request.headers.get(name);
      if (value === null) return { refused: `the signed header ${name.slice(0, 40)} is missing` };
      lines.push(`${name}: ${value.trim()}`);
    }
  }
  const signed = new Set(covered);
  if (!signed.has("(request-target)") || !signed.has("host")) return { refused: "the signature must cover (request-target) and host" };
  if (request.method === "POST" && !signed.has("digest")) return { refused: "the signature of a POST must cover its digest" };
  const created = parameters.get("created");
  const date = signed.has("date") ? Date.parse(request.headers.get("date") ?? "") : signed.has("(created)") && created ? Number(created) * 1000 : Number.NaN;
  if (!inWindow(date, nowMs)) return { refused: "the signed Date is missing or outside the allowed window" };
  const expires = parameters.get("expires");
  if (expires && DIGITS(expires) && Number(expires) * 1000 < nowMs) return { refused: "the signature has expired" };
  return { scheme: "draft-cavage", keyId, base: lines.join("\n"), signature, ...(signed.has("digest") ? { digestHeader: "digest" as const } : {}) };
}

// RFC 8941 structured fields, the small part RFC 9421 uses: a dictionary of inner lists of strings with parameters.

type BareItem = string | number | boolean | Uint8Array;
interface Member {
  /** An inner list's strings (each with its parameters), or undefined for a bare item. */
  list?: { value: string; parameters: Map<string, BareItem> }[];
  item?: BareItem;
  parameters: Map<string, BareItem>;
  /** The member's value as it was sent (the inner list and its parameters): RFC 9421's `@signature-params`. */
  raw: string;
}

class Cursor {
  i = 0;
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  get done() {
    return this.i >= this.text.length;
  }
  peek() {
    return this.text[this.i];
  }
  spaces() {
    while (this.peek() === " " || this.peek() === "\t") this.i++;
  }
  key(): string | undefined {
    const start = this.i;
    while (!this.done) {
      const char = this.peek()!;
      if ((char >= "a" && char <= "z") || (char >= "0" && char <= "9") || char === "_" || char === "-" || char === "." || char === "*") this.i++;
      else break;
    }
    return this.i > start ? this.text.slice(start, this.i) : undefined;
  }
  bareItem(): BareItem | undefined {
    const char = this.peek();
    if (char === '"') {
      let value = "";
      for (this.i++; !this.done; this.i++) {
        let c = this.peek()!;
        if (c === '"') {
          this.i++;
          return value;
        }
        if (c === "\\") {
          this.i++;
          c = this.peek() ?? "";
        }
        value += c;
      }
      return undefined;
    }
    if (char === ":") {
      const end = this.text.indexOf(":", this.i + 1);
      if (end < 0) return undefined;
      const bytes = fromBase64(this.text.slice(this.i + 1, end));
      this.i = end + 1;
      return bytes;
    }
    if (char === "?") {
      this.i += 2;
      return this.text[this.i - 1] === "1";
    }
    const start = this.i;
    while (!this.done && this.peek() !== ";" && this.peek() !== "," && this.peek() !== " " && this.peek() !== ")") this.i++;
    const token = this.text.slice(start, this.i);
    if (!token) return undefined;
    const digits = token.startsWith("-") ? token.slice(1) : token;
    return DIGITS(digits) ? Number(token) : token;
  }
  parameters(): Map<string, BareItem> | undefined {
    const parameters = new Map<string, BareItem>();
    while (this.peek() === ";") {
      this.i++;
      this.spaces();
      const key = this.key();
      if (!key) return undefined;
      let value: BareItem | undefined = true;
      if (this.peek() === "=") {
        this.i++;
        value = this.bareItem();
        if (value === undefined) return undefined;
      }
      parameters.set(key, value);
    }
    return parameters;
  }
}

/** A structured-field dictionary (RFC 8941 §3.2), or undefined when malformed or too long. */
export function parseDictionary(header: string): Map<string, Member> | undefined {
  if (header.length > MAX_SIGNATURE_HEADER_CHARS) return undefined;
  const cursor = new Cursor(header);
  const members = new Map<string, Member>();
  cursor.spaces();
  while (!cursor.done) {
    const key = cursor.key();
    if (!key || cursor.peek() !== "=") return undefined;
    cursor.i++;
    const start = cursor.i;
    let member: Member;
    if (cursor.peek() === "(") {
      cursor.i++;
      const list: NonNullable<Member["list"]> = [];
      for (;;) {
        cursor.spaces();
        if (cursor.peek() === ")") {
          cursor.i++;
          break;
        }
        if (cursor.done || list.length >= 30) return undefined;
        const value = cursor.bareItem();
        if (typeof value !== "string") return undefined;
        const parameters = cursor.parameters();
        if (!parameters) return undefined;
        list.push({ value, parameters });
        if (cursor.peek() !== " " && cursor.peek() !== ")") return undefined;
      }
      const parameters = cursor.parameters();
      if (!parameters) return undefined;
      member = { list, parameters, raw: header.slice(start, cursor.i) };
    } else {
      const item = cursor.bareItem();
      if (item === undefined) return undefined;
      const parameters = cursor.parameters();
      if (!parameters) return undefined;
      member = { item, parameters, raw: header.slice(start, cursor.i) };
    }
    members.set(key, member);
    cursor.spaces();
    if (cursor.done) break;
    if (cursor.peek() !== ",") return undefined;
    cursor.i++;
    cursor.spaces();
  }
  return members;
}

/** The value of an RFC 9421 component of the request, or undefined when it has none. */
function componentValue(request: SignedRequest, name: string): string | undefined {
  switch (name) {
    case "@method":
      return request.method.toUpperCase();
    case "@target-uri":
      return request.url.href;
    case "@authority":
      return request.url.host;
    case "@scheme":
      return request.url.protocol.slice(0, -1);
    case "@request-target":
      return `${request.url.pathname}${request.url.search}`;
    case "@path":
      return request.url.pathname;
    case "@query":
      return request.url.search || "?";
    default:
      if (name.startsWith("@")) return undefined;
      return request.headers.get(name)?.trim() ?? undefined;
  }
}

/** Reads an RFC 9421 signature (`Signature-Input` and `Signature`): the first label signed with RSA and SHA-256. */
function readRfc9421(request: SignedRequest, inputHeader: string, signatureHeader: string, nowMs: number): ReadSignature | SignatureProblem {
  const inputs = parseDictionary(inputHeader);
  const signatures = parseDictionary(signatureHeader);
  if (!inputs || !signatures) return { refused: "the Signature-Input or Signature header is malformed" };
  for (const [label, input] of inputs) {
    const signature = signatures.get(label)?.item;
    if (!input.list || !(signature instanceof Uint8Array) || signature.length === 0) continue;
    const alg = input.parameters.get("alg");
    if (alg !== undefined && alg !== "rsa-v1_5-sha256") continue;
    const keyId = input.parameters.get("keyid");
    if (typeof keyId !== "string" || !keyId) return { refused: "the signature has no keyid" };
    const lines: string[] = [];
    const covered = new Set<string>();
    for (const component of input.list) {
      if (component.parameters.size > 0) return { refused: `component parameters (${component.value.slice(0, 40)}) are not supported` };
      const value = componentValue(request, component.value);
      if (value === undefined) return { refused: `the signed component ${component.value.slice(0, 40)} is missing` };
      lines.push(`"${component.value}": ${value}`);
      covered.add(component.value);
    }
    lines.push(`"@signature-params": ${input.raw}`);
    if (!covered.has("@method") || !(covered.has("@target-uri") || (covered.has("@authority") && (covered.has("@path") || covered.has("@request-target"))))) {
      return { refused: "the signature must cover the method and the target URI" };
    }
    if (request.method === "POST" && !covered.has("content-digest") && !covered.has("digest")) return { refused: "the signature of a POST must cover its content-digest" };
    const created = input.parameters.get("created");
    const time = typeof created === "number" ? created * 1000 : covered.has("date") ? Date.parse(request.headers.get("date") ?? "") : Number.NaN;
    if (!inWindow(time, nowMs)) return { refused: "the signature's created time is missing or outside the allowed window" };
    const expires = input.parameters.get("expires");
    if (typeof expires === "number" && expires * 1000 < nowMs) return { refused: "the signature has expired" };
    const digestHeader = covered.has("content-digest") ? "content-digest" : covered.has("digest") ? "digest" : undefined;
    return { scheme: "rfc9421", keyId, base: lines.join("\n"), signature, ...(digestHeader ? { digestHeader } : {}) };
  }
  return { refused: "no signature with alg rsa-v1_5-sha256" };
}

/**
 * Reads the request's signature (RFC 9421 when it has a Signature-Input, else draft-cavage),
 * checking what needs no key: the covered components, the time window.
 */
export function readSignature(request: SignedRequest, nowMs: number): ReadSignature | SignatureProblem {
  const signature = request.headers.get("signature");
  if (!signature) return { refused: "the request is not signed" };
  const input = request.headers.get("signature-input");
  return input ? readRfc9421(request, input, signature, nowMs) : readCavage(request, signature, nowMs);
}

/** True when `key` verifies the signature over its base. */
export async function verifySignature(read: ReadSignature, key: CryptoKey): Promise<boolean> {
  try {
    return await crypto.subtle.verify(RSA_SHA256, key, read.signature, encoder.encode(read.base));
  } catch {
    return false;
  }
}

/**
 * Checks the body against the digest header the signature covers, `Digest` (draft-cavage) or
 * `Content-Digest` (RFC 9530), SHA-256 or SHA-512. An unsigned digest header vouches for nothing:
 * beside a signed one, it would let a replayed signature carry another body.
 */
export async function checkDigest(headers: Headers, body: Uint8Array, covered: ReadSignature["digestHeader"]): Promise<true | SignatureProblem> {
  if (!covered) return { refused: "the signature covers no digest of the body" };
  const contentDigest = covered === "content-digest" ? headers.get("content-digest") : null;
  if (contentDigest) {
    const members = parseDictionary(contentDigest);
    if (!members) return { refused: "the Content-Digest header is malformed" };
    for (const [name, algorithm] of [["sha-256", "SHA-256"], ["sha-512", "SHA-512"]] as const) {
      const sent = members.get(name)?.item;
      if (sent instanceof Uint8Array) return toBase64(sent) === (await digestBase64(algorithm, body)) ? true : { refused: "the body does not match its Content-Digest" };
    }
  }
  const digest = covered === "digest" ? headers.get("digest") : null;
  if (digest && digest.length <= MAX_SIGNATURE_HEADER_CHARS) {
    for (const part of digest.split(",")) {
      const equals = part.indexOf("=");
      if (equals < 0) continue;
      const name = part.slice(0, equals).trim().toLowerCase();
      const algorithm = name === "sha-256" ? "SHA-256" : name === "sha-512" ? "SHA-512" : undefined;
      if (algorithm) return part.slice(equals + 1).trim() === (await digestBase64(algorithm, body)) ? true : { refused: "the body does not match its Digest" };
    }
  }
  return { refused: "the request has no SHA-256 Digest of its body" };
}

export { isProblem };

/**
 * The headers of a POST signed as Mastodon signs it (draft-cavage: `(request-target) host date
 * digest`, rsa-sha256), for `body` sent to `url`.
 *
 * @example
 * const headers = await signedPostHeaders("https://mastodon.example/inbox", body, { keyId: "https://camille.example/#main-key", privateKey }, new Date());
 * await fetch("https://mastodon.example/inbox", { method: "POST", headers, body });
 */
export async function signedPostHeaders(url: string, body: string, key: { keyId: string; privateKey: CryptoKey }, now: Date): Promise<Record<string, string>> {
  const target = new URL(url);
  const date = now.toUTCString();
  const digest = `SHA-256=${await digestBase64("SHA-256", body)}`;
  const base = `(request-target): post ${target.pathname}${target.search}\nhost: ${target.host}\ndate: ${date}\ndigest: ${digest}`;
  const signature = toBase64(await crypto.subtle.sign(RSA_SHA256, key.privateKey, encoder.encode(base)));
  return {
    Date: date,
    Digest: digest,
    "Content-Type": "application/activity+json",
    Signature: `keyId="${key.keyId}",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="${signature}"`,
  };
}

/** A new RSA key pair (2048 bits) in the forms the store keeps: the public PEM and the private PKCS #8 (base64). */
export async function generateKeyPair(): Promise<{ publicKeyPem: string; privateKeyPkcs8: string }> {
  const pair = (await crypto.subtle.generateKey({ ...RSA_SHA256, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, ["sign", "verify"])) as CryptoKeyPair;
  const spki = (await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer;
  const pkcs8 = (await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer;
  return { publicKeyPem: pemOf(spki), privateKeyPkcs8: toBase64(pkcs8) };
}

/** The private key for signing, not extractable once imported. */
export async function importPrivateKey(pkcs8Base64: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("pkcs8", fromBase64(pkcs8Base64)!, RSA_SHA256, false, ["sign"]);
}
