/**
 * @module The authorization endpoint (IndieAuth §5.2-5.3): GET /auth checks the request and shows
 * the consent page; POST /auth signs the owner in with the secret (rate-limited in the home's
 * store), then redirects to the client with a code, `state` and `iss`; POST /auth with
 * grant_type=authorization_code redeems a code for the profile URL alone (`{ me }`, §5.3.3).
 * A bad client_id or redirect_uri is shown as a page, never redirected to.
 */
import { Hono } from "hono";
import { discoverClient, type ClientInfo } from "../auth/client.ts";
import { consentToken, isConsentToken } from "../auth/consent-token.ts";
import { AUTHORIZATION_PATH, issuerOf } from "../auth/endpoints.ts";
import { homeStore } from "../auth/grants.ts";
import { ownerOf } from "../auth/owner.ts";
import { MAX_SECRET_CHARS, MAX_STATE_CHARS } from "../auth/limits.ts";
import { clientIdUrl, readAuthorizationRequest, redirectTo, redirectUrl, sameOrigin, type AuthorizationRequest, type ClientProblem, type RedirectError, type RequestParams } from "../auth/request.ts";
import { fill } from "../i18n/languages.ts";
import { ConsentPage, scopeInWords } from "../render/consent.tsx";
import { MessagePage } from "../render/page.tsx";
import { boundedForm, formOf, nowOf, ownServerOnly, type AuthOptions } from "./auth-shared.ts";
import { redeem } from "./auth-token.ts";
import type { AppContext, AppEnv } from "./context.ts";
import { policyWithFormAction } from "./csp.ts";

const PARAMS = ["response_type", "client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method", "scope", "me"] as const;

function paramsOf(source: Record<string, string | undefined>): RequestParams {
  const params: RequestParams = {};
  for (const name of PARAMS) if (source[name] !== undefined) params[name] = source[name];
  return params;
}

/** A page for what cannot be redirected (a bad client_id or redirect_uri, a stale form, too many attempts). */
async function problemPage(c: AppContext, title: string, message: string, status: 400 | 401 | 429 | 503): Promise<Response> {
  const t = c.get("t");
  c.header("Cache-Control", "no-store");
  return c.html(await (<MessagePage title={title} message={message} t={t} stylesheet={c.get("site").stylesheet.path} />).toString(), status);
}

function clientProblem(c: AppContext, problem: ClientProblem, clientId: string, redirectUri: string): Promise<Response> {
  const t = c.get("t");
  const message = problem === "badClientId" ? t.authBadClientId : problem === "badRedirectUri" ? t.authBadRedirectUri : fill(t.authRedirectNotListed, { redirect: redirectUri, client: clientId });
  return problemPage(c, t.authErrorTitle, message, 400);
}

/** An answer to the client at its redirect URI (303: the browser follows with a GET). */
function answerClient(c: AppContext, redirectUri: string, values: Record<string, string>): Response {
  c.header("Cache-Control", "no-store");
  return c.redirect(redirectTo(redirectUri, { ...values, iss: issuerOf(c.get("site").profile) }), 303);
}

const redirectError = (c: AppContext, redirectUri: string, problem: RedirectError, state: string | undefined) =>
  answerClient(c, redirectUri, { error: problem.error, error_description: problem.description, ...(state && state.length <= MAX_STATE_CHARS ? { state } : {}) });

/** client_id and redirect_uri as URLs, the redirect URI on the client's host or listed by it (§3.3). */
async function checkClient(params: RequestParams, home: string, fetcher: typeof fetch | undefined): Promise<{ clientId: URL; redirectUri: URL; client: ClientInfo } | { problem: ClientProblem }> {
  const clientId = clientIdUrl(params.client_id);
  if (!clientId) return { problem: "badClientId" };
  const redirectUri = redirectUrl(params.redirect_uri);
  if (!redirectUri) return { problem: "badRedirectUri" };
  const client = await discoverClient(clientId, home, fetcher);
  if (!sameOrigin(clientId, redirectUri) && !client.redirectUris.includes(redirectUri.href)) return { problem: "redirectNotListed" };
  return { clientId, redirectUri, client };
}

