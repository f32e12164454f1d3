/**
 * Delivery of the home's own posts to its followers: a post made through Micropub reaches a
 * follower's server as a signed Create (a Note; an Article for an article, with attachments,
 * hashtags and inReplyTo), an edit as an Update, a delete as a Delete; each server's shared inbox
 * gets one POST however many of its accounts follow; a failed delivery is retried by the cron after
 * its backoff; a changed profile goes out as an Update of the actor; a post's URL answers its
 * object; with actor.boost, the fediverse account's new posts are announced.
 */
import { describe, expect, it } from "vitest";
import { homeStore } from "../../src/auth/grants.ts";
import { FIRST_DELIVERY_RETRY_MS, MAX_BOOSTS_PER_RUN } from "../../src/federation/limits.ts";
import { env, FEED_TYPES, feedResponse, FIXTURES, request, runCron, WORKERS_PAID } from "../helpers.ts";
import { actorOf, deliverFrom, federatedHome, follow, mastodonAccount, micropub, postsTo, verifyAsMastodon } from "./fediverse.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

async function created(response: Response): Promise<string> {
  expect(response.status).toBe(201);
  return response.headers.get("Location")!;
}

describe("own posts reach the followers", () => {
  it("a note made through Micropub is a signed Create(Note) at the follower's shared inbox, its edit an Update, its deletion a Delete", async () => {
    const { worker, net, home } = federatedHome();
    const alex = await mastodonAccount(net);
    await deliverFrom(worker, home, alex, follow(alex, home));
    const actor = await actorOf(worker);

    const url = await created(await micropub(worker, { type: ["h-entry"], properties: { content: ["Bonjour le **fédivers**"] } }));
    let posts = await postsTo(net, alex.sharedInbox);
    expect(posts).toHaveLength(1);
    const create = posts[0]!;
    expect(await verifyAsMastodon(create.request, create.body, actor)).toBe(true);
    expect(create.activity).toMatchObject({ type: "Create", actor: home, to: [PUBLIC], cc: [`${home}activitypub/followers`] });
    expect(create.activity.object).toMatchObject({ id: url, type: "Note", attributedTo: home, url, content: "<p>Bonjour le <strong>fédivers</strong></p>", to: [PUBLIC] });
    expect(create.activity.object.published).toMatch(/^\d{4}-\d\d-\d\dT/);

    expect((await micropub(worker, { action: "update", url, replace: { content: ["Bonjour, fédivers"] } })).status).toBe(204);
    posts = await postsTo(net, alex.sharedInbox);
    expect(posts).toHaveLength(2);
    const update = posts[1]!;
    expect(await verifyAsMastodon(update.request, update.body, actor)).toBe(true);
    expect(update.activity).toMatchObject({ type: "Update", actor: home, object: { id: url, type: "Note", content: "<p>Bonjour, fédivers</p>" } });
    // Mastodon applies an edit only when the object says when it was updated.
    expect(update.activity.object.updated).toMatch(/^\d{4}-\d\d-\d\dT/);

    expect((await micropub(worker, { action: "delete", url })).status).toBe(204);
    posts = await postsTo(net, alex.sharedInbox);
    expect(posts).toHaveLength(3);
    expect(await verifyAsMastodon(posts[2]!.request, posts[2]!.body, actor)).toBe(true);
    expect(posts[2]!.activity).toMatchObject({ type: "Delete", actor: home, object: { id: url, type: "Tombstone" } });

    // The outbox lists the three, newest first; each activity answers at its id.
    const outbox = (await (await request(worker, "/activitypub/outbox")).json()) as { totalItems: number; orderedItems: { id: string; type: string }[] };
    expect(outbox.totalItems).toBe(3);
    expect(outbox.orderedItems.map((activity) => activity.type)).toEqual(["Delete", "Update", "Create"]);
    const byId = await request(worker, new URL(outbox.orderedItems[2]!.id).pathname);
    expect(((await byId.json()) as { type: string }).type).toBe("Create");
  });

  it("an article is an Article with its name; photos are Image attachments, categories hashtags, in-reply-to its inReplyTo", async () => {
    const { worker, net, home } = federatedHome();
    const alex = await mastodonAccount(net);
    await deliverFrom(worker, home, alex, follow(alex, home));
    await created(await micropub(worker, { type: ["h-entry"], properties: { name: ["Un long billet"], content: ["Le texte."], category: ["indieweb", "fediverse"] } }));
    await created(
      await micropub(worker, {
        type: ["h-entry"],
        properties: { content: ["En réponse"], "in-reply-to": ["https://mastodon.example/@alex/1"], photo: [{ value: "https://camille.example/media/sunset.jpg", alt: "Un coucher de soleil" }] },
      }),
    );
    const [article, reply] = (await postsTo(net, alex.sharedInbox)).map((post) => post.activity.object);
    expect(article).toMatchObject({ type: "Article", name: "Un long billet", content: "<p>Le texte.</p>", tag: [{ type: "Hashtag", name: "#indieweb" }, { type: "Hashtag", name: "#fediverse" }] });
    expect(reply).toMatchObject({
      type: "Note",
      inReplyTo: "https://mastodon.example/@alex/1",
      attachment: [{ type: "Image", url: "https://camille.example/media/sunset.jpg", mediaType: "image/jpeg", name: "Un coucher de soleil" }],
    });
  });

  it("two followers on one server: one POST to its shared inbox, none to their own inboxes", async () => {
    const { worker, net, home } = federatedHome();
    const alex = await mastodonAccount(net, "mastodon.example", "alex");
    const sam = await mastodonAccount(net, "mastodon.example", "sam");
    const lou = await mastodonAccount(net, "piaille.example", "lou");
    for (const account of [alex, sam, lou]) expect((await deliverFrom(worker, home, account, follow(account, home).replace("2f6c8a4e", account.user.padEnd(8, "0")))).status).toBe(202);
    const before = net.requests.length;
    await created(await micropub(worker, { type: ["h-entry"], properties: { content: ["À tous"] } }));
    const made = net.requests.slice(before).filter((sent) => sent.method === "POST").map((sent) => sent.url);
    expect(made.sort()).toEqual(["https://mastodon.example/inbox", "https://piaille.example/inbox"]);
  });

  it("a delivery the server refuses with 503 is retried by the cron after its backoff, not before", async () => {
    let now = Date.now();
    const { worker, net, home } = federatedHome({}, { now: () => now });
    const alex = await mastodonAccount(net);
    await deliverFrom(worker, home, alex, follow(alex, home));
    let answer = 503;
    net.set(alex.sharedInbox, () => new Response(null, { status: answer }));
    await created(await micropub(worker, { type: ["h-entry"], properties: { content: ["Tenace"] } }));
    expect(await postsTo(net, alex.sharedInbox)).toHaveLength(1);
    await runCron(worker);
    expect(await postsTo(net, alex.sharedInbox)).toHaveLength(1);
    answer = 202;
    now += FIRST_DELIVERY_RETRY_MS + 1_000;
    await runCron(worker);
    const posts = await postsTo(net, alex.sharedInbox);
    expect(posts).toHaveLength(2);
    expect(posts[1]!.activity.type).toBe("Create");
    now += 24 * 60 * 60_000;
    await runCron(worker);
    expect(await postsTo(net, alex.sharedInbox)).toHaveLength(2);
  });

  it("a changed profile (a deploy with a new profile.json) is announced by the cron as an Update of the actor", async () => {
    const { worker, net, home } = federatedHome();
    const alex = await mastodonAccount(net);
    await deliverFrom(worker, home, alex, follow(alex, home));
    await runCron(worker);
    expect(await postsTo(net, alex.sharedInbox)).toEqual([]);
    // The next deploy: the same home and store, another profile.json.
    const { worker: deployed } = federatedHome({ url: home, name: "Camille E." }, { net });
    await runCron(deployed);
    const updates = await postsTo(net, alex.sharedInbox);
    expect(updates).toHaveLength(1);
    expect(updates[0]!.activity).toMatchObject({ type: "Update", actor: home, object: { id: home, type: "Person", name: "Camille E." } });
    expect(await verifyAsMastodon(updates[0]!.request, updates[0]!.body, await actorOf(deployed))).toBe(true);
  });
});

