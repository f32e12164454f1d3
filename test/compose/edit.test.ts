/**
 * Editing, deleting and restoring from /new: the edit form is prefilled from the stored
 * properties and saves `replace` operations against the revision it was loaded at; a post changed
 * meanwhile is never overwritten silently (409, the form with what was typed); delete makes the
 * permalink 410 and restore brings it back, both only with the session's CSRF token.
 */
import { describe, expect, it } from "vitest";
import { homeStore } from "../../src/auth/grants.ts";
import { HOME, env, request, type Worker } from "../helpers.ts";
import { composeForm, fieldValue, get, home, post, signIn, type Signed } from "./session.ts";

const CONTEXT = { home: HOME, lang: "fr" };

async function written(worker: Worker, signed: Signed, fields: Record<string, string>): Promise<string> {
  const response = await post(worker, "/new", signed, composeForm({ csrf: signed.csrf, intent: "publish", lang: "fr", ...fields }));
  expect(response.status).toBe(303);
  return response.headers.get("Location")!;
}

const urlOf = (path: string) => new URL(path, HOME).href;

describe("Edit", () => {
  it("prefills the form from the stored post, with the revision it was loaded at", async () => {
    const worker = home();
    const signed = await signIn(worker);
    const path = await written(worker, signed, { kind: "article", name: "Mon titre", content: "Mon *texte*", category: "a, b" });
    const response = await get(worker, `/new/edit?url=${encodeURIComponent(urlOf(path))}`, signed);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Security-Policy")).toContain("form-action 'self'");
    const page = await response.text();
    expect(fieldValue(page, "name")).toBe("Mon titre");
    expect(page).toContain("\nMon *texte*</textarea>");
    expect(fieldValue(page, "category")).toBe("a, b");
    expect(fieldValue(page, "url")).toBe(urlOf(path));
    expect(fieldValue(page, "revision")).toBe("1");
    expect(page).toContain('id="kind-article" type="radio" name="kind" value="article" checked=""');
  });

  it("saves with replace (and deletes what was emptied), then 303 to the permalink", async () => {
    const worker = home();
    const signed = await signIn(worker);
    const path = await written(worker, signed, { kind: "note", content: "Avant", category: "vieux" });
    const response = await post(worker, "/new/edit", signed, composeForm({ csrf: signed.csrf, intent: "save", url: urlOf(path), revision: "1", kind: "note", content: "Après", category: "", lang: "fr" }));
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(path);
    const post2 = (await homeStore(env, HOME).get(path))!.post;
    expect(post2.properties.content).toEqual(["Après"]);
    expect(post2.properties.category).toBeUndefined();
    expect(post2.revision).toBe(2);
    expect(await (await request(worker, path)).text()).toContain("Après");
  });

  it("refuses a save made against an older revision: 409, the message, what was typed, nothing overwritten", async () => {
    const worker = home();
    const signed = await signIn(worker);
    const path = await written(worker, signed, { kind: "note", content: "Version 1" });
    // Changed meanwhile (another client, another tab).
    expect(await homeStore(env, HOME).update(path, { replace: { content: ["Changé ailleurs"] } }, CONTEXT)).not.toHaveProperty("refused");
    const response = await post(worker, "/new/edit", signed, composeForm({ csrf: signed.csrf, intent: "save", url: urlOf(path), revision: "1", kind: "note", content: "Ma version tapée", lang: "fr" }));
    expect(response.status).toBe(409);
    const page = await response.text();
    expect(page).toContain("Ce billet a été modifié ailleurs");
    expect(page).toContain("\nMa version tapée</textarea>");
    // The post as it is now is previewed, and the form now carries its revision.
    expect(page).toContain("Changé ailleurs");
    expect(fieldValue(page, "revision")).toBe("2");
    expect((await homeStore(env, HOME).get(path))!.post.properties.content).toEqual(["Changé ailleurs"]);
  });

  it("previews an edit without saving it", async () => {
    const worker = home();
    const signed = await signIn(worker);
    const path = await written(worker, signed, { kind: "note", content: "Gardé" });
    const response = await post(worker, "/new/edit", signed, composeForm({ csrf: signed.csrf, intent: "preview", url: urlOf(path), revision: "1", kind: "note", content: "Pas encore **enregistré**", lang: "fr" }));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("<strong>enregistré</strong>");
    expect((await homeStore(env, HOME).get(path))!.post).toMatchObject({ revision: 1, properties: { content: ["Gardé"] } });
  });

  it("needs the session's CSRF token", async () => {
    const worker = home();
    const signed = await signIn(worker);
    const path = await written(worker, signed, { kind: "note", content: "Intact" });
    const response = await post(worker, "/new/edit", signed, composeForm({ csrf: "wrong", intent: "save", url: urlOf(path), revision: "1", kind: "note", content: "Forcé", lang: "fr" }));
    expect(response.status).toBe(403);
    expect((await homeStore(env, HOME).get(path))!.post.properties.content).toEqual(["Intact"]);
  });
});

describe("Delete and Restore", () => {
  it("delete makes the permalink 410 and marks the post in the list; restore brings it back", async () => {
    const worker = home();
    const signed = await signIn(worker);
    const path = await written(worker, signed, { kind: "note", content: "Bientôt supprimé" });
    const deleted = await post(worker, "/new/delete", signed, new URLSearchParams({ csrf: signed.csrf, url: urlOf(path) }));
    expect(deleted.status).toBe(303);
    expect((await request(worker, path)).status).toBe(410);
    expect(await (await request(worker, "/")).text()).not.toContain("Bientôt supprimé");
    const list = await (await get(worker, "/new", signed)).text();
    expect(list).toContain('<span class="badge">Supprimé</span>');
    expect(list).toContain('action="/new/restore"');
    expect(list).toContain("Restaurer ce billet");
    const restored = await post(worker, "/new/restore", signed, new URLSearchParams({ csrf: signed.csrf, url: urlOf(path) }));
    expect(restored.status).toBe(303);
    expect((await request(worker, path)).status).toBe(200);
  });

  it("without the CSRF token or without the session, deletes nothing", async () => {
    const worker = home();
    const signed = await signIn(worker);
    const path = await written(worker, signed, { kind: "note", content: "Toujours là" });
    expect((await post(worker, "/new/delete", signed, new URLSearchParams({ url: urlOf(path) }))).status).toBe(403);
    expect((await post(worker, "/new/delete", undefined, new URLSearchParams({ csrf: signed.csrf, url: urlOf(path) }))).status).toBe(401);
    expect((await request(worker, path)).status).toBe(200);
    expect((await homeStore(env, HOME).get(path))!.post.deleted).toBeUndefined();
  });
});
