/**
 * profile.json's `indieauth` delegates IndieAuth: m2 runs no server of its own (404), the page
 * links the delegated endpoints, and `grantOf` asks the delegated token endpoint (the legacy
 * verification, IndieAuth 2020 §6.3), believing a yes for at most 60 seconds.
 */
import { describe, expect, it } from "vitest";
import { grantOf } from "../../src/auth/grants.ts";
import { env, fakeNet, HOME, profileWith, request, workerFor } from "../helpers.ts";
import { ADMIN } from "./flow.ts";

const indieauth = { authorization_endpoint: "https://auth.example/auth", token_endpoint: "https://auth.example/token" };
const profile = profileWith([{ url: "https://github.com/camille" }], { indieauth });
const home = { url: HOME, indieauth };

/** The delegated token endpoint: a JSON answer per bearer token, 401 for any other. */
function delegatedNet(answers: Record<string, object>) {
  return fakeNet({
    [indieauth.token_endpoint]: (request) => {
      const answer = answers[request.headers.get("Authorization") ?? ""];
      return answer ? Response.json(answer) : new Response('{"error":"unauthorized"}', { status: 401 });
    },
  });
}

describe("delegation: m2 runs no IndieAuth server of its own", () => {
  it("answers 404 for the metadata and every /auth route", async () => {
    const worker = workerFor(profile);
    expect((await request(worker, "/.well-known/oauth-authorization-server")).status).toBe(404);
    expect((await request(worker, "/auth?response_type=code")).status).toBe(404);
    for (const path of ["/auth", "/auth/token", "/auth/introspect", "/auth/revoke"]) {
      expect((await request(worker, path, { method: "POST", body: new URLSearchParams({ token: "x" }) })).status, path).toBe(404);
    }
    expect((await request(worker, "/auth/token", { headers: { Authorization: `Bearer ${ADMIN}` } })).status).toBe(404);
  });

  it("links the delegated endpoints in the head and the Link header, not its own", async () => {
    const response = await request(workerFor(profile), "/");
    const html = await response.text();
    expect(html).toContain('<link rel="authorization_endpoint" href="https://auth.example/auth"/>');
    expect(html).toContain('<link rel="token_endpoint" href="https://auth.example/token"/>');
    expect(html).not.toContain("https://camille.example/auth");
    expect(html).not.toContain("indieauth-metadata");
    // Micropub stays the home's own, whoever signs the owner in.
    expect(html).toContain('<link rel="micropub" href="https://camille.example/micropub"/>');
    expect(response.headers.get("Link")).toBe('<https://camille.example/micropub>; rel="micropub", <https://auth.example/auth>; rel="authorization_endpoint", <https://auth.example/token>; rel="token_endpoint", <https://camille.example/webmention>; rel="webmention"');
  });
});

describe("delegation: grantOf asks the delegated token endpoint", () => {
  it("accepts a token the endpoint vouches for, with its scopes, and believes it for 60 s", async () => {
    const net = delegatedNet({ "Bearer delegated-1": { me: HOME, client_id: "https://quill.p3k.io/", scope: "create media" } });
    const now = Date.parse("2026-03-01T10:00:00Z");
    const grant = await grantOf(env, home, "delegated-1", { fetcher: net.fetcher, now });
    expect(grant).toMatchObject({ me: HOME, clientId: "https://quill.p3k.io/", scope: ["create", "media"] });
    expect(net.requests).toHaveLength(1);
    expect(net.requests[0]!.method).toBe("GET");
    expect(net.requests[0]!.headers.get("Accept")).toBe("application/json");
    expect(await grantOf(env, home, "delegated-1", { fetcher: net.fetcher, now: now + 59_000 })).toMatchObject({ scope: ["create", "media"] });
    expect(net.requests).toHaveLength(1);
    await grantOf(env, home, "delegated-1", { fetcher: net.fetcher, now: now + 61_000 });
    expect(net.requests).toHaveLength(2);
  });

  it("refuses a token for another me, and one the endpoint refuses", async () => {
    const net = delegatedNet({ "Bearer other-me": { me: "https://someone.example/", client_id: "https://quill.p3k.io/", scope: "create" } });
    expect(await grantOf(env, home, "other-me", { fetcher: net.fetcher })).toBeNull();
    expect(await grantOf(env, home, "unknown", { fetcher: net.fetcher })).toBeNull();
    expect(net.requests).toHaveLength(2);
  });

  it("keeps the ADMIN_TOKEN shortcut without asking anyone", async () => {
    const net = delegatedNet({});
    expect(await grantOf(env, home, ADMIN, { fetcher: net.fetcher })).toMatchObject({ me: HOME, scope: ["create", "update", "delete", "undelete", "media", "profile", "email"] });
    expect(net.requests).toHaveLength(0);
  });

  it("never checks a token in the home's own store while delegating", async () => {
    const net = delegatedNet({});
    const { token } = await env.HOME.get(env.HOME.idFromName(HOME)).issueToken({ clientId: "https://app.example/", scope: ["create"], me: HOME, ttlSeconds: 60 });
    expect(await grantOf(env, { url: HOME }, token)).not.toBeNull();
    expect(await grantOf(env, home, token, { fetcher: net.fetcher })).toBeNull();
    expect(net.requests).toHaveLength(1);
  });
});
