/**
 * @module Who a bearer token speaks for. The owner's secret (`ADMIN_TOKEN`) is a token with every
 * scope (for scripts and curl), whichever server does IndieAuth; any other token must be one the
 * home's store issued (m2's own server: unexpired, not revoked), or, when profile.json delegates
 * IndieAuth, one the delegated token endpoint vouches for. Compared in constant time; tokens are
 * never logged.
 */
import type { TokenGrant } from "../posts/store.ts";
import { checkDelegatedToken } from "./delegated.ts";
import { delegates, issuerOf, type HomeIdentity } from "./endpoints.ts";
import { MAX_SECRET_CHARS } from "./limits.ts";
import { ALL_SCOPES } from "./scopes.ts";
import { sameSecret } from "./secret.ts";

export { ALL_SCOPES, sameSecret };

/** The home's store (one Durable Object per home, named by its URL). */
export function homeStore(env: Env, home: string): DurableObjectStub<import("../posts/store.ts").HomeStore> {
  return env.HOME.get(env.HOME.idFromName(home));
}

export interface GrantOptions {
  /** Asks the delegated token endpoint (tests inject one); the global fetch by default. */
  fetcher?: typeof fetch;
  /** The clock (ms since the epoch); Date.now() by default. */
  now?: number;
}

/** What `token` grants on this home, or null. */
export async function grantOf(env: Env, home: HomeIdentity, token: string, options: GrantOptions = {}): Promise<TokenGrant | null> {
  if (!token || token.length > MAX_SECRET_CHARS) return null;
  const me = issuerOf(home);
  if (env.ADMIN_TOKEN && (await sameSecret(token, env.ADMIN_TOKEN))) {
    return { clientId: me, scope: [...ALL_SCOPES], me, issuedAt: 0, expiresAt: Number.MAX_SAFE_INTEGER };
  }
  if (delegates(home)) {
    const endpoint = home.indieauth?.token_endpoint;
    return endpoint ? await checkDelegatedToken(endpoint, me, token, options) : null;
  }
  return await homeStore(env, home.url).checkToken(token, options.now ?? Date.now());
}
