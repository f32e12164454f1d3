/**
 * Editing the profile at /new/profile: the form filled from the effective profile, a bad account
 * URL answered with the schema's message beside the accounts field and the form as typed, a
 * preview that saves nothing, saves and restores that make versions, a save against an older
 * version refused (409) with nothing lost, the export, and the session and CSRF checks.
 */
import { describe, expect, it } from "vitest";
import type { ProfileOverlay } from "../../src/config/overlay.ts";
import { profileStore } from "../../src/posts/profile-versions.ts";
import { PROFILE_KEY } from "../../src/store/index.ts";
import { HOME, env, profileWith, request, workerFor } from "../helpers.ts";
import { fieldValue, get, home, post, signIn, type Signed } from "../compose/session.ts";

const FILE = profileWith([{ url: "https://github.com/camille" }, { url: "https://blog.camille.example/", feed: "https://blog.camille.example/feed/", label: "Blog" }], { pronouns: "elle/she" });

function profileForm(signed: Signed, fields: Record<string, string>): URLSearchParams {
  return new URLSearchParams({ csrf: signed.csrf, version: "0", name: "Camille Exemple", note: "Développeuse web à Lyon.", lang: "fr", photo: "", accounts: "https://github.com/camille\nhttps://blog.camille.example/ Blog", action: "save", ...fields });
}

/** The text of a textarea of the page, as the browser reads it (its first newline dropped). */
function textareaOf(html: string, name: string): string | undefined {
  const match = new RegExp(`<textarea[^>]*name="${name}"[^>]*>\\n([\\s\\S]*?)</textarea>`).exec(html);
  return match?.[1];
}

