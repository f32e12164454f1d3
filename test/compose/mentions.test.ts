/**
 * Moderating received Webmentions at /new/mentions, signed in: a reply queued through
 * POST /webmention and verified by the cron (the conversations' fake net) is listed as held, with
 * its author's card, excerpt, source, target and date, and is not on the permalink; Approve puts
 * it there as a comment (read back with microformats-parser), Delete removes it, Block removes the
 * domain's mentions and drops those it sends later. A POST without the session, or without or
 * with a wrong CSRF token, changes nothing.
 */
import { mf2 } from "microformats-parser";
import { describe, expect, it } from "vitest";
import { homeStore } from "../../src/auth/grants.ts";
import { env, request, runCron, type Worker } from "../helpers.ts";
import { conversationHome, mention, publish, SOURCES, sourcePage } from "../conversations/fixtures.ts";
import { get, post as send, signIn, type Signed } from "./session.ts";

type Parsed = { type?: string[]; properties: Record<string, any[]>; children?: Parsed[] };

const REPLY = "https://alex.example/replies/1";
const LIKE = "https://sam.example/likes/7";

/** The permalink's h-entry, as a parser reads it. */
async function entryAt(worker: Worker, url: string): Promise<Parsed> {
  const response = await request(worker, new URL(url).pathname);
  expect(response.status).toBe(200);
  const entry = mf2(await response.text(), { baseUrl: url }).items.find((item) => item.type?.includes("h-entry")) as Parsed | undefined;
  expect(entry).toBeDefined();
  return entry!;
}

/** A home (held by default) with a post, a reply from alex.example and a like from sam.example, both verified by the cron. */
async function withMentions(): Promise<{ worker: Worker; home: string; permalink: string; signed: Signed }> {
  const { worker, net, home } = conversationHome();
  const signed = await signIn(worker);
  const permalink = await publish(worker, { content: ["Un billet à modérer"] });
  net.set(REPLY, () => sourcePage(SOURCES.reply, permalink));
  net.set(LIKE, () => sourcePage(SOURCES.like, permalink));
  expect((await mention(worker, REPLY, permalink)).status).toBe(202);
  expect((await mention(worker, LIKE, permalink)).status).toBe(202);
  await runCron(worker);
  expect((await homeStore(env, home).listMentions(10)).mentions).toHaveLength(2);
  return { worker, home, permalink, signed };
}

/** The moderation page as the signed-in owner gets it, split at the published list. */
async function moderationPage(worker: Worker, signed: Signed): Promise<{ held: string; published: string; whole: string }> {
  const response = await get(worker, "/new/mentions", signed);
  expect(response.status).toBe(200);
  const whole = await response.text();
  const split = whole.indexOf('<h2 id="published">');
  expect(split).toBeGreaterThan(0);
  return { held: whole.slice(0, split), published: whole.slice(split), whole };
}

/** The listed mention whose source is `source`: its `<li>`, up to the next one. */
function itemOf(html: string, source: string): string {
  const item = html.split('<li class="moderated').find((part) => part.includes(`href="${source}"`));
  expect(item).toBeDefined();
  return item!;
}

/** The id of the listed mention whose source is `source`. */
function idOf(html: string, source: string): string {
  const id = /data-id="([a-z0-9]+)"/.exec(itemOf(html, source))?.[1];
  expect(id).toBeTruthy();
  return id!;
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields);

async function stored(home: string) {
  const { mentions, queued } = await homeStore(env, home).listMentions(10);
  return { mentions: mentions.map(({ id, status, source }) => ({ id, status, source })).sort((a, b) => a.source.localeCompare(b.source)), queued };
}

