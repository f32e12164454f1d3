/**
 * Owner-only actions and bad requests: admin auth, query validation, unknown paths, HEAD, 405,
 * security headers on every HTML answer, and a broken profile.json refused with every problem.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { validateProfile } from "../../src/config/index.ts";
import { sameSecret as tokenMatches } from "../../src/auth/grants.ts";
import { HOME, env, profileWith, request, runCron, threeAccountHome, workerFor, type Worker } from "../helpers.ts";
import { auditHtml } from "./html-audit.ts";

/** Sends a request with the given bindings (to run without ADMIN_TOKEN, or with another one). */
async function requestWith(worker: Worker, bindings: Partial<Env> & { ADMIN_TOKEN?: string | undefined }, path: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(new URL(path, HOME), init), { ...env, ...bindings } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

const refreshWith = (worker: Worker, bindings: { ADMIN_TOKEN?: string | undefined }, authorization?: string) =>
  requestWith(worker, bindings, "/admin/refresh", { method: "POST", headers: authorization ? { Authorization: authorization } : {} });

describe("admin routes", () => {
  it("are disabled with an explanation when ADMIN_TOKEN is not set", async () => {
    const { net, profile } = threeAccountHome();
    const worker = workerFor(profile, { refresh: { fetcher: net.fetcher } });
    for (const authorization of [undefined, "Bearer ", "Bearer anything"]) {
      const response = await refreshWith(worker, { ADMIN_TOKEN: undefined }, authorization);
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: string }).error).toMatch(/disabled: set the ADMIN_TOKEN secret/);
    }
    expect(net.requests).toHaveLength(0);
  });

  it("answer 401 to a missing, malformed or wrong token, the same way whatever the secret's length", async () => {
    const { net, profile } = threeAccountHome();
    const worker = workerFor(profile, { refresh: { fetcher: net.fetcher } });
    const answers = new Set<string>();
    for (const secret of ["Zq7", "a-much-longer-secret-of-forty-characters!"]) {
      for (const authorization of [undefined, "Basic dXNlcjpwYXNz", "Bearer", `Bearer ${secret.slice(0, -1)}`, `Bearer ${secret}x`, `bearer  ${secret.toUpperCase()}`]) {
        const response = await refreshWith(worker, { ADMIN_TOKEN: secret }, authorization);
        expect(response.status, authorization).toBe(401);
        expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm=/);
        const body = await response.text();
        expect(body).not.toContain(secret);
        answers.add(`${body}|${response.headers.get("Content-Length")}|${response.headers.get("WWW-Authenticate")}`);
      }
    }
    // One answer for every wrong token and every secret: nothing tells the secret or its length.
    expect(answers.size).toBe(1);
    expect(net.requests).toHaveLength(0);
    const right = await refreshWith(worker, { ADMIN_TOKEN: "Zq7" }, "Bearer Zq7");
    expect(right.status).toBe(200);
  });

  it("accept a base64 secret (RFC 6750 token characters, + / and trailing =)", async () => {
    const { net, profile } = threeAccountHome();
    const worker = workerFor(profile, { refresh: { fetcher: net.fetcher } });
    const secret = "q+Zr/8kT0aB3xY9mN2pL4vW6sD1fG5hJ7cE0uI8oR2A=";
    expect((await refreshWith(worker, { ADMIN_TOKEN: secret }, `Bearer ${secret}`)).status).toBe(200);
    expect((await refreshWith(worker, { ADMIN_TOKEN: secret }, `Bearer ${secret.replace("+", "-")}`)).status).toBe(401);
  });

  it("compare tokens by their hashes", async () => {
    expect(await tokenMatches("secret", "secret")).toBe(true);
    expect(await tokenMatches("secreT", "secret")).toBe(false);
    expect(await tokenMatches("", "secret")).toBe(false);
    expect(await tokenMatches("secret-but-longer", "secret")).toBe(false);
  });

  it("never show the secret in pages, feeds, status or logs", async () => {
    const secret = "sekrit-token-7f3a9c";
    const { net, profile } = threeAccountHome();
    const worker = workerFor(profile, { refresh: { fetcher: net.fetcher } });
    const logged: string[] = [];
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" "))),
    );
    try {
      await refreshWith(worker, { ADMIN_TOKEN: secret }, "Bearer wrong");
      await refreshWith(worker, { ADMIN_TOKEN: secret }, `Bearer ${secret}`);
      const ctx = createExecutionContext();
      await worker.scheduled({ cron: "*/30 * * * *", scheduledTime: Date.now(), noRetry() {} } as ScheduledController, { ...env, ADMIN_TOKEN: secret } as Env, ctx);
      await waitOnExecutionContext(ctx);
      for (const path of ["/", "/feed.xml", "/atom.xml", "/feed.json", "/status.json", "/nope", "/?limit=0"]) {
        const response = await requestWith(worker, { ADMIN_TOKEN: secret }, path);
        expect(await response.text(), path).not.toContain(secret);
        expect([...response.headers].join(" "), path).not.toContain(secret);
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(logged.length).toBeGreaterThan(0); // the refreshes did log
    expect(logged.join("\n")).not.toContain(secret);
  });
});

