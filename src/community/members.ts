/**
 * @module A member's home: its Worker (the single home's code, built from the member's saved
 * profile, with the member's canonical URL and the community's share of the cron's CPU), its card
 * on the community's page, and its creation at sign-up.
 */
import type { ProfileOverlay } from "../config/overlay.ts";
import type { HomeWorker, Homes } from "../homes.ts";
import type { HomeEnv } from "../model.ts";
import { profileStore } from "../posts/profile-versions.ts";
import { memberEnv } from "./member-env.ts";
import type { Member, MemberCard } from "./store.ts";

/** The fields of a profile the community's page shows. */
export function cardOf(profile: { name: string; url: string; photo?: string | undefined; note?: string | undefined; community?: boolean | undefined }): MemberCard {
  return { name: profile.name, url: profile.url, ...(profile.photo ? { photo: profile.photo } : {}), ...(profile.note ? { note: profile.note } : {}), planet: profile.community === true };
}

/** What the community imposes on every member's profile: the home URL m2 gave, the cron's CPU share. */
export interface MemberTerms {
  url: string;
  cpuMsPerRun: number;
}

/** A member's profile as their home is built from: theirs, under the community's terms. */
export function underTerms(input: unknown, terms: MemberTerms): unknown {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return input;
  const profile = input as Record<string, unknown>;
  const settings = typeof profile.settings === "object" && profile.settings !== null ? (profile.settings as Record<string, unknown>) : {};
  return { ...profile, url: terms.url, settings: { ...settings, cpuMsPerRun: terms.cpuMsPerRun } };
}

/** The Worker of a member's home, or null when the member has no profile yet (a sign-up cut short). */
export async function memberWorker(homes: Homes, env: Env, member: Member): Promise<HomeWorker | null> {
  const own = memberEnv(env, member.handle);
  return homes.worker(member.handle, {}, own.M2_KV, { fallback: () => profileStore(own, member.card.url).profileOverlay() });
}

/**
 * Saves a new member's first profile in their home's store (where every later edit goes too) and
 * builds their home in this isolate, so the welcome page's link opens it at once.
 */
export async function createMemberProfile(homes: Homes, env: HomeEnv, member: Member, profile: Record<string, unknown>): Promise<HomeWorker> {
  const result = await profileStore(env, member.card.url).saveProfile({ profile: profile as ProfileOverlay["profile"], base: {} }, 0);
  if (!("saved" in result)) throw new Error(`the new home's profile was refused: ${result.refused}`);
  return homes.saved(member.handle, {}, result.saved as ProfileOverlay);
}
