/**
 * What the IndieAuth tests share: a client served by the fake net (an h-app page), PKCE pairs
 * computed here (not by the code under test), the consent form read from the page with
 * htmlparser2, and the steps of the flow as functions.
 */
import { Parser } from "htmlparser2";
import happ from "../fixtures/auth/h-app.html?raw";
import clientMetadata from "../fixtures/auth/client-metadata.json?raw";
import { fakeNet, HOME, profileWith, request, type Worker } from "../helpers.ts";

export const ADMIN = "test-admin-token";
export const CLIENT_ID = "https://app.example/";
export const REDIRECT_URI = "https://app.example/callback";
export const JSON_CLIENT_ID = "https://notes.example/client.json";
export const EN = { "Accept-Language": "en" };

export const profile = profileWith([{ url: "https://github.com/camille" }]);

/** The fake net: Quill's h-app page and the Notes app's JSON client metadata. */
export function clientNet() {
  return fakeNet({
    [CLIENT_ID]: new Response(happ, { headers: { "Content-Type": "text/html; charset=utf-8" } }),
    [JSON_CLIENT_ID]: new Response(clientMetadata, { headers: { "Content-Type": "application/json" } }),
  });
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

/** A fresh PKCE pair (RFC 7636 §4.1-4.2). */
export async function pkce(): Promise<{ verifier: string; challenge: string }> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(48)));
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
  return { verifier, challenge };
}

export interface AuthorizationParams {
  client_id?: string;
  redirect_uri?: string;
  state?: string;
  scope?: string;
  code_challenge?: string;
  code_challenge_method?: string;
  response_type?: string;
  me?: string;
}

/** GET /auth with the given parameters (PKCE S256 and `state` filled in unless given). */
export async function authorizationRequest(worker: Worker, params: AuthorizationParams, challenge: string, headers: Record<string, string> = EN): Promise<Response> {
  const query = new URLSearchParams({
    response_type: "code",
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    state: "state-1234",
    code_challenge: challenge,
    code_challenge_method: "S256",
    me: HOME,
    ...params,
  });
  for (const [name, value] of Object.entries(params)) if (value === undefined) query.delete(name);
  return request(worker, `/auth?${query}`, { headers });
}

/** The inputs of the page's form, by name (the last value wins), and their attributes. */
export function formOf(html: string): { fields: Record<string, string>; inputs: Record<string, string>[]; action?: string; method?: string } {
  const fields: Record<string, string> = {};
  const inputs: Record<string, string>[] = [];
  let action: string | undefined;
  let method: string | undefined;
  const parser = new Parser({
    onopentag(name, attributes) {
      if (name === "form") {
        action = attributes.action;
        method = attributes.method;
      }
      if (name === "input") {
        inputs.push(attributes);
        if (attributes.name && attributes.type === "hidden") fields[attributes.name] = attributes.value ?? "";
      }
    },
  });
  parser.write(html);
  parser.end();
  return { fields, inputs, action, method };
}

/** Submits the consent form with a secret and a decision. */
export function submitConsent(worker: Worker, fields: Record<string, string>, secret: string, decision = "approve"): Promise<Response> {
  return request(worker, "/auth", { method: "POST", headers: EN, body: new URLSearchParams({ ...fields, secret, decision }) });
}

/** Authorization request → consent page → approval: the code in the 303's Location. */
export async function approvedCode(worker: Worker, challenge: string, params: AuthorizationParams = {}): Promise<string> {
  const page = await authorizationRequest(worker, params, challenge);
  if (page.status !== 200) throw new Error(`consent page: ${page.status}`);
  const approved = await submitConsent(worker, formOf(await page.text()).fields, ADMIN);
  const code = new URL(approved.headers.get("Location") ?? "https://invalid/").searchParams.get("code");
  if (approved.status !== 303 || !code) throw new Error(`approval: ${approved.status}`);
  return code;
}

/** POST /auth/token with an authorization_code grant. */
export function exchange(worker: Worker, code: string, verifier: string, extra: Record<string, string> = {}, path = "/auth/token"): Promise<Response> {
  return request(worker, path, {
    method: "POST",
    headers: { Accept: "application/json" },
    body: new URLSearchParams({ grant_type: "authorization_code", code, client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, code_verifier: verifier, ...extra }),
  });
}