describe("query parameters", () => {
  it.each(["/", "/feed.xml", "/atom.xml", "/feed.json"])("%s accepts ?limit= within range and answers 400 naming it otherwise", async (path) => {
    const { net, profile } = threeAccountHome();
    const worker = workerFor(profile, { refresh: { fetcher: net.fetcher } });
    await runCron(worker);
    for (const bad of ["0", "-1", "abc", "1.5", "1e3", "", "99999999999", "501"]) {
      const response = await request(worker, `${path}?limit=${encodeURIComponent(bad)}`);
      expect(response.status, bad).toBe(400);
      expect(((await response.json()) as { error: string }).error, bad).toMatch(/^limit: expected a whole number from 1 to (20|50), got /);
    }
    const twice = await request(worker, `${path}?limit=1&limit=2`);
    expect(twice.status).toBe(400);
    const one = await request(worker, `${path}?limit=2`);
    expect(one.status).toBe(200);
    const body = await one.text();
    const count = path === "/" ? (body.match(/<article\b/g) ?? []).length : path === "/feed.json" ? JSON.parse(body).items.length : (body.match(/<(item|entry)[ >]/g) ?? []).length;
    expect(count).toBe(2);
    // Parameters we do not know are ignored (trackers and caches add their own).
    expect((await request(worker, `${path}?utm_source=x`)).status).toBe(200);
  });
});

describe("methods and unknown paths", () => {
  const GET_ROUTES = ["/", "/feed.xml", "/atom.xml", "/feed.json", "/status.json"];

  it("answers HEAD on every GET route, with the GET headers and no body", async () => {
    const { net, profile } = threeAccountHome();
    const worker = workerFor(profile, { refresh: { fetcher: net.fetcher } });
    await runCron(worker);
    // Every GET route the app registers (identity routes included), not only the ones listed here.
    const registered = worker.app.routes.filter((route) => route.method === "GET" && !route.path.includes("*") && !route.path.includes(":")).map((route) => route.path);
    expect(registered).toEqual(expect.arrayContaining(GET_ROUTES));
    for (const path of registered) {
      const get = await request(worker, path);
      const head = await request(worker, path, { method: "HEAD" });
      expect(head.status, path).toBe(get.status);
      if (GET_ROUTES.includes(path)) expect(head.status, path).toBe(200);
      expect(head.headers.get("Content-Type"), path).toBe(get.headers.get("Content-Type"));
      expect(head.headers.get("ETag"), path).toBe(get.headers.get("ETag"));
      expect(await head.text(), path).toBe("");
    }
  });

  it("answers 405 with Allow to other methods on known paths", async () => {
    const worker = workerFor(threeAccountHome().profile);
    for (const path of GET_ROUTES) {
      for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
        const response = await request(worker, path, { method });
        expect(response.status, `${method} ${path}`).toBe(405);
        expect(response.headers.get("Allow"), path).toBe("GET, HEAD");
      }
    }
    const options = await request(worker, "/feed.xml", { method: "OPTIONS" });
    expect(options.status).toBe(204);
    expect(options.headers.get("Allow")).toBe("GET, HEAD");
    const get = await request(worker, "/admin/refresh", { headers: { Authorization: "Bearer test-admin-token" } });
    expect(get.status).toBe(405);
    expect(get.headers.get("Allow")).toBe("POST");
  });

  it("answers unknown paths with a small 404 page, whatever the method", async () => {
    const worker = workerFor(threeAccountHome().profile);
    for (const method of ["GET", "POST"]) {
      const response = await request(worker, "/wp-login.php", { method });
      expect(response.status).toBe(404);
      expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
      const html = await response.text();
      expect(html.length).toBeLessThan(4000);
      expect(html).toContain('href="/"');
    }
  });
});

