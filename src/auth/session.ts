/**
 * @module The compose page's session (/new): after the owner's secret, the browser holds a random
 * token in an HttpOnly cookie, and the store keeps only its SHA-256, as an access token issued
 * to the client `<home>new` (so revoking it is revoking a token, and a token issued to any other
 * client is no session). Every form of a session carries a CSRF token: an HMAC-SHA-256 keyed on
 * the session token, which a page on another site can neither read nor compute. The sign-in form
 * carries one too, signed with the owner's secret and dated, so only a form this home showed
 * recently can be sent back.
 */
import { homeStore } from "./home-store.ts";
import { MAX_SECRET_CHARS } from "./limits.ts";
import { base64url } from "./secret.ts";

/** The cookie's name (sent as `__Host-m2-session`: Secure, Path=/, no Domain). */
export const SESSION_COOKIE = "m2-session";
/** How long a session lasts: the cookie's Max-Age and the token's lifetime. */
export const SESSION_TTL_SECONDS = 30 * 24 * 3600;
/** What a session may do (the write scopes, as a Micropub client with every one). */
export const SESSION_SCOPES = ["create", "update", "delete", "undelete", "media"];
/** How long a sign-in form stays usable. */
export const SIGN_IN_FORM_TTL_SECONDS = 3_600;
/** The longest CSRF token read from a form (issued ones are 43 characters, or a date and 43). */
const MAX_CSRF_CHARS = 100;

/** The client the sessions' tokens are issued to: the compose page itself. */
export const sessionClientId = (home: string): string => new URL("/new", home).href;

export interface Session {
  token: string;
  /** The CSRF token every form of this session carries. */
  csrf: string;
}

const encoder = new TextEncoder();

async function hmac(key: string, message: string): Promise<string> {
  const imported = await crypto.subtle.importKey("raw", encoder.encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return base64url(new Uint8Array(await crypto.subtle.sign("HMAC", imported, encoder.encode(message))));
}

/** Constant-time equality of two short strings. */
function same(given: string, wanted: string): boolean {
  const a = encoder.encode(given);
  const b = encoder.encode(wanted);
  return a.byteLength === b.byteLength && crypto.subtle.timingSafeEqual(a, b);
}

const csrfOf = (token: string) => hmac(token, "m2 compose form");

/** A new session for the owner (after the secret was checked): its token, to be set as the cookie. */
export async function startSession(env: Env, home: string, me: string, nowMs = Date.now()): Promise<Session> {
  const { token } = await homeStore(env, home).issueToken({ clientId: sessionClientId(home), scope: SESSION_SCOPES, me, ttlSeconds: SESSION_TTL_SECONDS }, nowMs);
  return { token, csrf: await csrfOf(token) };
}

/** The session of a cookie's value, or null when it is missing, unknown, expired, revoked or another client's token. */
export async function sessionOf(env: Env, home: string, token: string | undefined, nowMs = Date.now()): Promise<Session | null> {
  if (!token || token.length > MAX_SECRET_CHARS) return null;
  const grant = await homeStore(env, home).checkToken(token, nowMs);
  if (!grant || grant.clientId !== sessionClientId(home)) return null;
  return { token, csrf: await csrfOf(token) };
}

export async function endSession(env: Env, home: string, session: Session, nowMs = Date.now()): Promise<void> {
  await homeStore(env, home).revokeToken(session.token, nowMs);
}

/** True when a form sent this session's CSRF token. */
export function isSessionForm(session: Session, given: string | undefined): boolean {
  return given !== undefined && given.length <= MAX_CSRF_CHARS && same(given, session.csrf);
}

/** The sign-in form's token: `<issued>.<HMAC of it under the owner's secret>`. */
export async function signInFormToken(secret: string, nowSeconds: number): Promise<string> {
  return `${nowSeconds}.${await hmac(secret, `m2 sign-in form ${nowSeconds}`)}`;
}

/** True when the token was made by this home for its sign-in form, less than `SIGN_IN_FORM_TTL_SECONDS` ago. */
export async function isSignInFormToken(secret: string, given: string | undefined, nowSeconds: number): Promise<boolean> {
  if (!given || given.length > MAX_CSRF_CHARS) return false;
  const dot = given.indexOf(".");
  const issuedAt = Number(given.slice(0, dot));
  if (dot < 1 || !Number.isSafeInteger(issuedAt) || issuedAt > nowSeconds || nowSeconds - issuedAt > SIGN_IN_FORM_TTL_SECONDS) return false;
  return same(given.slice(dot + 1), await hmac(secret, `m2 sign-in form ${issuedAt}`));
}
