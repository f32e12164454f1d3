/**
 * The home as an actor, as Mastodon's documentation requires (docs.joinmastodon.org/spec/webfinger
 * and /spec/activitypub): WebFinger's `self` link is the actor's id and the actor's
 * preferredUsername resolves back to it; the actor JSON at the home URL for ActivityPub clients,
 * the page for browsers; one key pair, even when the first two requests race.
 */
import { describe, expect, it } from "vitest";
import { homeStore } from "../../src/auth/grants.ts";
import { env, request } from "../helpers.ts";
import { actorOf, AP, federatedHome } from "./fediverse.ts";

type Jrd = { subject: string; aliases: string[]; links: { rel: string; type?: string; href?: string }[] };

async function webfinger(worker: Parameters<typeof request>[0], resource: string): Promise<Response> {
  return request(worker, `/.well-known/webfinger?resource=${encodeURIComponent(resource)}`);
}

describe("WebFinger finds the home's actor", () => {
  it("acct:<first label of the host>@<host> answers rel=self application/activity+json whose href is the actor id, and the actor's preferredUsername resolves back to it", async () => {
    const { worker, home, name } = federatedHome();
    const host = new URL(home).host;
    const response = await webfinger(worker, `acct:${name}@${host}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/jrd+json");
    const jrd = (await response.json()) as Jrd;
    expect(jrd.subject).toBe(`acct:${name}@${host}`);
    const self = jrd.links.find((link) => link.rel === "self");
    expect(self).toEqual({ rel: "self", type: AP, href: home });
    // Mastodon fetches the self link, then looks up acct:<preferredUsername>@<host of the actor id>: it must name the same actor.
    const actor = await actorOf(worker);
    expect(actor.id).toBe(self!.href);
    const back = (await (await webfinger(worker, `acct:${actor.preferredUsername}@${new URL(actor.id).host}`)).json()) as Jrd;
    expect(back.links.find((link) => link.rel === "self")?.href).toBe(actor.id);
  });

  it("actor.username names the actor, over a webfinger alias of the same name; the other aliases keep answering for their accounts", async () => {
    const { worker, home } = federatedHome({
      accounts: [{ url: "https://mastodon.social/@camille" }, { url: "https://piaille.fr/@cam" }],
      webfinger: { camille: "https://mastodon.social/@camille", cam: "https://piaille.fr/@cam" },
      actor: { username: "camille" },
    });
    const host = new URL(home).host;
    const own = (await (await webfinger(worker, `acct:camille@${host}`)).json()) as Jrd;
    expect(own.subject).toBe(`acct:camille@${host}`);
    expect(own.links.find((link) => link.rel === "self")?.href).toBe(home);
    expect((await actorOf(worker)).preferredUsername).toBe("camille");
    const alias = (await (await webfinger(worker, `acct:cam@${host}`)).json()) as Jrd;
    expect(alias.subject).toBe("acct:cam@piaille.fr");
    expect(alias.links.find((link) => link.rel === "self")?.href).toBe("https://piaille.fr/users/cam");
  });
});

describe("the actor at the home URL", () => {
  it("answers the Person Mastodon reads to Accept: application/activity+json, with Vary: Accept", async () => {
    const { worker, home, name } = federatedHome({ note: "Développeuse <web> à Lyon" });
    const response = await request(worker, "/", { headers: { Accept: AP } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe(AP);
    expect(response.headers.get("Vary")).toContain("Accept");
    const actor = (await response.json()) as Record<string, any>;
    expect(actor["@context"]).toEqual(expect.arrayContaining(["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"]));
    expect(actor).toMatchObject({
      id: home,
      type: "Person",
      preferredUsername: name,
      name: "Camille Exemple",
      summary: "<p>Développeuse &#60;web&#62; à Lyon</p>",
      url: home,
      icon: { type: "Image", url: `${home}avatar.jpg` },
      inbox: `${home}activitypub/inbox`,
      outbox: `${home}activitypub/outbox`,
      followers: `${home}activitypub/followers`,
      following: `${home}activitypub/following`,
      endpoints: { sharedInbox: `${home}activitypub/inbox` },
      manuallyApprovesFollowers: false,
      publicKey: { id: `${home}#main-key`, owner: home },
    });
    expect(actor.publicKey.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n$/);
    // The accounts, as profile fields whose value is a rel="me" link (Mastodon marks them verified when the page links back).
    expect(actor.attachment).toEqual([
      { type: "PropertyValue", name: "GitHub", value: '<a href="https://github.com/camille" rel="me nofollow noopener noreferrer" target="_blank">github.com/camille</a>' },
      { type: "PropertyValue", name: "Blog", value: '<a href="https://blog.camille.example/" rel="me nofollow noopener noreferrer" target="_blank">blog.camille.example</a>' },
    ]);
    expect(JSON.stringify(actor)).not.toContain("PRIVATE");
  });

  it('answers the actor to application/ld+json; profile="https://www.w3.org/ns/activitystreams" too, and the HTML page to a browser', async () => {
    const { worker, home } = federatedHome();
    const ld = await request(worker, "/", { headers: { Accept: 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"' } });
    expect(ld.headers.get("Content-Type")).toBe(AP);
    expect(((await ld.json()) as { id: string }).id).toBe(home);
    const page = await request(worker, "/", { headers: { Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" } });
    expect(page.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(page.headers.get("Vary")).toContain("Accept");
    expect(await page.text()).toContain("<html");
  });

  it("builds its URLs from the profile's https URL, not from the request's scheme", async () => {
    const { worker, home } = federatedHome();
    const ctx = (await import("cloudflare:test")).createExecutionContext();
    const response = await worker.fetch(new Request("http://localhost:8787/", { headers: { Accept: AP } }), env, ctx);
    const actor = (await response.json()) as Record<string, string>;
    expect(actor.id).toBe(home);
    expect(actor.inbox).toBe(`${home}activitypub/inbox`);
  });

  it("generates one key pair when the first two requests race (Promise.all), and keeps it", async () => {
    const { worker, home } = federatedHome();
    const [first, second] = await Promise.all([actorOf(worker), actorOf(worker)]);
    expect(first.publicKey.publicKeyPem).toBe(second.publicKey.publicKeyPem);
    const stored = await homeStore(env, home).federationKeys();
    expect(stored.publicKeyPem).toBe(first.publicKey.publicKeyPem);
    expect((await actorOf(worker)).publicKey.publicKeyPem).toBe(first.publicKey.publicKeyPem);
  });

  it("the outbox is an OrderedCollection, the followers and following collections count", async () => {
    const { worker, home } = federatedHome();
    const outbox = (await (await request(worker, "/activitypub/outbox")).json()) as Record<string, unknown>;
    expect(outbox).toMatchObject({ id: `${home}activitypub/outbox`, type: "OrderedCollection", totalItems: 0, orderedItems: [] });
    expect(await (await request(worker, "/activitypub/followers")).json()).toMatchObject({ type: "OrderedCollection", totalItems: 0 });
    expect(await (await request(worker, "/activitypub/following")).json()).toMatchObject({ type: "OrderedCollection", totalItems: 0 });
  });
});