/** Headers m2 leaves out (see src/app.tsx): superseded by the CSP, or for browsers long gone. */
const OBSOLETE_HEADERS = ["X-Frame-Options", "X-XSS-Protection", "X-Download-Options", "X-Permitted-Cross-Domain-Policies", "X-DNS-Prefetch-Control", "Origin-Agent-Cluster", "Referrer-Policy", "Content-Language", "Cross-Origin-Resource-Policy"];

describe("security headers", () => {
  it("every HTML answer carries a CSP without inline script, nosniff, a referrer policy and frame-ancestors", async () => {
    const { net, profile } = threeAccountHome();
    const worker = workerFor(profile, { refresh: { fetcher: net.fetcher } });
    await runCron(worker);
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const broken = workerFor({ name: "" });
    errors.mockRestore();
    // "/" twice: the second answer is replayed from the response cache, headers and all.
    const answers = [await request(worker, "/"), await request(worker, "/"), await request(worker, "/nope"), await request(broken, "/")];
    for (const response of answers) {
      expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
      const csp = response.headers.get("Content-Security-Policy") ?? "";
      expect(csp).toMatch(/script-src 'none'/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).toMatch(/default-src 'none'/);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(response.headers.get("Strict-Transport-Security")).toMatch(/^max-age=\d+/);
      expect(response.headers.get("Cross-Origin-Opener-Policy")).toBe("same-origin");
      // Obsolete or superseded headers are not sent: every answer pays for its headers.
      for (const name of OBSOLETE_HEADERS) expect(response.headers.has(name), name).toBe(false);
      const html = await response.text();
      // The referrer policy is stated in the page (browsers' default today, for older ones).
      expect(html).toContain('<meta name="referrer" content="strict-origin-when-cross-origin"/>');
      expect(auditHtml(html, { document: true, allowedHeadTags: ["meta", "link", "script"] })).toEqual([]);
    }
    for (const path of ["/feed.xml", "/feed.json", "/status.json"]) {
      const response = await request(worker, path);
      expect(response.headers.get("X-Content-Type-Options"), path).toBe("nosniff");
      expect(response.headers.get("Content-Security-Policy"), path).toMatch(/script-src 'none'/);
      expect(response.headers.get("Strict-Transport-Security"), path).toMatch(/^max-age=\d+/);
      // Cross-Origin-Opener-Policy acts on documents a browser opens: pages, not feeds.
      expect(response.headers.has("Cross-Origin-Opener-Policy"), path).toBe(false);
      for (const name of OBSOLETE_HEADERS) expect(response.headers.has(name), `${path} ${name}`).toBe(false);
    }
  });
});