describe("/new/profile", () => {
  it("is linked from /new and shows the form filled from the effective profile, at version 0", async () => {
    const worker = workerFor(FILE);
    const signed = await signIn(worker);
    expect(await (await get(worker, "/new", signed)).text()).toContain('<a href="/new/profile">Modifier votre profil</a>');
    const response = await get(worker, "/new/profile", signed);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(response.headers.get("Content-Security-Policy")).toContain("form-action 'self'");
    const page = await response.text();
    expect(fieldValue(page, "name")).toBe("Camille Exemple");
    expect(fieldValue(page, "version")).toBe("0");
    expect(textareaOf(page, "accounts")).toBe("https://github.com/camille\nhttps://blog.camille.example/ Blog");
    expect(textareaOf(page, "note")).toBe("Développeuse web à Lyon.");
    expect(page).toContain('<option value="fr" selected="" lang="fr">Français</option>');
    expect(page).toContain("Aucune version enregistrée");
  });

  it("answers a bad account URL with the schema's message beside the accounts field, the form as typed, nothing saved", async () => {
    const worker = home();
    const signed = await signIn(worker);
    const typed = "https://github.com/camille\n\nmastodon.social/@camille Mastodon";
    const response = await post(worker, "/new/profile", signed, profileForm(signed, { name: "Camille Nouvelle", note: "Ma bio tapée", accounts: typed }));
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('id="profile-accounts-problem"');
    expect(page).toContain('Ligne 3 : <span lang="en">expected an https or mailto: URL, got &quot;mastodon.social/@camille&quot;</span>');
    expect(page).toMatch(/name="accounts"[^>]*aria-describedby="profile-accounts-hint profile-accounts-problem" aria-invalid="true"/);
    // Nothing typed is lost.
    expect(fieldValue(page, "name")).toBe("Camille Nouvelle");
    expect(textareaOf(page, "note")).toBe("Ma bio tapée");
    expect(textareaOf(page, "accounts")).toBe(typed);
    expect(await profileStore(env, HOME).profileOverlay()).toBeNull();
  });

  it("previews the page's card without saving anything", async () => {
    const worker = home();
    const signed = await signIn(worker);
    const response = await post(worker, "/new/profile", signed, profileForm(signed, { action: "preview", name: "Camille Aperçue", accounts: "https://github.com/camille\nhttps://mastodon.social/@camille" }));
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('class="preview"');
    expect(page).toContain('<a class="p-name u-url u-uid" href="https://camille.example/">Camille Aperçue</a>');
    expect(page).toContain('href="https://mastodon.social/@camille"');
    expect(fieldValue(page, "name")).toBe("Camille Aperçue");
    expect(await profileStore(env, HOME).profileOverlay()).toBeNull();
    expect(await env.M2_KV.get(PROFILE_KEY)).toBeNull();
    expect(await (await request(worker, "/")).text()).not.toContain("Camille Aperçue");
  });

  it("saves a version (mirrored to KV, the hook called), then restore brings the old one back as a new version", async () => {
    const saved: ProfileOverlay[] = [];
    const worker = workerFor(FILE, { profileSaved: (overlay) => saved.push(overlay) });
    const signed = await signIn(worker);
    const first = await post(worker, "/new/profile", signed, profileForm(signed, { name: "Camille Un" }));
    expect(first.status).toBe(303);
    expect(first.headers.get("Location")).toBe("/new/profile?saved=1");
    expect(saved.map((overlay) => overlay.version)).toEqual([1]);
    // The base profile's other fields and the account's feed are kept.
    expect(saved[0]!.profile).toMatchObject({ name: "Camille Un", pronouns: "elle/she", accounts: [{ url: "https://github.com/camille" }, { url: "https://blog.camille.example/", feed: "https://blog.camille.example/feed/", label: "Blog" }] });
    expect(saved[0]!.base).toEqual(FILE);
    expect(JSON.parse((await env.M2_KV.get(PROFILE_KEY))!)).toEqual(saved[0]);

    const page = await (await get(worker, "/new/profile?saved=1", signed)).text();
    expect(page).toContain("Votre profil est enregistré : version 1.");
    expect(fieldValue(page, "name")).toBe("Camille Un");
    expect(fieldValue(page, "version")).toBe("1");

    expect((await post(worker, "/new/profile", signed, profileForm(signed, { version: "1", name: "Camille Deux" }))).status).toBe(303);
    const list = await (await get(worker, "/new/profile", signed)).text();
    expect(list).toContain('data-version="2"');
    expect(list).toContain('name="restore" value="1"');
    expect(list).not.toContain('name="restore" value="2"');

    const restored = await post(worker, "/new/profile/restore", signed, new URLSearchParams({ csrf: signed.csrf, restore: "1" }));
    expect(restored.status).toBe(303);
    expect(restored.headers.get("Location")).toBe("/new/profile?saved=3");
    const versions = await profileStore(env, HOME).profileVersions();
    expect(versions.map((version) => [version.version, version.profile.name])).toEqual([
      [3, "Camille Un"],
      [2, "Camille Deux"],
      [1, "Camille Un"],
    ]);
    expect(saved.map((overlay) => overlay.version)).toEqual([1, 2, 3]);
    expect(JSON.parse((await env.M2_KV.get(PROFILE_KEY))!).version).toBe(3);
  });

  it("refuses to restore a version that today's profile.json would make invalid, changing nothing", async () => {
    const file = profileWith([{ url: "https://github.com/camille" }, { url: "https://mastodon.social/@camille" }]);
    const worker = workerFor(file);
    const signed = await signIn(worker);
    expect((await post(worker, "/new/profile", signed, profileForm(signed, { accounts: "https://github.com/camille" }))).status).toBe(303);
    expect((await post(worker, "/new/profile", signed, profileForm(signed, { version: "1", accounts: "https://github.com/camille\nhttps://mastodon.social/@camille" }))).status).toBe(303);
    // profile.json now names the Mastodon account in a WebFinger alias: version 1 has no such account.
    const later = workerFor({ ...file, webfinger: { camille: "https://mastodon.social/@camille" } });
    const response = await post(later, "/new/profile/restore", signed, new URLSearchParams({ csrf: signed.csrf, restore: "1" }));
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain("Cette version n&#39;a pas été restaurée");
    expect(page).toContain("which is not one of accounts[].url");
    expect((await profileStore(env, HOME).profileVersions()).map((version) => version.version)).toEqual([2, 1]);
  });

  it("refuses a save against an older version: 409, what was typed kept, the other save intact", async () => {
    const worker = home();
    const signed = await signIn(worker);
    expect((await post(worker, "/new/profile", signed, profileForm(signed, { name: "Autre onglet" }))).status).toBe(303);
    const response = await post(worker, "/new/profile", signed, profileForm(signed, { name: "Mon onglet", note: "Tapé ici" }));
    expect(response.status).toBe(409);
    const page = await response.text();
    expect(page).toContain("Votre profil a été enregistré ailleurs");
    expect(fieldValue(page, "name")).toBe("Mon onglet");
    expect(textareaOf(page, "note")).toBe("Tapé ici");
    // The form now carries the newest version: saving again is a choice.
    expect(fieldValue(page, "version")).toBe("1");
    expect((await profileStore(env, HOME).profileVersions()).map((version) => version.profile.name)).toEqual(["Autre onglet"]);
  });

  it("exports the effective profile as a profile.json download", async () => {
    const worker = workerFor({ $schema: "./profile.schema.json", ...FILE });
    const signed = await signIn(worker);
    expect((await post(worker, "/new/profile", signed, profileForm(signed, { name: "Camille Exportée" }))).status).toBe(303);
    const response = await get(worker, "/new/profile/export", signed);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Disposition")).toBe('attachment; filename="profile.json"');
    const text = await response.text();
    expect(text).toContain('\n  "name": "Camille Exportée",\n');
    expect(JSON.parse(text)).toEqual({ $schema: "./profile.schema.json", ...FILE, name: "Camille Exportée" });
  });

  it("without a session shows the sign-in page and saves nothing; a wrong CSRF token is refused", async () => {
    const worker = home();
    const signed = await signIn(worker);
    const page = await request(worker, "/new/profile");
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('action="/new/session"');
    expect((await request(worker, "/new/profile/export")).status).toBe(401);
    expect((await post(worker, "/new/profile", undefined, profileForm(signed, { name: "Sans session" }))).status).toBe(401);
    expect((await post(worker, "/new/profile", signed, profileForm(signed, { csrf: "wrong", name: "Forgé" }))).status).toBe(403);
    expect((await post(worker, "/new/profile/restore", signed, new URLSearchParams({ csrf: "wrong", restore: "1" }))).status).toBe(403);
    expect(await profileStore(env, HOME).profileOverlay()).toBeNull();
  });
});
