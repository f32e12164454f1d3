/**
 * @module Who the owner is, as a secret to check: `ADMIN_TOKEN` for the single home of
 * profile.json; for a community member's home, the secret m2 generated at sign-up, of which the
 * home's Durable Object keeps only the SHA-256 (the secret is 256 random bits: a fast hash is
 * enough, and Workers Free's 10 ms could not afford a slow one). The forms' HMAC key follows the
 * same split: `ADMIN_TOKEN`, or a random key the member's store generated with the secret.
 */
import type { HomeEnv } from "../model.ts";
import { homeStore } from "./home-store.ts";
import { sameSecret } from "./secret.ts";

export interface Owner {
  /** True when `candidate` is the owner's secret (compared in constant time). */
  isSecret(candidate: string): Promise<boolean>;
  /** The key of the sign-in and consent forms' HMACs: never shown, never sent. */
  formKey(): Promise<string>;
}

/**
 * The owner of this home, or null when nobody can sign in (a single home without `ADMIN_TOKEN`).
 *
 * @example
 * const owner = ownerOf(c.env);
 * if (!owner) return disabledPage(c);
 * if (await owner.isSecret(given)) …
 */
export function ownerOf(env: HomeEnv): Owner | null {
  if (env.M2_MEMBER) {
    // The member's store is the only one its bindings can reach (the name is not read).
    const store = homeStore(env, env.M2_MEMBER);
    return { isSecret: (candidate) => store.isOwnerSecret(candidate), formKey: () => store.formKey() };
  }
  const secret = env.ADMIN_TOKEN;
  if (!secret) return null;
  return { isSecret: (candidate) => sameSecret(candidate, secret), formKey: async () => secret };
}
