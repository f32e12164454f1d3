/** @module The home's store: one Durable Object per home (posts, tokens, conversations). */
import type { HomeStore } from "../posts/store.ts";

/**
 * The home's store, named by its URL. A community member's bindings pin `HOME` to that member's
 * object (community/member-env.ts), whatever name is asked for.
 */
export function homeStore(env: Env, home: string): DurableObjectStub<HomeStore> {
  return env.HOME.get(env.HOME.idFromName(home));
}
