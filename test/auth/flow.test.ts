/**
 * IndieAuth (2022-02 edition) through the Worker: discovery (§4.1), the metadata document
 * (§4.1.1), and the whole flow from the authorization request to revocation (§5-7).
 */
import { describe, expect, it } from "vitest";
import { grantOf } from "../../src/auth/grants.ts";
import { env, HOME, request, workerFor } from "../helpers.ts";
import { ADMIN, authorizationRequest, CLIENT_ID, clientNet, EN, exchange, formOf, pkce, profile, REDIRECT_URI, submitConsent } from "./flow.ts";

describe("§4.1 Discovery", () => {
  it("links the metadata, the legacy endpoints and Micropub in the head and in Link headers of /", async () => {
    const response = await request(workerFor(profile), "/");
    const html = await response.text();
    expect(html).toContain('<link rel="indieauth-metadata" href="https://camille.example/.well-known/oauth-authorization-server"/>');
    expect(html).toContain('<link rel="authorization_endpoint" href="https://camille.example/auth"/>');
    expect(html).toContain('<link rel="token_endpoint" href="https://camille.example/auth/token"/>');
    expect(response.headers.get("Link")).toBe(
      '<https://camille.example/.well-known/oauth-authorization-server>; rel="indieauth-metadata", <https://camille.example/auth>; rel="authorization_endpoint", <https://camille.example/auth/token>; rel="token_endpoint", <https://camille.example/micropub>; rel="micropub", <https://camille.example/webmention>; rel="webmention"',
    );
    expect(html).toContain('<link rel="micropub" href="https://camille.example/micropub"/>');
  });

  it("builds the public URLs from the profile's https URL, not from an http request", async () => {
    const worker = workerFor(profile);
    const response = await worker.fetch(new Request("http://localhost:8787/.well-known/oauth-authorization-server"), env, { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext);
    const metadata = (await response.json()) as Record<string, string>;
    expect(metadata.issuer).toBe(HOME);
    expect(metadata.authorization_endpoint).toBe("https://camille.example/auth");
  });
});

describe("§4.1.1 IndieAuth Server Metadata", () => {
  it("answers the metadata document as JSON with CORS *", async () => {
    const response = await request(workerFor(profile), "/.well-known/oauth-authorization-server");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("application/json");
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(await response.json()).toEqual({
      issuer: HOME,
      authorization_endpoint: "https://camille.example/auth",
      token_endpoint: "https://camille.example/auth/token",
      introspection_endpoint: "https://camille.example/auth/introspect",
      introspection_endpoint_auth_methods_supported: ["Bearer"],
      revocation_endpoint: "https://camille.example/auth/revoke",
      revocation_endpoint_auth_methods_supported: ["none"],
      scopes_supported: ["create", "update", "delete", "undelete", "media", "profile", "email"],
      response_types_supported: ["code"],
      grant_types_supported: ["authorization_code"],
      code_challenge_methods_supported: ["S256"],
      authorization_response_iss_parameter_supported: true,
    });
  });
});

describe("§5-7 the whole flow", () => {
  it("authorization request with PKCE → consent → code → token → grantOf → introspection → revocation", async () => {
    const net = clientNet();
    const worker = workerFor(profile, { auth: { fetcher: net.fetcher } });
    const { verifier, challenge } = await pkce();

    // §5.2 the authorization request, answered by the consent page.
    const page = await authorizationRequest(worker, { scope: "create update" }, challenge);
    expect(page.status).toBe(200);
    expect(net.requests.map((r) => r.url)).toEqual([CLIENT_ID]);
    const policy = page.headers.get("Content-Security-Policy") ?? "";
    expect(policy).toContain("form-action 'self' https://app.example;");
    expect(policy).toContain("script-src 'none'");
    expect(page.headers.get("Cache-Control")).toBe("no-store");
    const html = await page.text();
    expect(html).toContain("<h1>Sign in to Quill</h1>");
    expect(html).toContain('<img class="client-logo" src="https://app.example/images/quill-logo.png"');
    expect(html).toContain("<li>publish new posts on your home</li>");
    expect(html).toContain("<li>edit your posts</li>");
    expect(html).not.toContain("<script>");
    expect(html).not.toContain(ADMIN);
    const form = formOf(html);
    expect(form.action).toBe("/auth");
    expect(form.method).toBe("post");
    expect(form.inputs).toContainEqual({ id: "secret", type: "password", name: "secret", autocomplete: "current-password", required: "" });
    expect(form.inputs).toContainEqual({ id: "username", type: "text", name: "username", autocomplete: "username", value: HOME, readonly: "" });
    expect(form.fields).toMatchObject({ client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, state: "state-1234", code_challenge: challenge, scope: "create update" });
    expect(form.fields.csrf).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);

    // Every other page keeps form-action 'none'.
    expect((await request(worker, "/")).headers.get("Content-Security-Policy")).toContain("form-action 'none'");

    // §5.2.1 the owner approves with the secret: a 303 to the redirect URI with code, state and iss.
    const approved = await submitConsent(worker, form.fields, ADMIN);
    expect(approved.status).toBe(303);
    const location = new URL(approved.headers.get("Location")!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get("state")).toBe("state-1234");
    expect(location.searchParams.get("iss")).toBe(HOME);
    const code = location.searchParams.get("code")!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // §6.3 the token exchange.
    const tokenResponse = await exchange(worker, code, verifier);
    expect(tokenResponse.status).toBe(200);
    expect(tokenResponse.headers.get("Cache-Control")).toBe("no-store");
    const token = (await tokenResponse.json()) as { access_token: string; token_type: string; scope: string; me: string; expires_in: number };
    expect(token).toMatchObject({ token_type: "Bearer", scope: "create update", me: HOME, expires_in: 30 * 24 * 3600 });
    expect(token.access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // What the token grants, as Micropub will ask it.
    const grant = await grantOf(env, { url: HOME }, token.access_token);
    expect(grant).toMatchObject({ clientId: CLIENT_ID, scope: ["create", "update"], me: HOME });

    // §6.4 / legacy verification.
    const verified = await request(worker, "/auth/token", { headers: { Authorization: `Bearer ${token.access_token}` } });
    expect(await verified.json()).toEqual({ me: HOME, client_id: CLIENT_ID, scope: "create update" });

    // §6.4 introspection (RFC 7662), the caller authenticated with the owner's secret.
    const introspect = () => request(worker, "/auth/introspect", { method: "POST", headers: { Authorization: `Bearer ${ADMIN}` }, body: new URLSearchParams({ token: token.access_token }) });
    const active = (await (await introspect()).json()) as Record<string, unknown>;
    expect(active).toMatchObject({ active: true, me: HOME, client_id: CLIENT_ID, scope: "create update" });
    expect(active.exp).toBe((active.iat as number) + 30 * 24 * 3600);

    // §7 revocation (RFC 7009), then nothing grants anything.
    const revoked = await request(worker, "/auth/revoke", { method: "POST", body: new URLSearchParams({ token: token.access_token }) });
    expect(revoked.status).toBe(200);
    expect(await grantOf(env, { url: HOME }, token.access_token)).toBeNull();
    expect(await (await introspect()).json()).toEqual({ active: false });
    expect((await request(worker, "/auth/token", { headers: { Authorization: `Bearer ${token.access_token}` } })).status).toBe(401);
  });

  it("§5.3.3 a code without scope gives no access token, only the profile URL", async () => {
    const worker = workerFor(profile, { auth: { fetcher: clientNet().fetcher } });
    const { verifier, challenge } = await pkce();
    const page = await authorizationRequest(worker, { scope: undefined }, challenge);
    const html = await page.text();
    expect(html).toContain("The application asks for nothing else than knowing that it is you.");
    const approved = await submitConsent(worker, formOf(html).fields, ADMIN);
    const code = new URL(approved.headers.get("Location")!).searchParams.get("code")!;
    const answer = await exchange(worker, code, verifier);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ me: HOME });
  });

  it("§5.3 the authorization endpoint redeems a code for { me } alone, even with scopes", async () => {
    const worker = workerFor(profile, { auth: { fetcher: clientNet().fetcher } });
    const { verifier, challenge } = await pkce();
    const page = await authorizationRequest(worker, { scope: "profile" }, challenge);
    const approved = await submitConsent(worker, formOf(await page.text()).fields, ADMIN);
    const code = new URL(approved.headers.get("Location")!).searchParams.get("code")!;
    const answer = await exchange(worker, code, verifier, {}, "/auth");
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ me: HOME, profile: { name: "Camille Exemple", url: HOME } });
  });

  it("§5.2 the owner may deny: a redirect with error=access_denied, state and iss, and no code", async () => {
    const worker = workerFor(profile, { auth: { fetcher: clientNet().fetcher } });
    const page = await authorizationRequest(worker, { scope: "create" }, (await pkce()).challenge);
    const denied = await submitConsent(worker, formOf(await page.text()).fields, "", "deny");
    expect(denied.status).toBe(303);
    const location = new URL(denied.headers.get("Location")!);
    expect(location.searchParams.get("error")).toBe("access_denied");
    expect(location.searchParams.get("state")).toBe("state-1234");
    expect(location.searchParams.get("iss")).toBe(HOME);
    expect(location.searchParams.has("code")).toBe(false);
  });
});

describe("the consent page in French", () => {
  it("is in the profile's language by default", async () => {
    const worker = workerFor(profile, { auth: { fetcher: clientNet().fetcher } });
    const html = await (await authorizationRequest(worker, { scope: "media" }, (await pkce()).challenge, {})).text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain("<h1>Connexion à Quill</h1>");
    expect(html).toContain("<li>envoyer des fichiers (images, son, vidéo)</li>");
    expect(html).toContain("Votre secret (ADMIN_TOKEN)");
  });
});
