/**
 * Community mode: many homes on one Worker. Two members on two hostnames see nothing of each
 * other (page, feeds, status, WebFinger, tokens, posts, exports); an invitation makes one home,
 * once, even when two people submit it at once; an unknown hostname is a 404, never a home; the
 * community's ADMIN_TOKEN opens nothing on a member's host; the planet carries only the members
 * who opted in; the cron takes the homes in turn within the invocation's subrequests.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { mf2 } from "microformats-parser";
import { placeOf, createCommunityWorker, HOMES_PER_RUN } from "../../src/community/worker.tsx";
import { validateCommunity, handleProblem } from "../../src/community/config.ts";
import { env, FEED_TYPES, feedResponse, fakeNet, FIXTURES } from "../helpers.ts";

const COMMUNITY = { name: "Les Voisins", url: "https://voisins.example/", domain: "voisins.example", lang: "fr", note: "Un quartier sur le web." };
const ADMIN = "test-admin-token";

function setup() {
  const net = fakeNet({
    "https://mastodon.social/@alice.rss": feedResponse(FIXTURES.mastodon, FEED_TYPES.rss),
    "https://github.com/bob.atom": feedResponse(FIXTURES.github, FEED_TYPES.atom),
  });
  const worker = createCommunityWorker(COMMUNITY, { refresh: { fetcher: net.fetcher }, conversations: { fetcher: net.fetcher } });
  async function call(url: string, init: RequestInit = {}): Promise<Response> {
    const ctx = createExecutionContext();
    const response = await worker.fetch(new Request(url, init), env, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  }
  async function invite(): Promise<string> {
    const response = await call("https://voisins.example/admin/invites", { method: "POST", headers: { Authorization: `Bearer ${ADMIN}` } });
    expect(response.status).toBe(201);
    return ((await response.json()) as { url: string }).url;
  }
  async function join(inviteUrl: string, fields: Record<string, string>): Promise<Response> {
    return call(inviteUrl, { method: "POST", body: new URLSearchParams(fields) });
  }
  /** A member made through an invitation: their home's secret. */
  async function member(handle: string, fields: Record<string, string> = {}): Promise<string> {
    const response = await join(await invite(), { name: `${handle[0]!.toUpperCase()}${handle.slice(1)}`, handle, lang: "fr", accounts: "", ...fields });
    expect(response.status).toBe(201);
    const secret = (await response.text()).match(/name="secret"[^>]*value="([^"]+)"/)?.[1];
    expect(secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    return secret!;
  }
  return { net, worker, call, invite, join, member };
}

describe("community.json", () => {
  it("is validated with every problem by path", () => {
    const result = validateCommunity({ name: "", url: "http://x.example/", domain: "https://voisins.example", lang: "de" });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems.some((problem) => problem.startsWith("name: "))).toBe(true);
    expect(problems).toContain('url: expected an https URL, got "http://x.example/"');
    expect(problems.some((problem) => problem.startsWith('domain: expected a host name such as "communaute.example"'))).toBe(true);
    expect(problems.some((problem) => problem.startsWith("lang: "))).toBe(true);
  });

  it("reserves the service names and refuses handles that are not one DNS label", () => {
    for (const handle of ["www", "admin", "api", "mail"]) expect(handleProblem(handle)).toBe("reserved");
    for (const handle of ["a", "-x", "x-", "Camille", "ca.mille", "c_m", "x".repeat(31)]) expect(handleProblem(handle)).toBe("format");
    expect(handleProblem("camille-2")).toBeNull();
  });

  it("chooses the place by hostname", () => {
    const community = validateCommunity(COMMUNITY);
    if (!community.ok) throw new Error("invalid");
    expect(placeOf("voisins.example", community.community)).toEqual({ kind: "community" });
    expect(placeOf("alice.voisins.example", community.community)).toEqual({ kind: "member", handle: "alice" });
    expect(placeOf("ALICE.voisins.example.", community.community)).toEqual({ kind: "member", handle: "alice" });
    expect(placeOf("a.b.voisins.example", community.community)).toEqual({ kind: "custom", host: "a.b.voisins.example" });
    expect(placeOf("alice.localhost", community.community)).toEqual({ kind: "member", handle: "alice" });
    expect(placeOf("alice.example", community.community)).toEqual({ kind: "custom", host: "alice.example" });
  });
});

