/**
 * The whole way from a Micropub client to a visitor, in workerd: the client discovers the
 * endpoints from the home page, asks for authorization with PKCE, the owner signs in, the code
 * becomes a token, the token creates a post, and the post is an h-entry at its permalink (read
 * with microformats-parser), in the three merged feeds and on the home page.
 */
import { mf2 } from "microformats-parser";
import { describe, expect, it } from "vitest";
import { approvedCode, clientNet, exchange, pkce, profile } from "../auth/flow.ts";
import { HOME, request, workerFor } from "../helpers.ts";

describe("writing on the home from a Micropub client", () => {
  it("discovery → authorization with PKCE → sign-in → code → token → Micropub create → h-entry → feeds and page", async () => {
    const net = clientNet();
    const worker = workerFor(profile, { auth: { fetcher: net.fetcher } });

    // The client reads the home page's rels, as a Micropub client does with the home URL it is given.
    const home = mf2(await (await request(worker, "/")).text(), { baseUrl: HOME });
    expect(home.rels["micropub"]).toEqual([`${HOME}micropub`]);
    expect(home.rels["indieauth-metadata"]).toEqual([`${HOME}.well-known/oauth-authorization-server`]);
    const metadata = (await (await request(worker, new URL(home.rels["indieauth-metadata"]![0]!).pathname)).json()) as { authorization_endpoint: string; token_endpoint: string };
    expect(metadata.authorization_endpoint).toBe(`${HOME}auth`);

    // Authorization with PKCE, the owner's sign-in on the consent page, the code exchanged for a token.
    const { verifier, challenge } = await pkce();
    const code = await approvedCode(worker, challenge, { scope: "create update" });
    const granted = await exchange(worker, code, verifier);
    expect(granted.status).toBe(200);
    const { access_token, scope, me } = (await granted.json()) as { access_token: string; scope: string; me: string };
    expect(me).toBe(HOME);
    expect(scope.split(" ").sort()).toEqual(["create", "update"]);

    // The token creates a post.
    const created = await request(worker, "/micropub", {
      method: "POST",
      headers: { Authorization: `Bearer ${access_token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ type: ["h-entry"], properties: { name: ["Chez moi d'abord"], content: ["Écrit sur **mon m²**, puis partagé."], category: ["indieweb"] } }),
    });
    expect(created.status).toBe(201);
    const url = created.headers.get("Location")!;
    expect(url).toBe(`${HOME}articles/chez-moi-d-abord`);

    // Its permalink is an h-entry that a parser reads without guessing.
    const page = await request(worker, new URL(url).pathname);
    expect(page.status).toBe(200);
    const entries = mf2(await page.text(), { baseUrl: url }).items.filter((item) => item.type?.includes("h-entry"));
    expect(entries).toHaveLength(1);
    const entry = entries[0]!.properties;
    expect(entry.name).toEqual(["Chez moi d'abord"]);
    expect((entry.content![0] as { html: string }).html).toBe("<p>Écrit sur <strong>mon m²</strong>, puis partagé.</p>");
    expect(entry.url).toEqual([url]);
    expect(entry.category).toEqual(["indieweb"]);
    expect((entry.author![0] as { properties: { url: string[] } }).properties.url).toEqual([HOME]);

    // The same post in the three merged feeds and on the home page.
    const rss = await (await request(worker, "/feed.xml")).text();
    expect(rss).toContain(`<link>${url}</link>`);
    const atom = await (await request(worker, "/atom.xml")).text();
    expect(atom).toContain(`href="${url}"`);
    const json = (await (await request(worker, "/feed.json")).json()) as { items: { url: string; title?: string }[] };
    expect(json.items.find((item) => item.url === url)?.title).toBe("Chez moi d'abord");
    const feed = mf2(await (await request(worker, "/")).text(), { baseUrl: HOME }).items.flatMap((item) => item.children ?? []);
    expect(JSON.stringify(feed)).toContain(url);

    // The token's scope does not include delete.
    const refused = await request(worker, "/micropub", { method: "POST", headers: { Authorization: `Bearer ${access_token}`, "Content-Type": "application/json" }, body: JSON.stringify({ action: "delete", url }) });
    expect(refused.status).toBe(401);
    expect((await request(worker, new URL(url).pathname)).status).toBe(200);
  });
});
