/**
 * Signing in at /new: the secret through the store's rate limit, the session cookie (HttpOnly,
 * Secure, SameSite=Strict, Path=/, 30 days, its value kept only as a hash), the sign-in form's own
 * token, signing out (the session revoked), and the pages' headers.
 */
import { describe, expect, it } from "vitest";
import { homeStore } from "../../src/auth/grants.ts";
import { sessionClientId, SESSION_TTL_SECONDS } from "../../src/auth/session.ts";
import { HOME, env, request } from "../helpers.ts";
import { fieldValue, home, post, postSignIn, SECRET, sessionCookie, signIn } from "./session.ts";

describe("GET /new without a session", () => {
  it("shows the sign-in form: the home URL as a read-only username and the secret as a password", async () => {
    const response = await request(home(), "/new");
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('<input id="username" type="text" name="username" autocomplete="username" value="https://camille.example/" readonly=""');
    expect(page).toContain('<input id="secret" type="password" name="secret" autocomplete="current-password" required=""');
    expect(page).toContain('action="/new/session"');
    expect(page).not.toContain('name="content"');
    expect(page).toContain("Se connecter pour écrire");
  });

  it("is in English for an English reader", async () => {
    const page = await (await request(home(), "/new", { headers: { "Accept-Language": "en" } })).text();
    expect(page).toContain("Sign in to write");
  });

  it("is no-store, and its CSP lets its forms be sent to this origin only", async () => {
    const response = await request(home(), "/new");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const csp = response.headers.get("Content-Security-Policy")!;
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain("form-action 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    // Every other page keeps form-action 'none'.
    expect((await request(home(), "/")).headers.get("Content-Security-Policy")).toContain("form-action 'none'");
  });

  it("is linked from no public page", async () => {
    const page = await (await request(home(), "/")).text();
    expect(page).not.toContain('href="/new');
  });
});

describe("POST /new/session", () => {
  it("refuses a wrong secret with 401, the form again and no cookie", async () => {
    const response = await postSignIn(home(), "not-the-secret");
    expect(response.status).toBe(401);
    expect(response.headers.get("Set-Cookie")).toBeNull();
    expect(await response.text()).toContain("Secret incorrect");
  });

  it("signs in with the secret: a 303 to /new and a session cookie with every attribute", async () => {
    const response = await postSignIn(home(), SECRET);
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/new");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const header = response.headers.get("Set-Cookie")!;
    const attributes = header.split(";").map((part) => part.trim());
    expect(attributes[0]).toMatch(/^__Host-m2-session=[A-Za-z0-9_-]{43}$/);
    expect(attributes).toEqual(expect.arrayContaining(["HttpOnly", "Secure", "SameSite=Strict", "Path=/", `Max-Age=${SESSION_TTL_SECONDS}`]));
    expect(SESSION_TTL_SECONDS).toBe(30 * 24 * 3600);
    expect(header).not.toContain("Domain");
    expect(header).not.toContain(SECRET);
  });

  it("keeps the session as a token of the compose client, by its hash only", async () => {
    const worker = home();
    const { token, cookie } = await signIn(worker);
    const grant = await homeStore(env, HOME).checkToken(token);
    expect(grant).toMatchObject({ clientId: sessionClientId(HOME), me: HOME });
    expect(grant!.scope.sort()).toEqual(["create", "delete", "media", "undelete", "update"]);
    expect(sessionClientId(HOME)).toBe("https://camille.example/new");
    // The compose page, signed in: the form, never the token itself.
    const page = await (await request(worker, "/new", { headers: { Cookie: cookie } })).text();
    expect(page).toContain('name="content"');
    expect(page).not.toContain(token);
  });

  it("answers 429 after five wrong secrets, the right one included, in French and English", async () => {
    const worker = home();
    for (let attempt = 0; attempt < 5; attempt++) expect((await postSignIn(worker, `wrong-${attempt}`)).status).toBe(401);
    const limited = await postSignIn(worker, SECRET);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("Set-Cookie")).toBeNull();
    expect(await limited.text()).toContain("Trop de secrets incorrects");
    const page = await (await request(worker, "/new")).text();
    const english = await request(worker, "/new/session", { method: "POST", headers: { "Accept-Language": "en" }, body: new URLSearchParams({ csrf: fieldValue(page, "csrf")!, secret: SECRET }) });
    expect(english.status).toBe(429);
    expect(await english.text()).toContain("Too many wrong secrets");
  });

  it("refuses a sign-in without the form's token, or with a forged one, before the secret is checked", async () => {
    const worker = home();
    for (const csrf of [undefined, "1.forged", `${Math.floor(Date.now() / 1000)}.AAAA`]) {
      const response = await request(worker, "/new/session", { method: "POST", body: new URLSearchParams({ ...(csrf ? { csrf } : {}), secret: SECRET }) });
      expect(response.status).toBe(403);
      expect(response.headers.get("Set-Cookie")).toBeNull();
    }
  });

  it("takes no other token of the store as a session (an IndieAuth client's)", async () => {
    const worker = home();
    const { token } = await homeStore(env, HOME).issueToken({ clientId: "https://app.example/", scope: ["create"], me: HOME, ttlSeconds: 3600 });
    const page = await (await request(worker, "/new", { headers: { Cookie: `__Host-m2-session=${token}` } })).text();
    expect(page).toContain('name="secret"');
    expect(page).not.toContain('name="content"');
  });
});

describe("POST /new/session/end", () => {
  it("revokes the session and clears the cookie", async () => {
    const worker = home();
    const signed = await signIn(worker);
    const response = await post(worker, "/new/session/end", signed, new URLSearchParams({ csrf: signed.csrf }));
    expect(response.status).toBe(303);
    expect(response.headers.get("Set-Cookie")).toMatch(/^__Host-m2-session=; Max-Age=0/);
    expect(await homeStore(env, HOME).checkToken(signed.token)).toBeNull();
    const page = await (await request(worker, "/new", { headers: { Cookie: signed.cookie } })).text();
    expect(page).toContain('name="secret"');
  });

  it("needs the session's CSRF token: without it the session stays", async () => {
    const worker = home();
    const signed = await signIn(worker);
    expect((await post(worker, "/new/session/end", signed, new URLSearchParams({}))).status).toBe(403);
    expect(await homeStore(env, HOME).checkToken(signed.token)).not.toBeNull();
    expect(sessionCookie(await postSignIn(worker, SECRET))).toBeTruthy();
  });
});
