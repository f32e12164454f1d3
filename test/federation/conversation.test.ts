/**
 * Replies and likes from the fediverse join a post's conversation beside Webmentions, under the
 * same moderation: a reply is held until approved (the default), then shown as a comment with its
 * author's card; a like shows as a face; Undo and Delete take them back; a reply that its signer
 * did not write, or to no post of the home, changes nothing.
 */
import { mf2 } from "microformats-parser";
import { describe, expect, it } from "vitest";
import { homeStore } from "../../src/auth/grants.ts";
import { env, request, type Worker } from "../helpers.ts";
import { ADMIN, deliverFrom, federatedHome, like, mastodonAccount, micropub, replyNote } from "./fediverse.ts";

type Parsed = { type?: string[]; properties: Record<string, any[]> };

async function entryAt(worker: Worker, url: string): Promise<Parsed> {
  const response = await request(worker, new URL(url).pathname);
  expect(response.status).toBe(200);
  return mf2(await response.text(), { baseUrl: url }).items.find((item) => item.type?.includes("h-entry")) as Parsed;
}

async function publish(worker: Worker, content: string): Promise<string> {
  const response = await micropub(worker, { type: ["h-entry"], properties: { content: [content] } });
  expect(response.status).toBe(201);
  return response.headers.get("Location")!;
}

describe("replies and likes from the fediverse", () => {
  it("a reply arriving at the inbox is held, then shown as a comment with its author's card after approval", async () => {
    const { worker, net, home } = federatedHome();
    const alex = await mastodonAccount(net);
    const post = await publish(worker, "Un billet");
    const body = replyNote(alex, home, post);
    expect((await deliverFrom(worker, home, alex, body)).status).toBe(202);
    expect((await entryAt(worker, post)).properties.comment).toBeUndefined();

    const listed = (await (await request(worker, "/admin/mentions", { headers: ADMIN })).json()) as { mentions: { id: string; kind: string; status: string; source: string }[] };
    expect(listed.mentions).toHaveLength(1);
    const held = listed.mentions[0]!;
    expect(held).toMatchObject({ kind: "reply", status: "held", source: JSON.parse(body).object.id });
    const approved = await request(worker, "/admin/mentions/approve", { method: "POST", headers: { ...ADMIN, "Content-Type": "application/json" }, body: JSON.stringify({ id: held.id }) });
    expect(approved.status).toBe(200);

    const comments = (await entryAt(worker, post)).properties.comment!;
    expect(comments).toHaveLength(1);
    const comment = comments[0] as Parsed;
    expect(comment.properties.url).toEqual([`https://${alex.host}/@alex/113530000000000001`]);
    expect(comment.properties.published).toEqual(["2026-11-20T09:00:00.000Z"]);
    const author = comment.properties.author![0] as Parsed;
    expect(author.properties.name).toEqual(["Alex Martin"]);
    expect(author.properties.url).toEqual([`https://${alex.host}/@alex`]);
    const content = comment.properties.content![0] as { html: string };
    expect(content.html).toContain("<strong>Bravo</strong>");
    expect(content.html).not.toContain("script");
  });

  it("with moderation publish, a Like shows as a face at once, and its Undo takes it back", async () => {
    const { worker, net, home } = federatedHome({ webmentions: { moderation: "publish" } });
    const alex = await mastodonAccount(net);
    const post = await publish(worker, "À aimer");
    const liked = like(alex, post);
    expect((await deliverFrom(worker, home, alex, liked)).status).toBe(202);
    const likes = (await entryAt(worker, post)).properties.like!;
    expect(likes).toHaveLength(1);
    expect(((likes[0] as Parsed).properties.author![0] as Parsed).properties.name).toEqual(["Alex Martin"]);

    const undo = JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", id: `${alex.id}#likes/98765/undo`, type: "Undo", actor: alex.id, object: JSON.parse(liked) });
    expect((await deliverFrom(worker, home, alex, undo)).status).toBe(202);
    expect((await entryAt(worker, post)).properties.like).toBeUndefined();
  });

  it("the same reply delivered twice is one mention; its Delete removes it", async () => {
    const { worker, net, home } = federatedHome({ webmentions: { moderation: "publish" } });
    const alex = await mastodonAccount(net);
    const post = await publish(worker, "Une fois");
    const body = replyNote(alex, home, post);
    await deliverFrom(worker, home, alex, body);
    await deliverFrom(worker, home, alex, body);
    expect((await homeStore(env, home).listMentions(10)).mentions).toHaveLength(1);
    const noteId = JSON.parse(body).object.id as string;
    const deleted = JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", id: `${noteId}#delete`, type: "Delete", actor: alex.id, object: { id: noteId, type: "Tombstone" } });
    expect((await deliverFrom(worker, home, alex, deleted)).status).toBe(202);
    expect((await homeStore(env, home).listMentions(10)).mentions).toEqual([]);
    expect((await entryAt(worker, post)).properties.comment).toBeUndefined();
  });

  it("a reply its signer did not write, or to no post of the home, changes nothing", async () => {
    const { worker, net, home } = federatedHome({ webmentions: { moderation: "publish" } });
    const alex = await mastodonAccount(net);
    const post = await publish(worker, "Cible");
    const forged = JSON.parse(replyNote(alex, home, post)) as Record<string, any>;
    forged.object.attributedTo = "https://mastodon.example/users/sam";
    expect((await deliverFrom(worker, home, alex, JSON.stringify(forged))).status).toBe(202);
    const elsewhere = replyNote(alex, home, `${home}notes/nothing-here`).replaceAll("113530000000000001", "113530000000000002");
    expect((await deliverFrom(worker, home, alex, elsewhere)).status).toBe(202);
    expect((await homeStore(env, home).listMentions(10)).mentions).toEqual([]);
  });
});