describe("invitations", () => {
  it("POST /admin/invites needs the community admin's token and answers a single-use URL", async () => {
    const { call, invite } = setup();
    expect((await call("https://voisins.example/admin/invites", { method: "POST" })).status).toBe(401);
    expect((await call("https://voisins.example/admin/invites", { method: "POST", headers: { Authorization: "Bearer wrong" } })).status).toBe(401);
    const url = await invite();
    expect(url).toMatch(/^https:\/\/voisins\.example\/join\/[A-Za-z0-9_-]{40,}$/);
    const form = await call(url);
    expect(form.status).toBe(200);
    const html = await form.text();
    for (const field of ["name", "handle", "note", "lang", "accounts"]) expect(html).toContain(`name="${field}"`);
    expect(html).not.toContain("<script");
    expect(form.headers.get("Content-Security-Policy")).toContain("form-action 'self'");
  });

  it("makes the home at once: the person lands on a page with their secret and what to do next", async () => {
    const { call, invite, join } = setup();
    const response = await join(await invite(), { name: "Alice Martin", handle: "alice", note: "Jardinière.", lang: "fr", accounts: "https://mastodon.social/@alice\n", community: "on" });
    expect(response.status).toBe(201);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const html = await response.text();
    expect(html).toContain("https://alice.voisins.example/");
    expect(html).toContain('autocomplete="new-password"');
    expect(html).toContain('action="https://alice.voisins.example/new/session"');
    expect(html).toContain("https://mastodon.social/@alice");
    const home = await call("https://alice.voisins.example/");
    expect(home.status).toBe(200);
    const card = mf2(await home.text(), { baseUrl: "https://alice.voisins.example/" }).items.find((item) => item.type?.includes("h-card"));
    expect(card?.properties.name).toEqual(["Alice Martin"]);
    expect(card?.properties.url).toContain("https://alice.voisins.example/");
  });

  it("keeps what was typed and puts the schema's message next to the field", async () => {
    const { invite, join } = setup();
    const url = await invite();
    const response = await join(url, { name: "Alice", handle: "alice", note: "Bonjour", lang: "fr", accounts: "https://github.com/alice\nmastodon.social/@alice" });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("Ligne 2 : ");
    expect(html).toContain("expected an https or mailto: URL");
    expect(html).toMatch(/id="join-accounts"[^>]*aria-invalid="true"/);
    expect(html).toContain("mastodon.social/@alice</textarea>");
    expect(html).toContain('value="Alice"');
    // Nothing was used up: the same invitation still works.
    expect((await join(url, { name: "Alice", handle: "alice", lang: "fr", accounts: "https://github.com/alice" })).status).toBe(201);
  });

  it("refuses a reserved or taken handle next to the handle field", async () => {
    const { invite, join, member } = setup();
    const reserved = await join(await invite(), { name: "W", handle: "www", lang: "fr", accounts: "" });
    expect(reserved.status).toBe(400);
    expect(await reserved.text()).toMatch(/id="join-handle"[^>]*aria-invalid="true"/);
    await member("alice");
    const taken = await join(await invite(), { name: "Other", handle: "alice", lang: "fr", accounts: "" });
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain("déjà cette adresse");
  });

  it("is single-use for real: two people submitting one invitation at once get one home", async () => {
    const { invite, join, call } = setup();
    const url = await invite();
    const [first, second] = await Promise.all([
      join(url, { name: "Alice", handle: "alice", lang: "fr", accounts: "" }),
      join(url, { name: "Bob", handle: "bob", lang: "fr", accounts: "" }),
    ]);
    expect([first.status, second.status].sort()).toEqual([201, 410]);
    const homes = await Promise.all([call("https://alice.voisins.example/"), call("https://bob.voisins.example/")]);
    expect(homes.map((home) => home.status).sort()).toEqual([200, 404]);
    expect((await call(url)).status).toBe(410);
  });
});

