/**
 * The profile versions in the home's Durable Object: two saves against the same loaded version
 * at once keep one and refuse the other (nothing lost), the last 10 are kept, a restore is a new
 * version, a profile over 64 KiB is refused, the newest is mirrored to KV.
 */
import { describe, expect, it } from "vitest";
import { MAX_PROFILE_BYTES, MAX_PROFILE_VERSIONS } from "../../src/config/overlay.ts";
import { profileStore } from "../../src/posts/profile-versions.ts";
import { PROFILE_KEY } from "../../src/store/index.ts";
import { HOME, env, profileWith } from "../helpers.ts";
import { home, post, signIn } from "../compose/session.ts";

const named = (name: string) => ({ profile: profileWith([{ url: "https://github.com/camille" }], { name }) as Record<string, unknown>, base: {} });

describe("HomeStore profile versions", () => {
  it("of two saves at once against the same version, keeps one and refuses the other", async () => {
    const store = profileStore(env, HOME);
    const results = await Promise.all([store.saveProfile(named("A"), 0), store.saveProfile(named("B"), 0)]);
    const kept = results.filter((result) => "saved" in result);
    const refused = results.filter((result) => "refused" in result);
    expect(kept).toHaveLength(1);
    expect(refused).toEqual([{ refused: "conflict", current: (kept[0] as { saved: unknown }).saved }]);
    const versions = await store.profileVersions();
    expect(versions).toHaveLength(1);
    expect(versions[0]!.version).toBe(1);
  });

  it("through the form too: two submits of the same loaded page, one saved (303), the other 409 with its text kept", async () => {
    const worker = home();
    const signed = await signIn(worker);
    const form = (name: string) =>
      new URLSearchParams({ csrf: signed.csrf, version: "0", action: "save", name, note: "", lang: "fr", photo: "", accounts: "https://github.com/camille" });
    const [first, second] = await Promise.all([post(worker, "/new/profile", signed, form("Onglet un")), post(worker, "/new/profile", signed, form("Onglet deux"))]);
    expect([first!.status, second!.status].sort()).toEqual([303, 409]);
    const loser = first!.status === 409 ? first! : second!;
    const winner = first!.status === 409 ? "Onglet deux" : "Onglet un";
    expect(await loser.text()).toContain(`value="${first!.status === 409 ? "Onglet un" : "Onglet deux"}"`);
    expect((await profileStore(env, HOME).profileVersions()).map((version) => version.profile.name)).toEqual([winner]);
  });

  it("keeps the last 10 versions; a restore is a new version; the newest is in KV", async () => {
    const store = profileStore(env, HOME);
    for (let version = 1; version <= MAX_PROFILE_VERSIONS + 2; version++) expect(await store.saveProfile(named(`V${version}`), version - 1)).toHaveProperty("saved.version", version);
    const versions = await store.profileVersions();
    expect(versions.map((version) => version.version)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
    expect(await store.restoreProfile(1)).toEqual({ refused: "not-found" });
    const restored = await store.restoreProfile(5);
    expect(restored).toMatchObject({ saved: { version: 13, profile: { name: "V5" } } });
    expect(JSON.parse((await env.M2_KV.get(PROFILE_KEY))!)).toMatchObject({ version: 13, profile: { name: "V5" } });
    expect((await store.profileVersions()).map((version) => version.version)).toEqual([13, 12, 11, 10, 9, 8, 7, 6, 5, 4]);
  });

  it("refuses a profile over 64 KiB, saving nothing", async () => {
    const store = profileStore(env, HOME);
    const big = { profile: { ...named("Big").profile, note: "x".repeat(MAX_PROFILE_BYTES) }, base: {} };
    expect(await store.saveProfile(big, 0)).toEqual({ refused: "too-large", max: 65_536 });
    expect(await store.profileOverlay()).toBeNull();
    expect(await env.M2_KV.get(PROFILE_KEY)).toBeNull();
  });
});
