/**
 * @module The consent form's CSRF token: an HMAC-SHA-256, keyed on ADMIN_TOKEN, of the exact
 * authorization request the page showed and the time it was shown. Stateless: a valid token
 * proves m2 itself validated these parameters (client_id, redirect_uri checked against the
 * client's list, PKCE, scope) less than `CONSENT_FORM_TTL_SECONDS` ago, so a forged or edited
 * form (another redirect_uri, more scopes) is refused without fetching the client again.
 */
import type { AuthorizationRequest } from "./request.ts";
import { base64url } from "./secret.ts";

/** How long a consent page may stay open before its form must be reloaded. */
export const CONSENT_FORM_TTL_SECONDS = 1_800;

const encoder = new TextEncoder();

async function signature(secret: string, request: AuthorizationRequest, issuedAt: number): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  // JSON keeps the fields apart: no value can pass for two.
  const message = JSON.stringify(["m2 consent form", issuedAt, request.clientId, request.redirectUri, request.state, request.codeChallenge, request.scope.join(" "), request.me]);
  return base64url(new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(message))));
}

/** The token for a form shown at `nowSeconds`: `<issued>.<signature>`. */
export async function consentToken(secret: string, request: AuthorizationRequest, nowSeconds: number): Promise<string> {
  return `${nowSeconds}.${await signature(secret, request, nowSeconds)}`;
}

/** True when the token was made by this home for exactly this request, and is still fresh. */
export async function isConsentToken(secret: string, request: AuthorizationRequest, token: string | undefined, nowSeconds: number): Promise<boolean> {
  if (!token || token.length > 100) return false;
  const dot = token.indexOf(".");
  const issuedAt = Number(token.slice(0, dot));
  if (dot < 1 || !Number.isSafeInteger(issuedAt) || issuedAt > nowSeconds || nowSeconds - issuedAt > CONSENT_FORM_TTL_SECONDS) return false;
  const expected = await signature(secret, request, issuedAt);
  const given = encoder.encode(token.slice(dot + 1));
  const wanted = encoder.encode(expected);
  return given.byteLength === wanted.byteLength && crypto.subtle.timingSafeEqual(given, wanted);
}
