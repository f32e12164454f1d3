/** @module The home store's profile versions (posts/store.ts), as a caller reaches them. */
import { homeStore } from "../auth/home-store.ts";
import type { ProfileOverlay } from "../config/overlay.ts";
import type { ProfileSave } from "./store.ts";

/**
 * The profile methods of the home's Durable Object. Its RPC stub's generated types cannot carry a
 * profile's `unknown` values (they become `never`): these are the same methods, typed as they answer.
 */
export interface ProfileVersions {
  profileOverlay(): Promise<ProfileOverlay | null>;
  profileVersions(limit?: number): Promise<ProfileOverlay[]>;
  saveProfile(edit: Pick<ProfileOverlay, "profile" | "base">, expectedVersion: number, nowMs?: number): Promise<ProfileSave>;
  restoreProfile(version: number, nowMs?: number): Promise<ProfileSave>;
}

/** The profile versions of the home named `home` (a member's bindings pin their own store). */
export function profileStore(env: Env, home: string): ProfileVersions {
  return homeStore(env, home) as unknown as ProfileVersions;
}
