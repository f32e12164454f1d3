/**
 * Writing from /new: no POST writes without the session and its form's CSRF token; Preview shows
 * the post drawn by the permalink's code and stores nothing; Publish creates it through
 * Micropub's write path (the permalink, `/` and `/feed.json` show it at once); a problem shows
 * the form again with everything typed; photos are stored at the first submit and carried.
 */
import { describe, expect, it } from "vitest";
import jpeg from "../fixtures/media/jpeg-gps.jpg?inline";
import { homeStore } from "../../src/auth/grants.ts";
import { HOME, env, request, type Worker } from "../helpers.ts";
import { composeForm, fieldValue, get, home, post, signIn } from "./session.ts";

const NOTE = { kind: "note", content: "Écrit **depuis /new**, sans client Micropub.", category: "indieweb, web", lang: "fr" };

function bytesOf(dataUrl: string): Uint8Array {
  const binary = atob(dataUrl.slice(dataUrl.indexOf(",") + 1));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

const stored = () => homeStore(env, HOME).list();

async function publish(worker: Worker, fields: Record<string, string | string[]>, files: File[] = []) {
  const signed = await signIn(worker);
  const response = await post(worker, "/new", signed, composeForm({ csrf: signed.csrf, intent: "publish", ...fields }, files));
  return { signed, response };
}

describe("a POST to /new", () => {
  it("without a session shows the sign-in page (401) and writes nothing", async () => {
    const worker = home();
    const signed = await signIn(worker);
    const response = await post(worker, "/new", undefined, composeForm({ csrf: signed.csrf, intent: "publish", ...NOTE }));
    expect(response.status).toBe(401);
    expect(await response.text()).toContain('name="secret"');
    expect(await stored()).toEqual([]);
  });

  it("without the CSRF token, or with a wrong one, is refused (403) and writes nothing", async () => {
    const worker = home();
    const signed = await signIn(worker);
    const other = await signIn(worker);
    expect(other.csrf).not.toBe(signed.csrf);
    for (const csrf of [undefined, "", "wrong", other.csrf]) {
      const response = await post(worker, "/new", signed, composeForm({ ...(csrf === undefined ? {} : { csrf }), intent: "publish", ...NOTE }));
      expect(response.status, String(csrf)).toBe(403);
    }
    expect(await stored()).toEqual([]);
    expect(await (await request(worker, "/")).text()).not.toContain("depuis /new");
  });
});

describe("Preview", () => {
  it("shows the post as its permalink will, keeps everything typed, and stores nothing", async () => {
    const worker = home();
    const signed = await signIn(worker);
    const response = await post(worker, "/new", signed, composeForm({ csrf: signed.csrf, intent: "preview", ...NOTE, published: "2024-05-01T10:30" }));
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const page = await response.text();
    // Drawn by the permalink's h-entry: Markdown rendered, categories, the backdated date.
    expect(page).toContain('<article class="h-entry post">');
    expect(page).toContain("<strong>depuis /new</strong>");
    expect(page).toContain('<span class="p-category">indieweb</span>');
    expect(page).toContain('datetime="2024-05-01T10:30:00.000Z"');
    // The form again, as typed.
    expect(page).toContain("\nÉcrit **depuis /new**, sans client Micropub.</textarea>");
    expect(fieldValue(page, "category")).toBe("indieweb, web");
    expect(fieldValue(page, "published")).toBe("2024-05-01T10:30");
    expect(page).toContain('id="kind-note" type="radio" name="kind" value="note" checked=""');
    expect(await stored()).toEqual([]);
    expect(await (await request(worker, "/feed.json")).text()).not.toContain("depuis /new");
  });

  it("stores a chosen photo in the media store and carries its URL and its alt text in the form", async () => {
    const worker = home();
    const signed = await signIn(worker);
    const file = new File([bytesOf(jpeg)], "lyon.jpg", { type: "image/jpeg" });
    const response = await post(worker, "/new", signed, composeForm({ csrf: signed.csrf, intent: "preview", kind: "photo", content: "", "new-alts": "Les toits de Lyon au couchant", lang: "fr" }, [file]));
    expect(response.status).toBe(200);
    const page = await response.text();
    const url = fieldValue(page, "photo-url")!;
    expect(url).toMatch(/^https:\/\/camille\.example\/media\/[0-9a-f]{64}\.jpg$/);
    expect(fieldValue(page, "photo-alt")).toBe("Les toits de Lyon au couchant");
    expect(page).toContain('alt="Les toits de Lyon au couchant"');
    expect((await request(worker, new URL(url).pathname)).status).toBe(200);
    expect(await stored()).toEqual([]);
    // Publishing the carried photo (no file sent again) makes a photo post with its alt text.
    const published = await post(worker, "/new", signed, composeForm({ csrf: signed.csrf, intent: "publish", kind: "photo", content: "", "photo-url": url, "photo-alt": "Les toits de Lyon au couchant", lang: "fr" }));
    expect(published.status).toBe(303);
    expect(published.headers.get("Location")).toMatch(/^\/photos\/[a-z0-9]+$/);
    const [photo] = await stored();
    expect(photo!.properties.photo).toEqual([{ value: url, alt: "Les toits de Lyon au couchant" }]);
  });
});

describe("Publish", () => {
  it("creates the note: a 303 to its permalink, shown at once on / and in /feed.json", async () => {
    const worker = home();
    const { response } = await publish(worker, NOTE);
    expect(response.status).toBe(303);
    const location = response.headers.get("Location")!;
    expect(location).toMatch(/^\/notes\/[a-z0-9]+$/);
    const permalink = await request(worker, location);
    expect(permalink.status).toBe(200);
    expect(await permalink.text()).toContain("<strong>depuis /new</strong>");
    expect(await (await request(worker, "/")).text()).toContain(`https://camille.example${location}`);
    expect(await (await request(worker, "/feed.json")).text()).toContain(`https://camille.example${location}`);
    const [note] = await stored();
    expect(note).toMatchObject({ kind: "note", properties: { content: [NOTE.content], category: ["indieweb", "web"], lang: ["fr"] } });
  });

  it("creates an article at its slug, backdated to the date given (read as UTC)", async () => {
    const worker = home();
    const { response } = await publish(worker, { kind: "article", name: "Été à Lyon", content: "Il fait chaud.", lang: "fr", published: "2024-07-14T09:00" });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/articles/ete-a-lyon");
    const [article] = await stored();
    expect(article!.published).toBe("2024-07-14T09:00:00.000Z");
  });

  it("gives a note no title, even when one was typed", async () => {
    const worker = home();
    await publish(worker, { ...NOTE, name: "Un titre oublié" });
    const [note] = await stored();
    expect(note!.kind).toBe("note");
    expect(note!.properties.name).toBeUndefined();
  });

  it("shows the form again with the problem and everything typed: an article without a title, a bad date, a bad language", async () => {
    const worker = home();
    const signed = await signIn(worker);
    const cases: [Record<string, string>, string][] = [
      [{ kind: "article", name: "", content: "Sans titre", lang: "fr" }, "Un article a besoin d&#39;un titre."],
      [{ ...NOTE, published: "14/07/2024" }, "La date de publication n&#39;est pas une date"],
      [{ ...NOTE, lang: "français !" }, "La langue doit être un code de langue"],
      [{ kind: "note", content: "   ", lang: "fr", category: "gardé" }, "Écrivez d&#39;abord un texte."],
      [{ kind: "photo", content: "Sans photo", lang: "fr" }, "Un billet photo a besoin d&#39;au moins une photo."],
    ];
    for (const [fields, message] of cases) {
      const response = await post(worker, "/new", signed, composeForm({ csrf: signed.csrf, intent: "publish", ...fields }));
      expect(response.status, message).toBe(400);
      const page = await response.text();
      expect(page, message).toContain(message);
      expect(page).toContain(`\n${fields.content}</textarea>`);
      if (fields.category) expect(fieldValue(page, "category")).toBe(fields.category);
    }
    expect(await stored()).toEqual([]);
  });

  it("refuses a file that is not an image, and says which", async () => {
    const worker = home();
    const signed = await signIn(worker);
    const response = await post(worker, "/new", signed, composeForm({ csrf: signed.csrf, intent: "publish", ...NOTE }, [new File(["not an image"], "notes.txt", { type: "image/png" })]));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("« notes.txt » n&#39;a pas été gardé");
    expect(await stored()).toEqual([]);
  });

  it("lists the owner's posts under the form, newest first", async () => {
    const worker = home();
    const { signed } = await publish(worker, { ...NOTE, content: "Le premier" });
    await post(worker, "/new", signed, composeForm({ csrf: signed.csrf, intent: "publish", ...NOTE, content: "Le second" }));
    const page = await (await get(worker, "/new", signed)).text();
    expect(page.indexOf("Le second")).toBeGreaterThan(0);
    expect(page.indexOf("Le second")).toBeLessThan(page.indexOf("Le premier"));
    expect(page).toContain("/new/edit?url=https%3A%2F%2Fcamille.example%2Fnotes%2F");
  });
});
