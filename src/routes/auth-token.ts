/**
 * @module The token endpoint and its companions (IndieAuth §6-7): POST /auth/token redeems a code
 * (PKCE S256, same client_id and redirect_uri, not expired, once) for an access token, or for
 * `{ me }` alone when no scope was granted; GET /auth/token answers what a bearer token grants
 * (the legacy verification Micropub servers use); POST /auth/introspect (RFC 7662) and POST
 * /auth/revoke (RFC 7009). Every error is JSON `{ error, error_description }`.
 */
import { Hono } from "hono";
import { INTROSPECTION_PATH, issuerOf, REVOCATION_PATH, TOKEN_PATH } from "../auth/endpoints.ts";
import { grantOf, homeStore } from "../auth/grants.ts";
import { MAX_SECRET_CHARS } from "../auth/limits.ts";
import { challengeOf, isCodeVerifier } from "../auth/pkce.ts";
import { clientIdUrl, redirectUrl } from "../auth/request.ts";
import type { RedeemResult } from "../posts/store.ts";
import { bearerOf, boundedForm, formOf, nowOf, oauthError, ownServerOnly, type AuthOptions } from "./auth-shared.ts";
import type { AppContext, AppEnv } from "./context.ts";

/** How long an access token lives. */
export const TOKEN_TTL_SECONDS = 30 * 24 * 3600;

const REFUSALS: Record<Exclude<RedeemResult, { redeemed: unknown }>["refused"], string> = {
  unknown: "the code is unknown",
  used: "the code was already used",
  expired: "the code has expired",
  mismatch: "client_id or redirect_uri differ from the authorization request's",
  pkce: "code_verifier does not match the code_challenge",
};

/**
 * Redeems a code: at the token endpoint (`token`: an access token when scopes were granted) or at
 * the authorization endpoint (`profile`: the profile URL only).
 */
export async function redeem(c: AppContext, form: Record<string, string | undefined>, options: AuthOptions, at: "token" | "profile"): Promise<Response> {
  if (form.grant_type !== "authorization_code") return oauthError(c, "unsupported_grant_type", "grant_type must be authorization_code");
  const { code, code_verifier: verifier } = form;
  const clientId = clientIdUrl(form.client_id);
  const redirectUri = redirectUrl(form.redirect_uri);
  if (!code || code.length > MAX_SECRET_CHARS) return oauthError(c, "invalid_request", "code is missing");
  if (!clientId) return oauthError(c, "invalid_request", "client_id is missing or not a client identifier URL");
  if (!redirectUri) return oauthError(c, "invalid_request", "redirect_uri is missing or not an http(s) URL");
  if (!isCodeVerifier(verifier)) return oauthError(c, "invalid_request", "code_verifier must be 43 to 128 unreserved characters");
  const now = nowOf(options);
  const site = c.get("site");
  const store = homeStore(c.env, site.profile.url);
  const result = await store.redeemCode({ code, clientId: clientId.href, redirectUri: redirectUri.href, challengeOfVerifier: await challengeOf(verifier) }, now);
  if ("refused" in result) return oauthError(c, "invalid_grant", REFUSALS[result.refused]);
  const { scope, me } = result.redeemed;
  const profile = scope.includes("profile") ? { profile: { name: site.profile.name, url: issuerOf(site.profile), ...(site.profile.photo ? { photo: site.profile.photo } : {}) } } : {};
  c.header("Cache-Control", "no-store");
  if (at === "profile" || scope.length === 0) return c.json({ me, ...profile });
  const { token, expiresAt } = await store.issueToken({ clientId: clientId.href, scope, me, ttlSeconds: TOKEN_TTL_SECONDS }, now);
  return c.json({ access_token: token, token_type: "Bearer", scope: scope.join(" "), me, expires_in: Math.round((expiresAt - now) / 1000), ...profile });
}

export function tokenEndpoint(options: AuthOptions) {
  const tokens = new Hono<AppEnv>();
  tokens.use(TOKEN_PATH, ownServerOnly);
  tokens.use(INTROSPECTION_PATH, ownServerOnly);
  tokens.use(REVOCATION_PATH, ownServerOnly);

  tokens.post(TOKEN_PATH, boundedForm, async (c) => {
    const form = await formOf(c);
    // The legacy revocation (IndieAuth 2020 §7): the same as POST /auth/revoke.
    if (form.action === "revoke" && form.token) {
      await homeStore(c.env, c.get("site").profile.url).revokeToken(form.token.slice(0, MAX_SECRET_CHARS), nowOf(options));
      return c.body(null, 200);
    }
    return redeem(c, form, options, "token");
  });

  // The legacy token verification: what the bearer token grants, for Micropub servers and clients.
  tokens.get(TOKEN_PATH, async (c) => {
    const token = bearerOf(c.req.header("Authorization"));
    const grant = token ? await grantOf(c.env, c.get("site").profile, token, { now: nowOf(options) }) : null;
    if (!grant) return oauthError(c, "invalid_token", "send Authorization: Bearer <a valid token>", 401);
    c.header("Cache-Control", "no-store");
    return c.json({ me: grant.me, client_id: grant.clientId, scope: grant.scope.join(" ") });
  });

  tokens.post(INTROSPECTION_PATH, boundedForm, async (c) => {
    const now = nowOf(options);
    const caller = bearerOf(c.req.header("Authorization"));
    const home = c.get("site").profile;
    if (!caller || !(await grantOf(c.env, home, caller, { now }))) return oauthError(c, "invalid_token", "introspection needs Authorization: Bearer <ADMIN_TOKEN or a valid token>", 401);
    const token = (await formOf(c)).token;
    if (!token) return oauthError(c, "invalid_request", "token is missing");
    c.header("Cache-Control", "no-store");
    const grant = token.length > MAX_SECRET_CHARS ? null : await homeStore(c.env, home.url).checkToken(token, now);
    if (!grant) return c.json({ active: false });
    return c.json({ active: true, me: grant.me, client_id: grant.clientId, scope: grant.scope.join(" "), exp: Math.floor(grant.expiresAt / 1000), iat: Math.floor(grant.issuedAt / 1000) });
  });

  tokens.post(REVOCATION_PATH, boundedForm, async (c) => {
    const token = (await formOf(c)).token;
    if (token && token.length <= MAX_SECRET_CHARS) await homeStore(c.env, c.get("site").profile.url).revokeToken(token, nowOf(options));
    return c.body(null, 200);
  });

  return tokens;
}
