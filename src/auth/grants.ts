/**
 * @module Who a bearer token speaks for. The owner's secret (`ADMIN_TOKEN`) is a token with every
 * scope (for scripts and curl); any other token must be one the home's store issued (IndieAuth),
 * unexpired and not revoked. Compared in constant time; tokens are never logged.
 */
import type { TokenGrant } from "../posts/store.ts";

/** Every scope m2 knows: what the owner's secret grants. */
export const ALL_SCOPES = ["create", "update", "delete", "undelete", "media", "profile", "email"] as const;

/** Constant-time comparison of two strings (their SHA-256, so lengths leak nothing either). */
export async function sameSecret(a: string, b: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [left, right] = await Promise.all([crypto.subtle.digest("SHA-256", encoder.encode(a)), crypto.subtle.digest("SHA-256", encoder.encode(b))]);
  return crypto.subtle.timingSafeEqual(left, right);
}

/** The home's store (one Durable Object per home, named by its URL). */
export function homeStore(env: Env, home: string): DurableObjectStub<import("../posts/store.ts").HomeStore> {
  return env.HOME.get(env.HOME.idFromName(home));
}

/** What `token` grants on this home, or null. */
export async function grantOf(env: Env, home: string, token: string): Promise<TokenGrant | null> {
  if (!token) return null;
  if (env.ADMIN_TOKEN && (await sameSecret(token, env.ADMIN_TOKEN))) {
    return { clientId: home, scope: [...ALL_SCOPES], me: home, issuedAt: 0, expiresAt: Number.MAX_SAFE_INTEGER };
  }
  return await homeStore(env, home).checkToken(token);
}