/** The consent page, with a form only its own origin and the redirect URI's may receive. */
async function consentPage(c: AppContext, request: AuthorizationRequest, client: ClientInfo, now: number, status: 200 | 401 = 200): Promise<Response> {
  const site = c.get("site");
  const t = c.get("t");
  const csrf = await consentToken(await ownerOf(c.env)!.formKey(), request, Math.floor(now / 1000));
  const page = (
    <ConsentPage
      t={t}
      lang={c.get("lang")}
      stylesheet={site.stylesheet.path}
      favicon={site.favicon.path}
      home={issuerOf(site.profile)}
      client={{ url: request.clientId, name: client.name, logo: client.logo }}
      scopes={request.scope.map((scope) => scopeInWords(t, scope))}
      unknownScopes={request.unknownScopes}
      fields={{ client_id: request.clientId, redirect_uri: request.redirectUri, state: request.state, code_challenge: request.codeChallenge, scope: request.scope.join(" "), me: request.me, csrf }}
      wrongSecret={status === 401}
    />
  );
  c.header("Cache-Control", "no-store");
  c.header("Content-Security-Policy", policyWithFormAction(["'self'", new URL(request.redirectUri).origin]));
  return c.html(await page.toString(), status);
}

export function authorizationEndpoint(options: AuthOptions) {
  const authorize = new Hono<AppEnv>();
  authorize.use(AUTHORIZATION_PATH, ownServerOnly);

  authorize.get(AUTHORIZATION_PATH, async (c) => {
    const t = c.get("t");
    if (!ownerOf(c.env)) return problemPage(c, t.authErrorTitle, t.authDisabled, 503);
    const params = paramsOf(c.req.query());
    const checked = await checkClient(params, c.get("site").profile.url, options.fetcher);
    if ("problem" in checked) return clientProblem(c, checked.problem, params.client_id ?? "", params.redirect_uri ?? "");
    const request = readAuthorizationRequest(params, checked.clientId, checked.redirectUri);
    if ("error" in request) return redirectError(c, checked.redirectUri.href, request, params.state);
    return consentPage(c, request, checked.client, nowOf(options));
  });

  authorize.post(AUTHORIZATION_PATH, boundedForm, async (c) => {
    const t = c.get("t");
    const form = await formOf(c);
    // A client redeeming a code for the profile URL alone (§5.3.3).
    if (form.grant_type !== undefined) return redeem(c, form, options, "profile");
    const owner = ownerOf(c.env);
    if (!owner) return problemPage(c, t.authErrorTitle, t.authDisabled, 503);
    const params = paramsOf(form);
    const clientId = clientIdUrl(params.client_id);
    const redirectUri = redirectUrl(params.redirect_uri);
    if (!clientId) return clientProblem(c, "badClientId", "", "");
    if (!redirectUri) return clientProblem(c, "badRedirectUri", "", "");
    const request = readAuthorizationRequest(params, clientId, redirectUri);
    const now = nowOf(options);
    // The token proves this page was shown for exactly these parameters (the redirect URI checked against the client's list).
    if ("error" in request || !(await isConsentToken(await owner.formKey(), request, form.csrf, Math.floor(now / 1000)))) {
      return problemPage(c, t.authErrorTitle, t.authStaleForm, 400);
    }
    if (form.decision === "deny") return redirectError(c, request.redirectUri, { error: "access_denied", description: "the owner denied the request" }, request.state);
    const secret = form.secret ?? "";
    const home = c.get("site").profile.url;
    const store = homeStore(c.env, home);
    const signIn = secret.length > MAX_SECRET_CHARS ? "wrong" : await store.signIn(secret, now);
    if (signIn === "limited") return problemPage(c, t.signInLimitedTitle, t.signInLimited, 429);
    if (signIn === "wrong") return consentPage(c, request, await discoverClient(clientId, home, options.fetcher), now, 401);
    const code = await store.issueCode({ clientId: request.clientId, redirectUri: request.redirectUri, scope: request.scope, codeChallenge: request.codeChallenge, me: issuerOf(c.get("site").profile) }, now);
    return answerClient(c, request.redirectUri, { code, state: request.state });
  });

  return authorize;
}
