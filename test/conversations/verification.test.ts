/**
 * Verification in the cron and what it shows: a reply in real mf2 HTML becomes a comment with its
 * author's card on the permalink (read back with microformats-parser), a like a face, a source
 * that does not link back is dropped, a held reply shows only after approval, a re-sent mention
 * updates and a 410 removes it, a blocked domain is dropped, and the page counts them.
 */
import { mf2 } from "microformats-parser";
import { describe, expect, it } from "vitest";
import { homeStore } from "../../src/auth/grants.ts";
import { env, request, runCron } from "../helpers.ts";
import { admin, conversationHome, mention, publish, SOURCES, sourcePage } from "./fixtures.ts";

type Parsed = { type?: string[]; properties: Record<string, any[]>; children?: Parsed[] };

async function entryAt(worker: Parameters<typeof request>[0], url: string): Promise<Parsed> {
  const response = await request(worker, new URL(url).pathname);
  expect(response.status).toBe(200);
  const parsed = mf2(await response.text(), { baseUrl: url });
  const entry = parsed.items.find((item) => item.type?.includes("h-entry")) as Parsed | undefined;
  expect(entry).toBeDefined();
  return entry!;
}

const REPLY = "https://alex.example/replies/1";
const LIKE = "https://sam.example/likes/7";

