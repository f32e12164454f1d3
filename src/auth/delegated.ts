/**
 * @module Checking a token at a delegated token endpoint, the legacy way (IndieAuth 2020 §6.3):
 * GET with `Authorization: Bearer` and `Accept: application/json`, the answer's `me` must be the
 * home URL. A positive answer is kept in isolate memory for at most `DELEGATED_CACHE_MS` (and
 * never past the token's own expiry), under the token's SHA-256, never the token.
 */
import type { TokenGrant } from "../posts/store.ts";
import { DELEGATED_TIMEOUT_MS, MAX_DELEGATED_ANSWER_BYTES, MAX_SCOPE_CHARS, MAX_URL_CHARS } from "./limits.ts";
import { sha256Hex } from "./secret.ts";
import { readUpTo } from "../stream.ts";

/** How long a delegated endpoint's yes is believed without asking again. */
export const DELEGATED_CACHE_MS = 60_000;
/** Grants kept at once; the oldest goes first. */
export const MAX_CACHED_GRANTS = 256;

const cache = new Map<string, { grant: TokenGrant; until: number }>();

/** The body as text, or null past `maxBytes` (read chunk by chunk, never whole first). */
async function cappedText(response: Response, maxBytes: number): Promise<string | null> {
  const bytes = await readUpTo(response.body, response.headers.get("content-length"), maxBytes);
  return bytes === "too-large" ? null : new TextDecoder().decode(bytes);
}

const sameUrl = (a: string, b: string): boolean => URL.parse(a)?.href === URL.parse(b)?.href;

/** Asks `endpoint` what `token` grants; null for no, an error, a timeout, or another `me`. */
export async function checkDelegatedToken(endpoint: string, home: string, token: string, options: { fetcher?: typeof fetch; now?: number } = {}): Promise<TokenGrant | null> {
  const now = options.now ?? Date.now();
  const key = await sha256Hex(`${endpoint}\n${token}`);
  const kept = cache.get(key);
  if (kept && kept.until > now) return kept.grant;
  cache.delete(key);
  const fetcher = options.fetcher ?? fetch;
  let answer: Record<string, unknown>;
  try {
    const response = await fetcher(endpoint, {
      headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
      redirect: "manual",
      signal: AbortSignal.timeout(DELEGATED_TIMEOUT_MS),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      return null;
    }
    const body = await cappedText(response, MAX_DELEGATED_ANSWER_BYTES);
    const parsed: unknown = body === null ? null : JSON.parse(body);
    if (typeof parsed !== "object" || parsed === null) return null;
    answer = parsed as Record<string, unknown>;
  } catch {
    return null;
  }
  const { me, client_id: clientId, scope, exp } = answer;
  if (typeof me !== "string" || !sameUrl(me, home)) return null;
  const expiresAt = typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : Number.MAX_SAFE_INTEGER;
  if (expiresAt <= now) return null;
  const grant: TokenGrant = {
    clientId: typeof clientId === "string" ? clientId.slice(0, MAX_URL_CHARS) : "",
    scope: typeof scope === "string" ? scope.slice(0, MAX_SCOPE_CHARS).split(" ").filter(Boolean) : [],
    me: home,
    issuedAt: typeof answer.iat === "number" ? answer.iat * 1000 : now,
    expiresAt,
  };
  if (cache.size >= MAX_CACHED_GRANTS) cache.delete(cache.keys().next().value!);
  cache.set(key, { grant, until: Math.min(now + DELEGATED_CACHE_MS, expiresAt) });
  return grant;
}