describe("hostnames", () => {
  it("answers an unknown hostname with a 404 page, never another member's home", async () => {
    const { call, member } = setup();
    await member("alice");
    for (const host of ["https://nobody.voisins.example/", "https://elsewhere.example/", "https://www.voisins.example/"]) {
      const response = await call(host);
      expect(response.status).toBe(404);
      const html = await response.text();
      expect(html).toContain("Aucune maison");
      expect(html).not.toContain("Alice");
    }
  });

  it("serves a member's own domain once the admin points it at their home", async () => {
    const { call, member } = setup();
    await member("alice");
    expect((await call("https://alice-martin.example/")).status).toBe(404);
    const refused = await call("https://voisins.example/admin/hosts", { method: "POST", body: JSON.stringify({ handle: "alice", host: "alice-martin.example" }) });
    expect(refused.status).toBe(401);
    const added = await call("https://voisins.example/admin/hosts", { method: "POST", headers: { Authorization: `Bearer ${ADMIN}` }, body: JSON.stringify({ handle: "alice", host: "alice-martin.example" }) });
    expect(added.status).toBe(201);
    const home = await call("https://alice-martin.example/");
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Alice");
  });

  it("gives the community's ADMIN_TOKEN nothing on a member's host", async () => {
    const { call, member } = setup();
    const secret = await member("alice");
    const asAdmin = await call("https://alice.voisins.example/admin/export", { headers: { Authorization: `Bearer ${ADMIN}` } });
    expect(asAdmin.status).toBe(401);
    const micropub = await call("https://alice.voisins.example/micropub", { method: "POST", headers: { Authorization: `Bearer ${ADMIN}` }, body: new URLSearchParams({ h: "entry", content: "hijack" }) });
    expect(micropub.status).toBe(401);
    const asOwner = await call("https://alice.voisins.example/admin/export", { headers: { Authorization: `Bearer ${secret}` } });
    expect(asOwner.status).toBe(200);
  });
});

describe("isolation between two homes", () => {
  it("shows nothing of one home on the other's page, feeds, status, WebFinger, tokens, posts or exports", async () => {
    const { call, member } = setup();
    const alice = await member("alice", { name: "Alice Martin", accounts: "https://mastodon.social/@alice" });
    const bob = await member("bob", { name: "Bob Durand", accounts: "https://github.com/bob" });
    const created = await call("https://alice.voisins.example/micropub", { method: "POST", headers: { Authorization: `Bearer ${alice}` }, body: new URLSearchParams({ h: "entry", content: "Le secret d'Alice" }) });
    expect(created.status).toBe(201);
    expect(created.headers.get("Location")).toMatch(/^https:\/\/alice\.voisins\.example\/notes\//);

    const paths = ["/", "/feed.xml", "/atom.xml", "/feed.json", "/status.json", "/.well-known/webfinger?resource=acct:alice@mastodon.social"];
    for (const path of paths) {
      const onBob = await (await call(`https://bob.voisins.example${path}`)).text();
      expect(onBob, path).not.toContain("Le secret d'Alice");
      expect(onBob, path).not.toContain("Alice Martin");
      expect(onBob, path).not.toContain("mastodon.social/@alice");
    }
    expect(await (await call("https://alice.voisins.example/feed.xml")).text()).toContain("Le secret d&apos;Alice");

    // Alice's post is not at Bob's address, and Alice's secret is nothing on Bob's home.
    const location = new URL(created.headers.get("Location")!);
    expect((await call(`https://bob.voisins.example${location.pathname}`)).status).toBe(404);
    expect((await call("https://bob.voisins.example/admin/export", { headers: { Authorization: `Bearer ${alice}` } })).status).toBe(401);
    const crossPost = await call("https://bob.voisins.example/micropub", { method: "POST", headers: { Authorization: `Bearer ${alice}` }, body: new URLSearchParams({ h: "entry", content: "x" }) });
    expect(crossPost.status).toBe(401);

    const bobExport = (await (await call("https://bob.voisins.example/admin/export", { headers: { Authorization: `Bearer ${bob}` } })).json()) as { home: string; posts: unknown[]; profile: { name: string } };
    expect(bobExport.home).toBe("https://bob.voisins.example/");
    expect(bobExport.profile.name).toBe("Bob Durand");
    expect(bobExport.posts).toEqual([]);
    const aliceExport = (await (await call("https://alice.voisins.example/admin/export", { headers: { Authorization: `Bearer ${alice}` } })).json()) as { posts: { properties: { content: unknown[] } }[] };
    expect(aliceExport.posts).toHaveLength(1);

    // Their keys live under their own prefixes.
    const keys = (await env.M2_KV.list()).keys.map((key) => key.name);
    expect(keys.filter((key) => key.startsWith("member:alice:")).length).toBeGreaterThan(0);
    expect(keys.filter((key) => !key.startsWith("member:") && key !== "community:directory")).toEqual([]);
  });

  it("refuses one home's session on the other's compose page", async () => {
    const { call, member } = setup();
    const alice = await member("alice");
    await member("bob");
    const signInPage = await (await call("https://alice.voisins.example/new")).text();
    const csrf = signInPage.match(/name="csrf" value="([^"]+)"/)?.[1];
    expect(csrf).toBeDefined();
    const signedIn = await call("https://alice.voisins.example/new/session", { method: "POST", body: new URLSearchParams({ csrf: csrf!, secret: alice }) });
    const cookie = signedIn.headers.get("Set-Cookie")?.split(";")[0];
    expect(cookie).toMatch(/^__Host-m2-session=[A-Za-z0-9_-]{43}$/);
    const onAlice = await (await call("https://alice.voisins.example/new", { headers: { Cookie: cookie! } })).text();
    expect(onAlice).toContain('name="content"');
    const onBob = await (await call("https://bob.voisins.example/new", { headers: { Cookie: cookie! } })).text();
    expect(onBob).not.toContain('name="content"');
    expect(onBob).toContain('type="password"');
    // Bob's sign-in form does not take Alice's secret either.
    const bobCsrf = onBob.match(/name="csrf" value="([^"]+)"/)?.[1];
    const crossed = await call("https://bob.voisins.example/new/session", { method: "POST", body: new URLSearchParams({ csrf: bobCsrf!, secret: alice }) });
    expect(crossed.status).toBe(401);
    expect(crossed.headers.get("Set-Cookie")).toBeNull();
  });

  it("answers each home's own WebFinger alias only on its own host", async () => {
    const { call, member } = setup();
    await member("alice", { accounts: "https://mastodon.social/@alice" });
    await member("bob", { accounts: "https://github.com/bob" });
    const onAlice = await call("https://alice.voisins.example/.well-known/webfinger?resource=acct:alice@alice.voisins.example");
    expect(onAlice.status).toBe(200);
    const onBob = await call("https://bob.voisins.example/.well-known/webfinger?resource=acct:alice@alice.voisins.example");
    expect(onBob.status).toBe(404);
  });
});