describe("a broken profile.json", () => {
  const base = profileWith([{ url: "https://mastodon.social/@camille" }]);
  const MISTAKES: [string, unknown, RegExp][] = [
    ["missing name", { ...base, name: undefined }, /^name: required field is missing$/],
    ["empty name", { ...base, name: "  " }, /^name: expected your name, got an empty string$/],
    ["http URL for home", { ...base, url: "http://camille.example/" }, /^url: expected an https URL, got "http:\/\/camille.example\/"$/],
    ["photo not a URL", { ...base, photo: "avatar.jpg" }, /^photo: expected an https URL/],
    ["duplicate accounts", { ...base, accounts: [{ url: "https://github.com/camille" }, { url: "https://github.com/camille/" }] }, /^accounts\[1\]\.url: duplicate account: same URL as accounts\[0\]/],
    ["duplicate ids", { ...base, accounts: [{ url: "https://a.example/", id: "me" }, { url: "https://b.example/", id: "me" }] }, /^accounts\[1\]\.id: duplicate id/],
    ["unknown lang", { ...base, lang: "xx" }, /^lang: expected one of the page languages/],
    ["bad feed URL", { ...base, accounts: [{ url: "https://a.example/", feed: "javascript:alert(1)" }] }, /^accounts\[0\]\.feed: expected an http\(s\) URL, got "javascript:alert\(1\)"$/],
    ["account URL without scheme", { ...base, accounts: [{ url: "mastodon.social/@camille" }] }, /^accounts\[0\]\.url: expected an https or mailto: URL/],
    ["unknown field", { ...base, nmae: "typo" }, /^nmae: unknown field/],
    ["unknown account field", { ...base, accounts: [{ url: "https://a.example/", lable: "x" }] }, /^accounts\[0\]\.lable: unknown field/],
    ["too many accounts", { ...base, accounts: Array.from({ length: 501 }, (_, index) => ({ url: `https://a${index}.example/` })) }, /^accounts: expected at most 500 accounts$/],
    ["accounts not a list", { ...base, accounts: "https://a.example/" }, /^accounts: expected a list of accounts$/],
    ["wrong type", { ...base, name: 42 }, /^name: expected your name as text$/],
    ["bad settings value", { ...base, settings: { refreshMinutes: 0 } }, /^settings\.refreshMinutes: expected at least 1$/],
    ["settings value of the wrong type", { ...base, settings: { pageItems: "20" } }, /^settings\.pageItems: expected number, got "20"$/],
    ["fractional setting", { ...base, settings: { feedItems: 2.5 } }, /^settings\.feedItems: expected a whole number$/],
    ["bad id", { ...base, accounts: [{ url: "https://a.example/", id: "Mon Blog" }] }, /^accounts\[0\]\.id: expected lowercase letters, digits and dashes/],
    ["not an object", [], /^name: required field is missing$/],
    // A Latin-1 percent-escape: a valid URL whose escapes are not UTF-8 (decodeURIComponent throws on it).
    ["Latin-1 escape in a mailto: account", { ...base, accounts: [{ url: "mailto:l%E9a@example.org" }] }, /^accounts\[0\]\.url: expected percent-escapes of UTF-8 text \(%C3%A9 for é\), got "mailto:l%E9a@example.org"$/],
    ["Latin-1 escape in a Matrix account", { ...base, accounts: [{ url: "https://matrix.to/#/@l%E9a:example.org" }] }, /^accounts\[0\]\.url: expected percent-escapes of UTF-8 text/],
  ];

  it.each(MISTAKES)("%s is refused with its path", (_, input, problem) => {
    const result = validateProfile(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
  });

  it("lists every problem at once, not only the first", () => {
    // (Duplicate URLs are checked once the rest of the shape is right: they are not in this list.)
    const result = validateProfile({
      nmae: "x",
      url: "http://camille.example/",
      lang: "xx",
      accounts: [{ url: "https://a.example/", feed: "ftp://a.example/feed", id: "Bad" }, { url: "https://b.example" }],
      settings: { refreshMinutes: 0 },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => problem.split(":")[0])).toEqual(
      expect.arrayContaining(["name", "url", "lang", "accounts[0].feed", "accounts[0].id", "settings.refreshMinutes", "nmae"]),
    );
  });

  it("through the Worker: every route shows the error page listing each problem by path", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const worker = workerFor({ ...base, url: "http://camille.example/", lang: "xx", accounts: [{ url: "https://a.example/", feed: "javascript:alert(1)" }] });
    errors.mockRestore();
    for (const path of ["/", "/feed.xml", "/status.json"]) {
      const response = await request(worker, path);
      expect(response.status).toBe(500);
      const html = await response.text();
      expect(html).toContain("url: expected an https URL, got &quot;http://camille.example/&quot;");
      expect(html).toMatch(/lang: expected one of the page languages/);
      expect(html).toContain("accounts[0].feed: expected an http(s) URL, got &quot;javascript:alert(1)&quot;");
      expect(auditHtml(html, { document: true, allowedHeadTags: ["meta", "link", "script"] })).toEqual([]);
    }
  });

  it("through the Worker: an account URL that used to crash the module load is named on every route, and the cron skips", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const worker = workerFor({ ...base, accounts: [{ url: "https://github.com/camille" }, { url: "mailto:l%E9a@example.org" }] });
    await runCron(worker);
    expect(errors.mock.calls.flat().join("\n")).toMatch(/cron skipped: profile.json is invalid/);
    errors.mockRestore();
    for (const path of ["/", "/feed.json", "/card.vcf", "/.well-known/webfinger?resource=acct:camille@camille.example"]) {
      const response = await request(worker, path);
      expect(response.status, path).toBe(500);
      expect(await response.text(), path).toContain("accounts[1].url: expected percent-escapes of UTF-8 text");
    }
  });

  it("whatever throws while the site is built becomes the config-error page, never a Worker that fails to start", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    // A getter that throws stands for any unforeseen failure in validation or source resolution.
    const hostile = { ...base };
    Object.defineProperty(hostile, "note", { enumerable: true, get: () => { throw new URIError("URI malformed"); } });
    const worker = workerFor(hostile);
    errors.mockRestore();
    const response = await request(worker, "/");
    expect(response.status).toBe(500);
    expect(await response.text()).toContain("profile.json could not be read: URI malformed");
  });
});
