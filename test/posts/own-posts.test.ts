/**
 * The owner's posts as visitors see them: on the page and in every feed at once in the isolate
 * that wrote, in other isolates once the store's snapshot reached KV; never lost to a race; taken
 * out and back in whole through the export.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { homeStore } from "../../src/auth/grants.ts";
import { MAX_POST_JSON_BYTES } from "../../src/posts/mf2.ts";
import { MAX_MICROPUB_BODY_BYTES } from "../../src/routes/micropub.ts";
import { HOME, env, profileWith, request, workerFor, type Worker } from "../helpers.ts";

const ADMIN = { Authorization: "Bearer test-admin-token" };
const CONTEXT = { home: HOME, lang: "fr" };

function home(url = HOME): Worker {
  return workerFor(profileWith([{ url: "https://github.com/camille" }], { url }));
}

async function create(worker: Worker, properties: Record<string, unknown[]>): Promise<string> {
  const response = await request(worker, "/micropub", { method: "POST", headers: { ...ADMIN, "Content-Type": "application/json" }, body: JSON.stringify({ type: ["h-entry"], properties }) });
  expect(response.status).toBe(201);
  return response.headers.get("Location")!;
}

describe("own posts on the home", () => {
  it("are on the page, in the three merged feeds and in their own feed at once in the isolate that wrote", async () => {
    const worker = home();
    const url = await create(worker, { name: ["Premier billet"], content: ["Écrit **chez moi** d'abord."] });
    const page = await (await request(worker, "/")).text();
    expect(page).toContain(url);
    expect(page).toContain("Premier billet");
    for (const feed of ["/feed.xml", "/atom.xml", "/feed.json", "/feeds/~posts.xml", "/feeds/~posts.json"]) {
      const response = await request(worker, feed);
      expect(response.status, feed).toBe(200);
      const body = await response.text();
      expect(body, feed).toContain(url);
      expect(body, feed).toMatch(/(<|&lt;)strong(>|&gt;)chez moi/);
    }
  });

  it("show at once even when this isolate had just read the timeline (with nothing fetched yet)", async () => {
    const worker = home();
    expect(await (await request(worker, "/feed.json")).text()).not.toContain("/notes/");
    const url = await create(worker, { content: ["Juste après une visite"] });
    expect(await (await request(worker, "/feed.json")).text()).toContain(url);
    expect(await (await request(worker, "/")).text()).toContain(url);
  });

  it("can be chosen or left out of the merged feeds with ?source=~posts and ?exclude=~posts", async () => {
    const worker = home();
    const url = await create(worker, { content: ["Filtré"] });
    expect(await (await request(worker, "/feed.json?source=~posts")).text()).toContain(url);
    const without = await request(worker, "/feed.json?exclude=~posts");
    expect(without.status).toBe(200);
    expect(await without.text()).not.toContain(url);
  });

  it("reach other isolates through KV once the store's alarm wrote its snapshot", async () => {
    const writer = home();
    const url = await create(writer, { content: ["Vu ailleurs aussi"] });
    const reader = home();
    // Before the snapshot is written, another isolate has nothing of it…
    expect(await (await request(reader, "/feed.json")).text()).not.toContain(url);
    expect(await runDurableObjectAlarm(homeStore(env, HOME))).toBe(true);
    // …after it, a fresh isolate reads it from KV.
    expect(await (await request(home(), "/feed.json")).text()).toContain(url);
  });

  it("keeps both of two posts made in the same second", async () => {
    const worker = home();
    const urls = await Promise.all([create(worker, { content: ["Un"] }), create(worker, { content: ["Deux"] })]);
    expect(new Set(urls).size).toBe(2);
    for (const url of urls) expect((await request(worker, new URL(url).pathname)).status).toBe(200);
    expect((await homeStore(env, HOME).list()).map((post) => post.properties.content)).toEqual(expect.arrayContaining([["Un"], ["Deux"]]));
  });

  it("keeps both of two edits made at once, and refuses an edit made against an older revision", async () => {
    const worker = home();
    const url = await create(worker, { content: ["Mots-clés"], category: ["a"] });
    const update = (add: string) => request(worker, "/micropub", { method: "POST", headers: { ...ADMIN, "Content-Type": "application/json" }, body: JSON.stringify({ action: "update", url, add: { category: [add] } }) });
    const answers = await Promise.all([update("b"), update("c")]);
    expect(answers.map((answer) => answer.status)).toEqual([204, 204]);
    const store = homeStore(env, HOME);
    const path = new URL(url).pathname;
    const post = (await store.get(path))!.post;
    expect([...(post.properties.category as string[])].sort()).toEqual(["a", "b", "c"]);
    expect(post.revision).toBe(3);
    const stale = await store.update(path, { replace: { content: ["Écrasé ?"] } }, CONTEXT, 1);
    expect(stale).toMatchObject({ refused: "conflict" });
    expect((await store.get(path))!.post.properties.content).toEqual(["Mots-clés"]);
  });

  it("gives articles a slug of their name, and a second article of the same name its own", async () => {
    const worker = home();
    const first = await create(worker, { name: ["Été à Lyon"], content: ["Un"] });
    const second = await create(worker, { name: ["Été à Lyon"], content: ["Deux"] });
    expect(new URL(first).pathname).toBe("/articles/ete-a-lyon");
    expect(new URL(second).pathname).toBe("/articles/ete-a-lyon-2");
  });

  it("renders Markdown through the allowlist: raw HTML is text, javascript: links are dropped", async () => {
    const worker = home();
    const url = await create(worker, { content: ['<script>alert(1)</script> [lien](javascript:alert(2)) <img src=x onerror="alert(3)">'] });
    const page = await (await request(worker, new URL(url).pathname)).text();
    expect(page).not.toContain("<script>alert");
    expect(page).not.toMatch(/href="javascript:/i);
    expect(page).not.toMatch(/<img[^>]*onerror/);
    expect(page).toContain("&lt;script&gt;");
  });

  it("gives a post that says <div> a plain-text summary no feed reader takes for markup", async () => {
    const worker = home();
    await create(worker, { name: ["Balises"], content: ["Écrire `<div>` et des <choses> & co."] });
    const rss = await (await request(worker, "/feed.xml")).text();
    const description = rss.slice(rss.indexOf("<description>", rss.indexOf("<item>")), rss.indexOf("</description>", rss.indexOf("<item>")));
    expect(description).not.toContain("&lt;choses");
    expect(description).toContain("‹choses&gt;");
  });

  it(`refuses a post over ${MAX_POST_JSON_BYTES} bytes and stores nothing`, async () => {
    const worker = home();
    const response = await request(worker, "/micropub", {
      method: "POST",
      headers: { ...ADMIN, "Content-Type": "application/json" },
      body: JSON.stringify({ type: ["h-entry"], properties: { content: ["x".repeat(MAX_POST_JSON_BYTES)] } }),
    });
    expect(response.status).toBe(400);
    expect(await homeStore(env, HOME).list()).toEqual([]);
  });

  it(`refuses a body over ${MAX_MICROPUB_BODY_BYTES} bytes as it streams in, even without a Content-Length, and stores nothing`, async () => {
    const worker = home();
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"type":["h-entry"],"properties":{"content":["'));
        controller.enqueue(chunk);
        sent += chunk.byteLength;
        if (sent > 2 * MAX_MICROPUB_BODY_BYTES) controller.close();
      },
    });
    const response = await request(worker, "/micropub", { method: "POST", headers: { ...ADMIN, "Content-Type": "application/json" }, body, duplex: "half" } as RequestInit);
    expect(response.status).toBe(413);
    expect(await homeStore(env, HOME).list()).toEqual([]);
  });

  it("answers 404 for a permalink that never was", async () => {
    expect((await request(home(), "/notes/nothinghere")).status).toBe(404);
  });
});

describe("export and import", () => {
  it("gives every post as JSON and as an h-feed page, and takes the JSON back on another home unchanged", async () => {
    const worker = home();
    const kept = await create(worker, { name: ["Gardé"], content: ["Texte"], category: ["m2"] });
    const gone = await create(worker, { content: ["Supprimé"] });
    await request(worker, "/micropub", { method: "POST", headers: { ...ADMIN, "Content-Type": "application/json" }, body: JSON.stringify({ action: "delete", url: gone }) });

    expect((await request(worker, "/admin/export")).status).toBe(401);
    const exported = (await (await request(worker, "/admin/export", { headers: ADMIN })).json()) as { posts: { path: string; deleted?: string }[] };
    expect(exported.posts).toHaveLength(2);
    expect(exported.posts.find((post) => post.path === new URL(gone).pathname)?.deleted).toBeDefined();
    const feedPage = await (await request(worker, "/admin/export", { headers: { ...ADMIN, Accept: "text/html" } })).text();
    expect(feedPage).toContain('class="h-feed"');
    expect(feedPage).toContain("Gardé");

    const other = "https://dominique.example/";
    const elsewhere = home(other);
    expect((await request(elsewhere, "/admin/import", { method: "POST", body: JSON.stringify(exported) })).status).toBe(401);
    const imported = await request(elsewhere, "/admin/import", { method: "POST", headers: { ...ADMIN, "Content-Type": "application/json" }, body: JSON.stringify(exported) });
    expect(await imported.json()).toEqual({ imported: 2, kept: 0 });
    const path = new URL(kept).pathname;
    const page = await request(elsewhere, path);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(new URL(path, other).href);
    expect((await request(elsewhere, new URL(gone).pathname)).status).toBe(410);
    // Importing the same export again changes nothing.
    const again = await request(elsewhere, "/admin/import", { method: "POST", headers: { ...ADMIN, "Content-Type": "application/json" }, body: JSON.stringify(exported) });
    expect(await again.json()).toEqual({ imported: 0, kept: 2 });
  });

  it("refuses an import that is not an export, naming what is wrong, and imports nothing", async () => {
    const worker = home();
    const response = await request(worker, "/admin/import", { method: "POST", headers: { ...ADMIN, "Content-Type": "application/json" }, body: JSON.stringify({ posts: [{ uid: "../x", path: "/etc/passwd" }] }) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error_description: string }).error_description).toContain("posts");
    expect(await homeStore(env, HOME).list()).toEqual([]);
  });
});