describe("a lost secret", () => {
  it("is replaced by the community admin: the old secret and every session stop working", async () => {
    const { call, member } = setup();
    const old = await member("alice");
    const signInPage = await (await call("https://alice.voisins.example/new")).text();
    const csrf = signInPage.match(/name="csrf" value="([^"]+)"/)?.[1];
    const signedIn = await call("https://alice.voisins.example/new/session", { method: "POST", body: new URLSearchParams({ csrf: csrf!, secret: old }) });
    const cookie = signedIn.headers.get("Set-Cookie")!.split(";")[0]!;
    expect(await (await call("https://alice.voisins.example/new", { headers: { Cookie: cookie } })).text()).toContain('name="content"');
    expect((await call("https://voisins.example/admin/members/alice/secret", { method: "POST" })).status).toBe(401);
    expect((await call("https://voisins.example/admin/members/nobody/secret", { method: "POST", headers: { Authorization: `Bearer ${ADMIN}` } })).status).toBe(404);
    const reset = await call("https://voisins.example/admin/members/alice/secret", { method: "POST", headers: { Authorization: `Bearer ${ADMIN}` } });
    expect(reset.status).toBe(200);
    const { secret } = (await reset.json()) as { secret: string };
    expect(secret).not.toBe(old);
    expect((await call("https://alice.voisins.example/admin/export", { headers: { Authorization: `Bearer ${old}` } })).status).toBe(401);
    expect((await call("https://alice.voisins.example/admin/export", { headers: { Authorization: `Bearer ${secret}` } })).status).toBe(200);
    expect(await (await call("https://alice.voisins.example/new", { headers: { Cookie: cookie } })).text()).not.toContain('name="content"');
  });
});

