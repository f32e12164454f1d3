/**
 * @module Reading an authorization request (IndieAuth §5.2): the client identifier and redirect
 * URL rules of §3.2-3.3, then the parameters that may be answered by a redirect (response_type,
 * state, PKCE, scope). Every value is bounded before it is parsed; nothing here fetches.
 */
import { isCodeChallenge } from "./pkce.ts";
import { MAX_STATE_CHARS, MAX_URL_CHARS } from "./limits.ts";
import { readScope, type Scope } from "./scopes.ts";

/** A validated authorization request: what the consent form carries and the code will remember. */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  state: string;
  codeChallenge: string;
  scope: Scope[];
  /** Scopes asked that m2 does not know: not granted, listed on the page. */
  unknownScopes: string[];
  /** The `me` the client gave (a hint: the answer's `me` is always the home URL). */
  me: string;
}

/** Why a client_id or redirect_uri is refused: shown as a page, never redirected to (§5.2). */
export type ClientProblem = "badClientId" | "badRedirectUri" | "redirectNotListed";

/** An OAuth 2.0 error answered by redirecting to the client (RFC 6749 §4.1.2.1). */
export interface RedirectError {
  error: "invalid_request" | "unsupported_response_type" | "invalid_scope" | "access_denied";
  description: string;
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** A loopback client (a desktop or CLI app on this machine): never fetched. */
export const isLoopback = (url: URL): boolean => LOOPBACK_HOSTS.has(url.hostname);

/** An IPv4 address (digits and dots only): the spec allows none but loopback as a client host. */
function isIpv4(hostname: string): boolean {
  const parts = hostname.split(".");
  return parts.length === 4 && parts.every((part) => part !== "" && part.length <= 3 && [...part].every((ch) => ch >= "0" && ch <= "9"));
}

/** A path with a `.` or `..` segment, read on the raw text (URL parsing would resolve them away). */
function hasDotSegment(input: string): boolean {
  const path = input.split("?")[0]!.split("#")[0]!;
  return path.split("/").some((segment) => segment === "." || segment === "..");
}

/**
 * The client identifier as a URL (§3.2): https, or http on a loopback host; a path; no fragment,
 * no user or password, no dot segments; a domain name or a loopback address as host.
 */
export function clientIdUrl(input: string | undefined): URL | null {
  if (!input || input.length > MAX_URL_CHARS) return null;
  const url = URL.parse(input);
  if (!url || input.includes("#") || url.username || url.password || hasDotSegment(input)) return null;
  if (url.protocol === "http:" ? !isLoopback(url) : url.protocol !== "https:") return null;
  if (!isLoopback(url) && (url.hostname.startsWith("[") || isIpv4(url.hostname))) return null;
  return url;
}

/** The redirect URL: http(s), no fragment, no user or password. */
export function redirectUrl(input: string | undefined): URL | null {
  if (!input || input.length > MAX_URL_CHARS) return null;
  const url = URL.parse(input);
  if (!url || input.includes("#") || url.username || url.password) return null;
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  return url;
}

/** Same scheme, host and port: a redirect URL the client needs not list (§3.3). */
export const sameOrigin = (a: URL, b: URL): boolean => a.protocol === b.protocol && a.host === b.host;

/** The parameters of an authorization request, as sent (query or form). */
export type RequestParams = Partial<Record<"response_type" | "client_id" | "redirect_uri" | "state" | "code_challenge" | "code_challenge_method" | "scope" | "me", string>>;

/**
 * The rest of the request, once client_id and redirect_uri are known good: any problem here is
 * answered to the client by a redirect.
 */
export function readAuthorizationRequest(params: RequestParams, clientId: URL, redirectUri: URL): AuthorizationRequest | RedirectError {
  if (params.response_type !== "code") return { error: "unsupported_response_type", description: "response_type must be code" };
  const state = params.state ?? "";
  if (state === "" || state.length > MAX_STATE_CHARS) return { error: "invalid_request", description: `state is required (at most ${MAX_STATE_CHARS} characters)` };
  if (params.code_challenge_method !== "S256") return { error: "invalid_request", description: "code_challenge_method must be S256 (PKCE is required)" };
  if (!isCodeChallenge(params.code_challenge)) return { error: "invalid_request", description: "code_challenge must be the base64url SHA-256 of the verifier (43 characters)" };
  const scope = readScope(params.scope);
  if (!scope) return { error: "invalid_scope", description: "scope is too long or has too many tokens" };
  const me = params.me && params.me.length <= MAX_URL_CHARS && URL.parse(params.me) ? params.me : "";
  return { clientId: clientId.href, redirectUri: redirectUri.href, state, codeChallenge: params.code_challenge!, scope: scope.granted, unknownScopes: scope.unknown, me };
}

/** The redirect that carries an answer to the client: its query kept, ours added, `iss` always (RFC 9207). */
export function redirectTo(redirectUri: string, values: Record<string, string>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(values)) url.searchParams.set(name, value);
  return url.href;
}
