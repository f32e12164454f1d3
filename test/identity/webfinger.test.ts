/** The domain as identity, through the Worker: WebFinger aliases and /.well-known/atproto-did. */
import { describe, expect, it } from "vitest";
import { validateProfile } from "../../src/config/index.ts";
import { profileWith, request, workerFor } from "../helpers.ts";

const profile = profileWith(
  [
    { url: "https://mastodon.social/@camille" },
    { url: "https://Piaille.fr/@camille_ex" },
    { url: "https://github.com/camille" },
  ],
  {
    webfinger: { camille: "https://mastodon.social/@camille", ex: "https://Piaille.fr/@camille_ex" },
    atproto: "did:plc:abcdefghijklmnopqrstuvwx",
    // The home's own actor would take acct:camille@camille.example (the first label of its host):
    // named otherwise, the alias "camille" is the one these tests read (test/federation/actor.test.ts covers the precedence).
    actor: { username: "home" },
  },
);

type Jrd = { subject: string; aliases: string[]; links: { rel: string; type?: string; href?: string; template?: string }[] };

describe("GET /.well-known/webfinger", () => {
  it("answers the JRD of the account an alias names, with CORS and the JRD type", async () => {
    const response = await request(workerFor(profile), "/.well-known/webfinger?resource=acct:camille@camille.example");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/jrd+json");
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(await response.json()).toEqual({
      subject: "acct:camille@mastodon.social",
      aliases: ["https://mastodon.social/@camille", "https://mastodon.social/users/camille"],
      links: [
        { rel: "http://webfinger.net/rel/profile-page", type: "text/html", href: "https://mastodon.social/@camille" },
        { rel: "self", type: "application/activity+json", href: "https://mastodon.social/users/camille" },
        { rel: "http://ostatus.org/schema/1.0/subscribe", template: "https://mastodon.social/authorize_interaction?uri={uri}" },
      ],
    });
  });

  it("maps several aliases to different accounts, ignoring case", async () => {
    const jrd = (await (await request(workerFor(profile), "/.well-known/webfinger?resource=acct:EX@Camille.Example")).json()) as Jrd;
    expect(jrd.subject).toBe("acct:camille_ex@piaille.fr");
    expect(jrd.links.find((link) => link.rel === "self")?.href).toBe("https://piaille.fr/users/camille_ex");
  });

  it("maps the home URL to the default (first) account", async () => {
    const jrd = (await (await request(workerFor(profile), `/.well-known/webfinger?resource=${encodeURIComponent("https://camille.example/")}`)).json()) as Jrd;
    expect(jrd.subject).toBe("acct:camille@mastodon.social");
  });

  it("filters links by one or more rel parameters", async () => {
    const worker = workerFor(profile);
    const one = (await (await request(worker, "/.well-known/webfinger?resource=acct:camille@camille.example&rel=self")).json()) as Jrd;
    expect(one.links.map((link) => link.rel)).toEqual(["self"]);
    const two = (await (
      await request(worker, `/.well-known/webfinger?resource=acct:camille@camille.example&rel=self&rel=${encodeURIComponent("http://webfinger.net/rel/profile-page")}`)
    ).json()) as Jrd;
    expect(two.links.map((link) => link.rel)).toEqual(["http://webfinger.net/rel/profile-page", "self"]);
    expect(two.subject).toBe("acct:camille@mastodon.social");
  });

  it("answers 400 naming the parameter when resource is missing or malformed", async () => {
    const worker = workerFor(profile);
    for (const query of ["", "?resource=", "?resource=camille", "?resource=acct:camille", "?resource=http://camille.example/"]) {
      const response = await request(worker, `/.well-known/webfinger${query}`);
      expect(response.status, query).toBe(400);
      expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
      expect(((await response.json()) as { error: string }).error, query).toContain("resource parameter");
    }
  });

  it("answers 404 for unknown aliases and other domains", async () => {
    const worker = workerFor(profile);
    for (const resource of ["acct:nobody@camille.example", "acct:%E0%A4%A@camille.example", "acct:camille@elsewhere.example", "https://camille.example/about"]) {
      const response = await request(worker, `/.well-known/webfinger?resource=${encodeURIComponent(resource)}`);
      expect(response.status, resource).toBe(404);
    }
  });

  it("derives aliases from fediverse usernames when profile.json has none", async () => {
    const worker = workerFor(profileWith([{ url: "https://github.com/camille" }, { url: "https://piaille.fr/@cam" }]));
    const jrd = (await (await request(worker, "/.well-known/webfinger?resource=acct:cam@camille.example")).json()) as Jrd;
    expect(jrd.subject).toBe("acct:cam@piaille.fr");
    // GitHub is no alias; acct:camille@camille.example is the home's own actor (the first label of its host).
    const own = (await (await request(worker, "/.well-known/webfinger?resource=acct:camille@camille.example")).json()) as Jrd;
    expect(own.links.find((link) => link.rel === "self")?.href).toBe("https://camille.example/");
  });

  it("refuses aliases that point outside the accounts or at a non-fediverse URL", () => {
    const outside = validateProfile(profileWith([{ url: "https://mastodon.social/@camille" }], { webfinger: { cam: "https://mastodon.social/@other" } }));
    expect(outside.ok ? [] : outside.problems).toEqual([expect.stringContaining("not one of accounts[].url")]);
    const github = validateProfile(profileWith([{ url: "https://github.com/camille" }], { webfinger: { cam: "https://github.com/camille" } }));
    expect(github.ok ? [] : github.problems).toEqual([expect.stringContaining("https://host/@user")]);
  });
});

describe("GET /.well-known/atproto-did", () => {
  it("answers the configured DID as text/plain, without redirect", async () => {
    const response = await request(workerFor(profile), "/.well-known/atproto-did");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/plain/);
    expect(await response.text()).toBe("did:plc:abcdefghijklmnopqrstuvwx");
  });

  it("answers 404 when no DID is configured", async () => {
    const response = await request(workerFor(profileWith([{ url: "https://github.com/camille" }])), "/.well-known/atproto-did");
    expect(response.status).toBe(404);
  });

  it("accepts did:plc and did:web and refuses anything else", () => {
    const check = (atproto: string) => validateProfile(profileWith([{ url: "https://github.com/camille" }], { atproto })).ok;
    expect(check("did:plc:abcdefghijklmnopqrstuvwx")).toBe(true);
    expect(check("did:web:camille.example")).toBe(true);
    expect(check("did:plc:short")).toBe(false);
    expect(check("did:plc:ABCDEFGHIJKLMNOPQRSTUVWX")).toBe(false);
    expect(check("did:key:z6Mk")).toBe(false);
    expect(check("camille.example")).toBe(false);
  });
});