describe("leaving", () => {
  it("deletes every key of the home with its owner's secret and a confirmation, and frees the hostname", async () => {
    const { call, member } = setup();
    const secret = await member("alice");
    await member("bob");
    await call("https://alice.voisins.example/micropub", { method: "POST", headers: { Authorization: `Bearer ${secret}` }, body: new URLSearchParams({ h: "entry", content: "Au revoir" }) });
    expect((await call("https://alice.voisins.example/admin/leave", { method: "POST", headers: { Authorization: `Bearer ${ADMIN}` }, body: JSON.stringify({ confirm: "alice" }) })).status).toBe(401);
    expect((await call("https://alice.voisins.example/admin/leave", { method: "POST", headers: { Authorization: `Bearer ${secret}` }, body: JSON.stringify({}) })).status).toBe(400);
    const left = await call("https://alice.voisins.example/admin/leave", { method: "POST", headers: { Authorization: `Bearer ${secret}` }, body: JSON.stringify({ confirm: "alice" }) });
    expect(left.status).toBe(200);
    const keys = (await env.M2_KV.list({ prefix: "member:alice:" })).keys;
    expect(keys).toEqual([]);
    expect((await call("https://alice.voisins.example/")).status).toBe(404);
    expect((await call("https://bob.voisins.example/")).status).toBe(200);
  });
});

describe("the community's page and planet", () => {
  it("lists every member as an h-card and carries only the opted-in members' posts", async () => {
    const { call, member } = setup();
    const alice = await member("alice", { name: "Alice Martin", community: "on" });
    const bob = await member("bob", { name: "Bob Durand" });
    await call("https://alice.voisins.example/micropub", { method: "POST", headers: { Authorization: `Bearer ${alice}` }, body: new URLSearchParams({ h: "entry", content: "Sur le planet" }) });
    await call("https://bob.voisins.example/micropub", { method: "POST", headers: { Authorization: `Bearer ${bob}` }, body: new URLSearchParams({ h: "entry", content: "Pas sur le planet" }) });
    const page = await call("https://voisins.example/");
    expect(page.status).toBe(200);
    const parsed = mf2(await page.text(), { baseUrl: "https://voisins.example/" });
    const cards = JSON.stringify(parsed.items);
    expect(cards).toContain("Alice Martin");
    expect(cards).toContain("Bob Durand");
    for (const path of ["/feed.xml", "/atom.xml", "/feed.json"]) {
      const feed = await (await call(`https://voisins.example${path}`)).text();
      expect(feed, path).toContain("Sur le planet");
      expect(feed, path).not.toContain("Pas sur le planet");
    }
    const json = (await (await call("https://voisins.example/feed.json")).json()) as { items: { url: string }[]; feed_url: string };
    expect(json.feed_url).toBe("https://voisins.example/feed.json");
    expect(json.items[0]?.url).toMatch(/^https:\/\/alice\.voisins\.example\/notes\//);
  });

  it("reports each home's health on the community's /status.json", async () => {
    const { call, member } = setup();
    await member("alice", { accounts: "https://mastodon.social/@alice" });
    const status = (await (await call("https://voisins.example/status.json")).json()) as { members: { handle: string; sources: number }[] };
    expect(status.members).toEqual([expect.objectContaining({ handle: "alice", sources: 1 })]);
  });
});

describe("the cron", () => {
  it("takes the homes in turn, a few per run, each within its share of the 50 subrequests", async () => {
    const { worker, member, net } = setup();
    await member("alice", { accounts: "https://mastodon.social/@alice" });
    await member("bob", { accounts: "https://github.com/bob" });
    await member("carol", { accounts: "https://carol.example/feed.xml" });
    net.requests.length = 0;
    const served: string[][] = [];
    for (let turn = 0; turn < 3; turn++) {
      const before = net.requests.length;
      const ctx = createExecutionContext();
      await worker.scheduled({ cron: "*/30 * * * *", scheduledTime: turn * 30 * 60_000, noRetry() {} } as ScheduledController, env, ctx);
      await waitOnExecutionContext(ctx);
      const hosts = net.requests.slice(before).map((request) => new URL(request.url).hostname);
      expect(hosts.length).toBeLessThanOrEqual(50);
      served.push([...new Set(hosts)].sort());
    }
    // Two homes per run (HOMES_PER_RUN), so over three runs every home had its turn.
    expect(HOMES_PER_RUN).toBe(2);
    expect(new Set(served.flat())).toEqual(new Set(["mastodon.social", "github.com", "carol.example"]));
    expect(served.every((hosts) => hosts.length <= HOMES_PER_RUN)).toBe(true);
  });
});
