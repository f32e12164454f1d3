/**
 * @module Who a bearer token speaks for. The owner's secret (`ADMIN_TOKEN`, or a member's; owner.ts) is a token with every
 * scope (for scripts and curl), whichever server does IndieAuth; any other token must be one the
 * home's store issued (m2's own server: unexpired, not revoked), or, when profile.json delegates
 * IndieAuth, one the delegated token endpoint vouches for. Compared in constant time; tokens are
 * never logged.
 */
import type { HomeEnv } from "../model.ts";
import type { TokenGrant } from "../posts/store.ts";
import { checkDelegatedToken } from "./delegated.ts";
import { delegates, issuerOf, type HomeIdentity } from "./endpoints.ts";
import { MAX_SECRET_CHARS } from "./limits.ts";
import { ALL_SCOPES } from "./scopes.ts";
import { homeStore } from "./home-store.ts";
import { ownerOf } from "./owner.ts";
import { sameSecret } from "./secret.ts";

export { ALL_SCOPES, homeStore, sameSecret };


export interface GrantOptions {
  /** Asks the delegated token endpoint (tests inject one); the global fetch by default. */
  fetcher?: typeof fetch;
  /** The clock (ms since the epoch); Date.now() by default. */
  now?: number;
}

/** What `token` grants on this home, or null. */
export async function grantOf(env: HomeEnv, home: HomeIdentity, token: string, options: GrantOptions = {}): Promise<TokenGrant | null> {
  if (!token || token.length > MAX_SECRET_CHARS) return null;
  const me = issuerOf(home);
  if (await ownerOf(env)?.isSecret(token)) {
    return { clientId: me, scope: [...ALL_SCOPES], me, issuedAt: 0, expiresAt: Number.MAX_SAFE_INTEGER };
  }
  if (delegates(home)) {
    const endpoint = home.indieauth?.token_endpoint;
    return endpoint ? await checkDelegatedToken(endpoint, me, token, options) : null;
  }
  return await homeStore(env, home.url).checkToken(token, options.now ?? Date.now());
}
