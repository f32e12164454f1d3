/**
 * IndieAuth §5.2 the authorization request: client information (§4.2), redirect URL rules
 * (§3.3), errors shown as a page or redirected (RFC 6749 §4.1.2.1), CSRF, and the rate limit on
 * wrong secrets.
 */
import { describe, expect, it } from "vitest";
import { HOME, request, workerFor } from "../helpers.ts";
import { ADMIN, authorizationRequest, CLIENT_ID, clientNet, formOf, JSON_CLIENT_ID, pkce, profile, submitConsent } from "./flow.ts";

describe("§4.2 Client Information Discovery", () => {
  it("reads JSON client metadata: the name, the logo and a redirect URI on another host it lists", async () => {
    const worker = workerFor(profile, { auth: { fetcher: clientNet().fetcher } });
    const page = await authorizationRequest(worker, { client_id: JSON_CLIENT_ID, redirect_uri: "https://callback.notes-app.example/done", scope: "create" }, (await pkce()).challenge);
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Security-Policy")).toContain("form-action 'self' https://callback.notes-app.example;");
    const html = await page.text();
    expect(html).toContain("<h1>Sign in to Notes Mobile</h1>");
    expect(html).toContain('src="https://notes.example/logo.svg"');
  });

  it("accepts a redirect URI on another host that the h-app page lists with rel=redirect_uri", async () => {
    const worker = workerFor(profile, { auth: { fetcher: clientNet().fetcher } });
    const page = await authorizationRequest(worker, { redirect_uri: "https://login.app.example/indieauth/done" }, (await pkce()).challenge);
    expect(page.status).toBe(200);
  });

  it("shows the client by its URL when its page cannot be read", async () => {
    const worker = workerFor(profile, { auth: { fetcher: clientNet().fetcher } });
    const page = await authorizationRequest(worker, { client_id: "https://unknown.example/", redirect_uri: "https://unknown.example/cb" }, (await pkce()).challenge);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<h1>Sign in to https://unknown.example/</h1>");
  });
});

describe("§3.3 Redirect URL", () => {
  it("shows a page, never a redirect, for a redirect URI on another host the client does not list", async () => {
    const worker = workerFor(profile, { auth: { fetcher: clientNet().fetcher } });
    const page = await authorizationRequest(worker, { redirect_uri: "https://evil.example/steal" }, (await pkce()).challenge);
    expect(page.status).toBe(400);
    expect(page.headers.get("Location")).toBeNull();
    expect(page.headers.get("Content-Security-Policy")).toContain("form-action 'none'");
    const html = await page.text();
    expect(html).toContain("The return address https://evil.example/steal is not on the application&#39;s site (https://app.example/)");
    expect(html).not.toContain("<form");
  });

  it("shows a page for a client_id that is not a client identifier URL (§3.2)", async () => {
    const worker = workerFor(profile, { auth: { fetcher: clientNet().fetcher } });
    for (const clientId of ["http://app.example/", "https://app.example/#x", "https://user:pw@app.example/", "https://10.0.0.1/", "https://app.example/a/../b", "app.example"]) {
      const page = await authorizationRequest(worker, { client_id: clientId }, (await pkce()).challenge);
      expect(page.status, clientId).toBe(400);
      expect(await page.text()).toContain("is not a valid IndieAuth client identifier");
    }
  });
});

describe("§5.2 Authorization Request errors redirected to the client", () => {
  it("refuses a request without PKCE, or with plain: error=invalid_request with state and iss", async () => {
    const worker = workerFor(profile, { auth: { fetcher: clientNet().fetcher } });
    for (const params of [{ code_challenge: undefined }, { code_challenge_method: "plain" }, { code_challenge_method: undefined }]) {
      const answer = await authorizationRequest(worker, params, (await pkce()).challenge);
      expect(answer.status).toBe(303);
      const location = new URL(answer.headers.get("Location")!);
      expect(`${location.origin}${location.pathname}`).toBe("https://app.example/callback");
      expect(location.searchParams.get("error")).toBe("invalid_request");
      expect(location.searchParams.get("state")).toBe("state-1234");
      expect(location.searchParams.get("iss")).toBe(HOME);
    }
  });

  it("refuses a response_type other than code: error=unsupported_response_type", async () => {
    const worker = workerFor(profile, { auth: { fetcher: clientNet().fetcher } });
    const answer = await authorizationRequest(worker, { response_type: "token" }, (await pkce()).challenge);
    expect(new URL(answer.headers.get("Location")!).searchParams.get("error")).toBe("unsupported_response_type");
  });
});

describe("§5.2.1 the consent form", () => {
  it("refuses an edited form (another scope): the CSRF token is an HMAC of the request shown", async () => {
    const worker = workerFor(profile, { auth: { fetcher: clientNet().fetcher } });
    const page = await authorizationRequest(worker, { scope: "create" }, (await pkce()).challenge);
    const { fields } = formOf(await page.text());
    const edited = await submitConsent(worker, { ...fields, scope: "create delete" }, ADMIN);
    expect(edited.status).toBe(400);
    expect(edited.headers.get("Location")).toBeNull();
    expect(await edited.text()).toContain("This sign-in form is too old or was altered.");
    const forged = await submitConsent(worker, { ...fields, csrf: `${Math.floor(Date.now() / 1000)}.${"A".repeat(43)}` }, ADMIN);
    expect(forged.status).toBe(400);
    expect((await submitConsent(worker, fields, ADMIN)).status).toBe(303);
  });

  it("shows the form again, with a message, after a wrong secret", async () => {
    const worker = workerFor(profile, { auth: { fetcher: clientNet().fetcher } });
    const page = await authorizationRequest(worker, { scope: "create" }, (await pkce()).challenge);
    const wrong = await submitConsent(worker, formOf(await page.text()).fields, "not-the-secret");
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("Content-Security-Policy")).toContain("form-action 'self' https://app.example;");
    const html = await wrong.text();
    expect(html).toContain("Wrong secret. Check it and try again.");
    expect(html).not.toContain("not-the-secret");
    expect(formOf(html).fields.client_id).toBe(CLIENT_ID);
  });

  it("answers 429 after 5 wrong secrets in 15 minutes, even to the right one, and lets the owner in after", async () => {
    let clock = Date.parse("2026-03-01T10:00:00Z");
    const worker = workerFor(profile, { auth: { fetcher: clientNet().fetcher, now: () => clock } });
    const fields = async () => formOf(await (await authorizationRequest(worker, { scope: "create" }, (await pkce()).challenge)).text()).fields;
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect((await submitConsent(worker, await fields(), `guess-${attempt}`)).status, `attempt ${attempt}`).toBe(401);
    }
    const limited = await submitConsent(worker, await fields(), ADMIN);
    expect(limited.status).toBe(429);
    expect(await limited.text()).toContain("Too many wrong secrets in a row: signing in is paused for 15 minutes.");
    const french = await request(worker, "/auth", { method: "POST", headers: { "Accept-Language": "fr" }, body: new URLSearchParams({ ...(await fields()), secret: ADMIN, decision: "approve" }) });
    expect(french.status).toBe(429);
    expect(await french.text()).toContain("Trop de secrets incorrects d&#39;affilée");
    clock += 15 * 60_000;
    expect((await submitConsent(worker, await fields(), ADMIN)).status).toBe(303);
  });
});