describe("received Webmentions, verified by the cron", () => {
  it("a reply becomes a comment of the h-entry with its author's card (published policy)", async () => {
    const { worker, net } = conversationHome({ webmentions: { moderation: "publish" } });
    const post = await publish(worker, { content: ["Un billet"] });
    net.set(REPLY, () => sourcePage(SOURCES.reply, post));
    expect((await mention(worker, REPLY, post)).status).toBe(202);
    // Nothing is shown before the cron verified it.
    expect((await entryAt(worker, post)).properties.comment).toBeUndefined();
    await runCron(worker);
    expect(net.requests.filter((r) => r.url === REPLY)).toHaveLength(1);
    const comments = (await entryAt(worker, post)).properties.comment!;
    expect(comments).toHaveLength(1);
    const comment = comments[0] as Parsed;
    expect(comment.type).toEqual(["h-cite"]);
    expect(comment.properties.url).toEqual([REPLY]);
    expect(comment.properties.published).toEqual(["2026-11-20T09:00:00.000Z"]);
    const author = comment.properties.author![0] as Parsed;
    expect(author.type).toEqual(["h-card"]);
    expect(author.properties.name).toEqual(["Alex Martin"]);
    expect(author.properties.url).toEqual(["https://alex.example/"]);
    expect(author.properties.photo?.[0]).toMatchObject({ value: "https://alex.example/me.jpg", alt: "Alex Martin" });
    const content = comment.properties.content![0] as { html: string; value: string };
    expect(content.html).toContain("<strong>bravo</strong>");
    // Through the one allowlist: no script, no handler.
    expect(content.html).not.toContain("script");
    expect(content.html).not.toContain("onclick");
    // The home page counts it on the post's entry.
    expect(await (await request(worker, "/")).text()).toContain("1 réponse");
  });

  it("a like becomes a face: the author's photo with the name as alt, linking to the author", async () => {
    const { worker, net } = conversationHome({ webmentions: { moderation: "publish" } });
    const post = await publish(worker, { content: ["À aimer"] });
    net.set(LIKE, () => sourcePage(SOURCES.like, post));
    await mention(worker, LIKE, post);
    await runCron(worker);
    const page = await (await request(worker, new URL(post).pathname)).text();
    expect(page).toContain('<li class="p-like h-cite face"');
    expect(page).toContain('<a class="p-author h-card" href="https://sam.example/"><img src="https://sam.example/photo.png" alt="Sam Lee"');
    const like = (await entryAt(worker, post)).properties.like![0] as Parsed;
    expect(like.properties.url).toEqual([LIKE]);
    expect((like.properties.author![0] as Parsed).properties.name).toEqual(["Sam Lee"]);
    expect((await entryAt(worker, post)).properties.comment).toBeUndefined();
  });

  it("drops a source that names the target without linking to it", async () => {
    const { worker, net, home } = conversationHome({ webmentions: { moderation: "publish" } });
    const post = await publish(worker, { content: ["Cible"] });
    net.set("https://spam.example/page", () => sourcePage(SOURCES.noLink, post));
    await mention(worker, "https://spam.example/page", post);
    await runCron(worker);
    const listed = await homeStore(env, home).listMentions(10);
    expect(listed.queued).toBe(0);
    expect(listed.mentions).toEqual([]);
    expect((await entryAt(worker, post)).properties.comment).toBeUndefined();
  });

  it("holds a reply by default: shown only after the owner approves it", async () => {
    const { worker, net } = conversationHome();
    const post = await publish(worker, { content: ["Modéré"] });
    net.set(REPLY, () => sourcePage(SOURCES.reply, post));
    await mention(worker, REPLY, post);
    await runCron(worker);
    expect((await entryAt(worker, post)).properties.comment).toBeUndefined();
    const { mentions } = (await (await admin(worker, "/admin/mentions")).json()) as { mentions: { id: string; status: string; kind: string }[] };
    expect(mentions).toMatchObject([{ status: "held", kind: "reply" }]);
    expect((await admin(worker, "/admin/mentions/approve", { id: "nope" })).status).toBe(404);
    expect((await admin(worker, "/admin/mentions/approve", { id: mentions[0]!.id })).status).toBe(200);
    expect((await entryAt(worker, post)).properties.comment).toHaveLength(1);
    // And the owner can delete it.
    expect((await admin(worker, "/admin/mentions/delete", { id: mentions[0]!.id })).status).toBe(200);
    expect((await entryAt(worker, post)).properties.comment).toBeUndefined();
  });

  it("updates a mention sent again, and removes it once its source answers 410", async () => {
    const { worker, net } = conversationHome({ webmentions: { moderation: "publish" } });
    const post = await publish(worker, { content: ["Évolutif"] });
    net.set(REPLY, () => sourcePage(SOURCES.reply, post));
    await mention(worker, REPLY, post);
    await runCron(worker);
    expect(JSON.stringify((await entryAt(worker, post)).properties.comment)).toContain("bravo");
    net.set(REPLY, () => sourcePage(SOURCES.replyEdited, post));
    await mention(worker, REPLY, post);
    await runCron(worker);
    const comments = (await entryAt(worker, post)).properties.comment!;
    expect(comments).toHaveLength(1);
    expect(JSON.stringify(comments)).toContain("je change d'avis");
    expect(JSON.stringify(comments)).not.toContain("bravo");
    net.set(REPLY, new Response("gone", { status: 410 }));
    await mention(worker, REPLY, post);
    await runCron(worker);
    expect((await entryAt(worker, post)).properties.comment).toBeUndefined();
  });

  it("removes a stored mention once its source, sent again, no longer links to the post", async () => {
    const { worker, net } = conversationHome({ webmentions: { moderation: "publish" } });
    const post = await publish(worker, { content: ["Lien retiré"] });
    net.set(REPLY, () => sourcePage(SOURCES.reply, post));
    await mention(worker, REPLY, post);
    await runCron(worker);
    expect((await entryAt(worker, post)).properties.comment).toHaveLength(1);
    net.set(REPLY, () => sourcePage(SOURCES.noLink, post));
    await mention(worker, REPLY, post);
    await runCron(worker);
    expect((await entryAt(worker, post)).properties.comment).toBeUndefined();
  });

  it("drops mentions from a blocked domain: profile.json's blocklist, and the owner's block", async () => {
    const { worker, net, home } = conversationHome({ webmentions: { moderation: "publish", blocklist: ["alex.example"] } });
    const post = await publish(worker, { content: ["Bloqué"] });
    net.set(REPLY, () => sourcePage(SOURCES.reply, post));
    net.set(LIKE, () => sourcePage(SOURCES.like, post));
    expect((await mention(worker, REPLY, post)).status).toBe(202);
    await mention(worker, LIKE, post);
    await runCron(worker);
    // The blocked source was never fetched; the like was.
    expect(net.requests.some((r) => r.url === REPLY)).toBe(false);
    expect((await entryAt(worker, post)).properties.like).toHaveLength(1);
    const blocked = await admin(worker, "/admin/mentions/block", { domain: "Sam.Example" });
    expect(await blocked.json()).toEqual({ blocked: "sam.example", removed: 1 });
    expect((await entryAt(worker, post)).properties.like).toBeUndefined();
    await mention(worker, LIKE, post);
    expect((await homeStore(env, home).listMentions(10)).queued).toBe(0);
  });
});