describe("the moderation page at /new/mentions", () => {
  it("lists a held reply as held, with its kind, author card, excerpt, source, target and date; the permalink does not show it", async () => {
    const { worker, permalink, signed } = await withMentions();
    const response = await get(worker, "/new/mentions", signed);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(response.headers.get("Content-Security-Policy")).toContain("form-action 'self'");
    const { held, published } = await moderationPage(worker, signed);
    expect(held).toContain('<h2 id="held">En attente de votre approbation (2)</h2>');
    expect(published).toContain("Aucune mention publiée pour l&#39;instant.");
    const reply = itemOf(held, REPLY);
    expect(reply).toContain('<span class="badge">Réponse</span>');
    expect(reply).toContain('<a class="moderated-author" href="https://alex.example/"><img class="moderation-photo" src="https://alex.example/me.jpg" alt=""');
    expect(reply).toContain("Alex Martin</a>");
    // The excerpt is the sanitised text: no markup, no script.
    expect(reply).toContain("Tout à fait d&#39;accord, bravo !");
    expect(held).not.toContain("alert(");
    expect(held).not.toContain("<strong>bravo");
    expect(reply).toContain(`<a href="${REPLY}">${REPLY}</a>`);
    expect(reply).toContain(`<a href="${new URL(permalink).pathname}">${new URL(permalink).pathname}</a>`);
    expect(reply).toContain('<time datetime="2026-11-20T09:00:00.000Z">');
    expect(reply).toContain('action="/new/mentions/approve"');
    expect(reply).toContain("Bloquer alex.example");
    expect(held).toContain('<span class="badge">J&#39;aime</span>');
    // Not shown to readers before it is approved.
    const entry = await entryAt(worker, permalink);
    expect(entry.properties.comment).toBeUndefined();
    expect(entry.properties.like).toBeUndefined();
    // The compose page links to it; signed out, nothing is listed.
    expect(await (await get(worker, "/new", signed)).text()).toContain('<a href="/new/mentions">');
    const signedOut = await request(worker, "/new/mentions");
    expect(signedOut.status).toBe(401);
    const page = await signedOut.text();
    expect(page).toContain('action="/new/session"');
    expect(page).not.toContain("Alex Martin");
  });

  it("Approve publishes a held reply: a comment of the permalink's h-entry, listed as published", async () => {
    const { worker, permalink, signed } = await withMentions();
    const id = idOf((await moderationPage(worker, signed)).held, REPLY);
    const response = await send(worker, "/new/mentions/approve", signed, form({ csrf: signed.csrf, id }));
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/new/mentions");
    const comments = (await entryAt(worker, permalink)).properties.comment!;
    expect(comments).toHaveLength(1);
    const comment = comments[0] as Parsed;
    expect(comment.properties.url).toEqual([REPLY]);
    expect((comment.properties.author![0] as Parsed).properties.name).toEqual(["Alex Martin"]);
    expect(JSON.stringify(comment.properties.content)).toContain("bravo");
    // The like stays held.
    expect((await entryAt(worker, permalink)).properties.like).toBeUndefined();
    const { held, published } = await moderationPage(worker, signed);
    expect(published).toContain(`data-id="${id}"`);
    expect(held).not.toContain(`data-id="${id}"`);
    // A published one has Delete and Block, no Approve.
    expect(published).not.toContain('action="/new/mentions/approve"');
    expect(published).toContain('action="/new/mentions/delete"');
    // Approving it again finds no held mention: 404, nothing changed.
    expect((await send(worker, "/new/mentions/approve", signed, form({ csrf: signed.csrf, id }))).status).toBe(404);
  });

  it("Delete removes a mention: gone from the permalink and from the list", async () => {
    const { worker, home, permalink, signed } = await withMentions();
    const id = idOf((await moderationPage(worker, signed)).held, REPLY);
    expect((await send(worker, "/new/mentions/approve", signed, form({ csrf: signed.csrf, id }))).status).toBe(303);
    expect((await entryAt(worker, permalink)).properties.comment).toHaveLength(1);
    const response = await send(worker, "/new/mentions/delete", signed, form({ csrf: signed.csrf, id }));
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/new/mentions");
    expect((await entryAt(worker, permalink)).properties.comment).toBeUndefined();
    expect((await moderationPage(worker, signed)).whole).not.toContain(`data-id="${id}"`);
    expect((await stored(home)).mentions.map((one) => one.source)).toEqual([LIKE]);
  });

  it("Block removes the domain's mentions and drops those it sends later; another domain's stay", async () => {
    const { worker, home, permalink, signed } = await withMentions();
    const like = idOf((await moderationPage(worker, signed)).held, LIKE);
    expect((await send(worker, "/new/mentions/approve", signed, form({ csrf: signed.csrf, id: like }))).status).toBe(303);
    const response = await send(worker, "/new/mentions/block", signed, form({ csrf: signed.csrf, domain: "sam.example" }));
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/new/mentions");
    expect((await entryAt(worker, permalink)).properties.like).toBeUndefined();
    const page = (await moderationPage(worker, signed)).whole;
    expect(page).not.toContain(LIKE);
    expect(page).toContain(REPLY);
    // Sent again, it is accepted (a 202 says nothing of the blocklist) and dropped: never queued.
    expect((await mention(worker, LIKE, permalink)).status).toBe(202);
    expect(await stored(home)).toMatchObject({ queued: 0, mentions: [{ source: REPLY, status: "held" }] });
    await runCron(worker);
    expect((await stored(home)).mentions.map((one) => one.source)).toEqual([REPLY]);
    // Not a domain name: 400, nothing blocked.
    expect((await send(worker, "/new/mentions/block", signed, form({ csrf: signed.csrf, domain: "not a domain" }))).status).toBe(400);
  });

  it("changes nothing for a POST without the session, or without or with a wrong CSRF token", async () => {
    const { worker, home, permalink, signed } = await withMentions();
    const other = await signIn(worker);
    expect(other.csrf).not.toBe(signed.csrf);
    const { held } = await moderationPage(worker, signed);
    const id = idOf(held, REPLY);
    const before = await stored(home);
    const actions: [string, Record<string, string>][] = [
      ["/new/mentions/approve", { id }],
      ["/new/mentions/delete", { id }],
      ["/new/mentions/block", { domain: "alex.example" }],
    ];
    for (const [route, fields] of actions) {
      const signedOut = await send(worker, route, undefined, form({ csrf: signed.csrf, ...fields }));
      expect(signedOut.status).toBe(401);
      expect(await signedOut.text()).toContain('action="/new/session"');
      expect((await send(worker, route, signed, form(fields))).status).toBe(403);
      expect((await send(worker, route, signed, form({ csrf: other.csrf, ...fields }))).status).toBe(403);
      expect((await send(worker, route, signed, form({ csrf: "x".repeat(43), ...fields }))).status).toBe(403);
      expect(await stored(home), route).toEqual(before);
    }
    expect((await entryAt(worker, permalink)).properties.comment).toBeUndefined();
    // The same forms with the session's own token do change the store.
    expect((await send(worker, "/new/mentions/approve", signed, form({ csrf: signed.csrf, id }))).status).toBe(303);
    expect(await stored(home)).not.toEqual(before);
    expect((await entryAt(worker, permalink)).properties.comment).toHaveLength(1);
  });

  it("lists what the owner's posts sent: each target, its endpoint and the answer, or that it takes none", async () => {
    const { worker, net } = conversationHome();
    const signed = await signIn(worker);
    net.set("https://alex.example/post", new Response("<p>hi</p>", { headers: { "Content-Type": "text/html", Link: '<https://alex.example/webmention>; rel="webmention"' } }));
    net.set("https://alex.example/webmention", new Response(null, { status: 202 }));
    net.set("https://quiet.example/page", new Response("<p>no endpoint here</p>", { headers: { "Content-Type": "text/html" } }));
    const post = await publish(worker, { "in-reply-to": ["https://alex.example/post"], content: [{ html: '<p>Et <a href="https://quiet.example/page">celle-ci</a>.</p>' }] });
    const page = await (await get(worker, "/new/mentions", signed)).text();
    const sent = page.slice(page.indexOf('<h2 id="sent">'));
    expect(sent).toContain(`href="${new URL(post).pathname}"`);
    const row = (target: string) => sent.split("<tr>").find((part) => part.includes(`href="${target}"`)) ?? "";
    expect(row("https://alex.example/post")).toContain("envoyé — https://alex.example/webmention (HTTP 202)");
    expect(row("https://quiet.example/page")).toContain("cette page ne reçoit pas de Webmentions");
  });
});