describe("a post's URL for ActivityPub clients", () => {
  it("answers the Note its Create carried to Accept: application/activity+json, the page to browsers, and a Tombstone (410) once deleted", async () => {
    const { worker, home } = federatedHome();
    const url = await created(await micropub(worker, { type: ["h-entry"], properties: { content: ["Trouvable"] } }));
    const path = new URL(url).pathname;
    const object = await request(worker, path, { headers: { Accept: "application/activity+json" } });
    expect(object.headers.get("Content-Type")).toBe("application/activity+json");
    expect(object.headers.get("Vary")).toContain("Accept");
    expect(await object.json()).toMatchObject({ id: url, type: "Note", attributedTo: home, content: "<p>Trouvable</p>" });
    const page = await request(worker, path);
    expect(page.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(page.headers.get("Vary")).toContain("Accept");
    await micropub(worker, { action: "delete", url });
    const gone = await request(worker, path, { headers: { Accept: "application/activity+json" } });
    expect(gone.status).toBe(410);
    expect(await gone.json()).toMatchObject({ id: url, type: "Tombstone" });
  });
});

describe("boosting the other accounts (actor.boost)", () => {
  async function boostingHome(boost: boolean) {
    const home = federatedHome({ accounts: [{ url: "https://mastodon.social/@camille" }, { url: "https://github.com/camille" }], actor: { boost }, settings: WORKERS_PAID });
    home.net.set("https://mastodon.social/@camille.rss", feedResponse(FIXTURES.mastodon, FEED_TYPES.rss));
    const alex = await mastodonAccount(home.net);
    await deliverFrom(home.worker, home.home, alex, follow(alex, home.home));
    // The first run fills the timeline; the second records where it stands, announcing nothing old.
    await runCron(home.worker);
    await runCron(home.worker);
    return { ...home, alex };
  }

  it("announces the fediverse account's posts newer than the last announced, at most 5 a run, and nothing old on the first run", async () => {
    const { worker, net, home, alex } = await boostingHome(true);
    expect(await postsTo(net, alex.sharedInbox)).toEqual([]);
    // As if the feed's posts had all appeared since the last run.
    await homeStore(env, home).federationSetMeta("boosted", "2000-01-01T00:00:00.000Z");
    await runCron(worker);
    const announces = (await postsTo(net, alex.sharedInbox)).map((post) => post.activity);
    expect(announces.length).toBe(Math.min(MAX_BOOSTS_PER_RUN, (FIXTURES.mastodon.match(/<item>/g) ?? []).length));
    for (const announce of announces) {
      expect(announce).toMatchObject({ type: "Announce", actor: home, to: [PUBLIC] });
      expect(announce.object).toMatch(/^https:\/\/mastodon\.social\/@camille\//);
    }
  });

  it("announces nothing without actor.boost", async () => {
    const { worker, net, home, alex } = await boostingHome(false);
    await homeStore(env, home).federationSetMeta("boosted", "2000-01-01T00:00:00.000Z");
    await runCron(worker);
    expect(await postsTo(net, alex.sharedInbox)).toEqual([]);
  });
});
