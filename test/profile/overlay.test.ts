/**
 * The overlay on profile.json: the three-way merge per top-level field and its conflicts, the
 * base of a new version, and a home built from `overlaid(file, overlay)` whose page, feeds and
 * /status show the edited profile and the conflict, in both languages.
 */
import { describe, expect, it } from "vitest";
import { baseForSave, overlaid, type ProfileOverlay } from "../../src/config/overlay.ts";
import { profileWith, request, workerFor } from "../helpers.ts";

const FILE = profileWith([{ url: "https://github.com/camille" }], { pronouns: "elle/she" }) as Record<string, unknown>;

const overlayOf = (profile: Record<string, unknown>, base: Record<string, unknown> = FILE, version = 1): ProfileOverlay => ({ version, savedAt: "2026-11-28T10:00:00.000Z", profile, base });

describe("overlaid", () => {
  it("is the file when nothing was saved, and the whole profile for a member (no file)", () => {
    expect(overlaid(FILE, null)).toEqual({ input: FILE, conflicts: [] });
    const member = { name: "Dominique", url: "https://dom.commune.example/", accounts: [{ url: "https://github.com/dom" }] };
    expect(overlaid({}, overlayOf(member, {}))).toEqual({ input: member, conflicts: [] });
  });

  it("takes the overlay's edited fields and the file's later changes to the others, with no conflict", () => {
    const overlay = overlayOf({ ...FILE, note: "Bio du navigateur" });
    const file = { ...FILE, pronouns: "iel/they" };
    expect(overlaid(file, overlay)).toEqual({ input: { ...FILE, note: "Bio du navigateur", pronouns: "iel/they" }, conflicts: [] });
  });

  it("removes a field the overlay removed, and adds one the file added", () => {
    const { pronouns: _pronouns, ...without } = FILE;
    const { input } = overlaid({ ...FILE, locality: "Lyon" }, overlayOf(without));
    expect(input).toEqual({ ...without, locality: "Lyon" });
  });

  it("names each field both changed to different values; the overlay wins it", () => {
    const overlay = overlayOf({ ...FILE, note: "Bio du navigateur", name: "Camille N." });
    const file = { ...FILE, note: "Bio du fichier", name: "Camille N.", accounts: [{ url: "https://github.com/camille" }, { url: "https://mastodon.social/@camille" }] };
    const { input, conflicts } = overlaid(file, overlay);
    // name: both made the same change (exported back): no conflict. accounts: only the file changed it.
    expect(conflicts).toEqual(["note"]);
    expect(input).toMatchObject({ note: "Bio du navigateur", name: "Camille N.", accounts: file.accounts });
  });

  it("compares values, not their key order", () => {
    const reordered = { ...FILE, accounts: [{ url: "https://github.com/camille" }] };
    const overlay = overlayOf({ ...FILE, settings: { pageItems: 10, feedItems: 5 } }, { ...FILE, settings: { feedItems: 5, pageItems: 10 } });
    expect(overlaid({ ...reordered, settings: { feedItems: 5, pageItems: 10 } }, overlay)).toEqual({ input: { ...FILE, settings: { pageItems: 10, feedItems: 5 } }, conflicts: [] });
  });

  it("keeps a conflict's old base in the next version's, and the file's values elsewhere", () => {
    const previous = overlayOf({ ...FILE, note: "Bio du navigateur" });
    const file = { ...FILE, note: "Bio du fichier", pronouns: "iel/they" };
    expect(baseForSave(file, previous)).toEqual({ ...file, note: FILE.note });
    expect(baseForSave(file, null)).toEqual(file);
  });
});

describe("A home built with its overlay", () => {
  const overlay = overlayOf({ ...FILE, name: "Camille Éditée", note: "Bio du navigateur" }, FILE, 4);
  const file = { ...FILE, note: "Bio changée dans profile.json" };

  function built() {
    const { input, conflicts } = overlaid(file, overlay);
    return workerFor(input, { overlay: { version: overlay.version, savedAt: overlay.savedAt, conflicts }, profileFile: file });
  }

  it("shows the edited profile on the page and in the feeds", async () => {
    const worker = built();
    const page = await (await request(worker, "/")).text();
    expect(page).toContain("Camille Éditée");
    expect(page).toContain("Bio du navigateur");
    expect(page).not.toContain("Bio changée dans profile.json");
    expect(await (await request(worker, "/feed.xml")).text()).toContain("<title>Camille Éditée</title>");
    expect((await (await request(worker, "/feed.json")).json()) as { title: string }).toMatchObject({ title: "Camille Éditée" });
  });

  it("says on /status and /status.json when the profile was edited and which fields profile.json changed since", async () => {
    const worker = built();
    const json = (await (await request(worker, "/status.json")).json()) as { profile_overlay: unknown };
    expect(json.profile_overlay).toEqual({ version: 4, saved_at: "2026-11-28T10:00:00.000Z", conflicts: ["note"] });
    const french = await (await request(worker, "/status")).text();
    expect(french).toContain("Profil modifié dans le navigateur le");
    expect(french).toContain("(version 4)");
    expect(french).toContain("profile.json a changé ces champs depuis, et la modification du navigateur l&#39;emporte sur eux : note.");
    const english = await (await request(worker, "/status?lang=en")).text();
    expect(english).toContain("Profile edited in the browser on");
    expect(english).toContain("profile.json changed these fields since, and the browser&#39;s edit wins over them: note.");
  });

  it("has no overlay note on /status without an overlay", async () => {
    const worker = workerFor(FILE);
    expect(((await (await request(worker, "/status.json")).json()) as { profile_overlay: unknown }).profile_overlay).toBeNull();
    expect(await (await request(worker, "/status")).text()).not.toContain("Profil modifié dans le navigateur");
  });
});
