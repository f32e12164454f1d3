/**
 * The Micropub endpoint, case by case as micropub.rocks numbers its server tests (100–107 form
 * create, 200–206 JSON create, 400–405 update, 500–503 delete and undelete, 600–603 queries,
 * 800–805 authentication), each post read back from its permalink with microformats-parser.
 */
import { mf2 } from "microformats-parser";
import { describe, expect, it } from "vitest";
import { homeStore } from "../../src/auth/grants.ts";
import { HOME, env, profileWith, request, workerFor, type Worker } from "../helpers.ts";

const ADMIN = { Authorization: "Bearer test-admin-token" };
const FORM = { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" };
const JSON_TYPE = { "Content-Type": "application/json" };

function home(): Worker {
  return workerFor(profileWith([{ url: "https://github.com/camille" }]));
}

function form(worker: Worker, body: string, headers: Record<string, string> = ADMIN) {
  return request(worker, "/micropub", { method: "POST", headers: { ...FORM, ...headers }, body });
}

function json(worker: Worker, body: unknown, headers: Record<string, string> = ADMIN) {
  return request(worker, "/micropub", { method: "POST", headers: { ...JSON_TYPE, ...headers }, body: JSON.stringify(body) });
}

/** Creates a post and gives its URL (the Location of a 201). */
async function created(response: Response): Promise<string> {
  expect(response.status).toBe(201);
  const location = response.headers.get("Location");
  expect(location).toMatch(new RegExp(`^${HOME}`));
  return location!;
}

/** The permalink's h-entry as microformats-parser reads it. */
async function entryAt(worker: Worker, url: string) {
  const response = await request(worker, new URL(url).pathname);
  expect(response.status).toBe(200);
  const parsed = mf2(await response.text(), { baseUrl: url });
  const entries = parsed.items.filter((item) => item.type?.includes("h-entry"));
  expect(entries).toHaveLength(1);
  return entries[0]!;
}

async function source(worker: Worker, url: string, properties: string[] = []) {
  const query = new URLSearchParams([["q", "source"], ["url", url], ...properties.map((name): [string, string] => ["properties[]", name])]);
  const response = await request(worker, `/micropub?${query}`, { headers: ADMIN });
  expect(response.status).toBe(200);
  return (await response.json()) as { type?: string[]; properties: Record<string, unknown[]> };
}

describe("Micropub: creating posts, form-encoded (micropub.rocks 100–107)", () => {
  it("100: creates an h-entry, 201 with a Location whose page is that h-entry", async () => {
    const worker = home();
    const url = await created(await form(worker, "h=entry&content=Micropub+test+of+creating+a+basic+h-entry"));
    expect(new URL(url).pathname).toMatch(/^\/notes\/[a-z0-9]+$/);
    const entry = await entryAt(worker, url);
    expect((entry.properties.content![0] as { value: string }).value).toBe("Micropub test of creating a basic h-entry");
    expect(entry.properties.url).toEqual([url]);
    expect(entry.properties.uid).toEqual([url]);
    expect(entry.properties.published?.[0]).toMatch(/^\d{4}-\d\d-\d\dT/);
    const author = entry.properties.author![0] as { type: string[]; properties: Record<string, unknown[]> };
    expect(author.type).toEqual(["h-card"]);
    expect(author.properties.url).toEqual([HOME]);
    // A note has no name of its own: the page gives none for a parser to mistake for a title.
    expect(entry.properties.name).toBeUndefined();
  });

  it("101: keeps both categories sent as category[]", async () => {
    const worker = home();
    const url = await created(await form(worker, "h=entry&content=Two+categories&category[]=test1&category[]=test2"));
    expect((await entryAt(worker, url)).properties.category).toEqual(["test1", "test2"]);
    expect((await source(worker, url)).properties.category).toEqual(["test1", "test2"]);
  });

  it("104: shows a photo given by URL as the entry's u-photo", async () => {
    const worker = home();
    const photo = "https://micropub.rocks/media/sunset.jpg";
    const url = await created(await form(worker, `h=entry&content=A+photo&photo=${encodeURIComponent(photo)}`));
    expect(new URL(url).pathname).toMatch(/^\/photos\//);
    // Without alt text from the client the image is drawn with alt="", which parsers give as the bare URL.
    expect((await entryAt(worker, url)).properties.photo).toEqual([photo]);
  });

  it("107: keeps a single category sent without []", async () => {
    const worker = home();
    const url = await created(await form(worker, "h=entry&content=One+category&category=test1"));
    expect((await entryAt(worker, url)).properties.category).toEqual(["test1"]);
  });
});

describe("Micropub: creating posts, JSON (micropub.rocks 200–206)", () => {
  it("200: creates an h-entry from JSON", async () => {
    const worker = home();
    const url = await created(await json(worker, { type: ["h-entry"], properties: { content: ["Micropub test of creating an h-entry with a JSON request"] } }));
    expect((await entryAt(worker, url)).properties.content).toEqual([{ value: "Micropub test of creating an h-entry with a JSON request", html: "<p>Micropub test of creating an h-entry with a JSON request</p>" }]);
  });

  it("201: keeps a list of categories", async () => {
    const worker = home();
    const url = await created(await json(worker, { type: ["h-entry"], properties: { content: ["Categories"], category: ["test1", "test2"] } }));
    expect((await entryAt(worker, url)).properties.category).toEqual(["test1", "test2"]);
  });

  it("202: renders HTML content as HTML, through the allowlist", async () => {
    const worker = home();
    const html = '<p>This post has <b>bold</b> and <i>italic</i> text.</p><script>alert(1)</script><img src=x onerror="alert(2)">';
    const url = await created(await json(worker, { type: ["h-entry"], properties: { content: [{ html }] } }));
    const content = (await entryAt(worker, url)).properties.content![0] as { html: string };
    expect(content.html).toContain("<b>bold</b>");
    expect(content.html).toContain("<i>italic</i>");
    expect(content.html).not.toMatch(/script|onerror/);
  });

  it("203: shows a photo referenced by URL", async () => {
    const worker = home();
    const url = await created(await json(worker, { type: ["h-entry"], properties: { content: ["Sunset"], photo: ["https://micropub.rocks/media/sunset.jpg"] } }));
    expect((await entryAt(worker, url)).properties.photo).toEqual(["https://micropub.rocks/media/sunset.jpg"]);
  });

  it("204: accepts a nested microformats object and gives it back unchanged in q=source", async () => {
    const worker = home();
    const checkin = { type: ["h-card"], properties: { name: ["Café des Arts"], url: ["https://cafe.example/"], latitude: ["45.76"], longitude: ["4.83"] } };
    const url = await created(await json(worker, { type: ["h-entry"], properties: { published: ["2017-05-31T12:03:36-07:00"], content: ["Coffee"], checkin: [checkin] } }));
    const stored = await source(worker, url);
    expect(stored.properties.checkin).toEqual([checkin]);
    // The date the client set is the post's date.
    expect((await entryAt(worker, url)).properties.published).toEqual(["2017-05-31T19:03:36.000Z"]);
  });

  it("205: keeps a photo's alt text", async () => {
    const worker = home();
    const url = await created(await json(worker, { type: ["h-entry"], properties: { content: ["Sunset"], photo: [{ value: "https://micropub.rocks/media/sunset.jpg", alt: "Photo of a sunset" }] } }));
    expect((await entryAt(worker, url)).properties.photo).toEqual([{ value: "https://micropub.rocks/media/sunset.jpg", alt: "Photo of a sunset" }]);
  });

  it("206: shows every photo of a list", async () => {
    const worker = home();
    const photos = ["https://micropub.rocks/media/sunset.jpg", "https://micropub.rocks/media/city-at-night.jpg"];
    const url = await created(await json(worker, { type: ["h-entry"], properties: { content: ["Two photos"], photo: photos } }));
    expect((await entryAt(worker, url)).properties.photo).toEqual(photos);
  });
});

describe("Micropub: updates (micropub.rocks 400–405)", () => {
  async function post(worker: Worker, properties: Record<string, unknown[]>) {
    return created(await json(worker, { type: ["h-entry"], properties }));
  }

  it("400: replaces a property, keeps the URL and sets dt-updated", async () => {
    const worker = home();
    const url = await post(worker, { content: ["This text should be replaced if the test succeeds."] });
    const update = await json(worker, { action: "update", url, replace: { content: ["This is the updated text."] } });
    expect(update.status).toBe(204);
    const entry = await entryAt(worker, url);
    expect((entry.properties.content![0] as { value: string }).value).toBe("This is the updated text.");
    expect(entry.properties.updated?.[0]).toMatch(/^\d{4}-/);
  });

  it("401: adds a value to an existing property", async () => {
    const worker = home();
    const url = await post(worker, { content: ["Adding a category"], category: ["test1"] });
    expect((await json(worker, { action: "update", url, add: { category: ["test2"] } })).status).toBe(204);
    expect((await source(worker, url)).properties.category).toEqual(["test1", "test2"]);
  });

  it("402: adds a property the post did not have", async () => {
    const worker = home();
    const url = await post(worker, { content: ["No category yet"] });
    expect((await json(worker, { action: "update", url, add: { category: ["test1"] } })).status).toBe(204);
    expect((await source(worker, url)).properties.category).toEqual(["test1"]);
  });

  it("403: deletes one value of a property", async () => {
    const worker = home();
    const url = await post(worker, { content: ["Two categories"], category: ["test1", "test2"] });
    expect((await json(worker, { action: "update", url, delete: { category: ["test2"] } })).status).toBe(204);
    expect((await source(worker, url)).properties.category).toEqual(["test1"]);
  });

  it("404: deletes a whole property", async () => {
    const worker = home();
    const url = await post(worker, { content: ["Two categories"], category: ["test1", "test2"] });
    expect((await json(worker, { action: "update", url, delete: ["category"] })).status).toBe(204);
    expect((await source(worker, url)).properties.category).toBeUndefined();
  });

  it("405: refuses a malformed update with 400 invalid_request, and changes nothing", async () => {
    const worker = home();
    const url = await post(worker, { content: ["Micropub update test #405."] });
    for (const bad of [{ replace: "content" }, { replace: { content: "not a list" } }, { delete: [1] }, {}]) {
      const response = await json(worker, { action: "update", url, ...bad });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: "invalid_request" });
    }
    expect((await source(worker, url)).properties.content).toEqual(["Micropub update test #405."]);
  });
});

describe("Micropub: deletes (micropub.rocks 500–503)", () => {
  it("500: deletes a post (form-encoded): 410 Gone and out of every feed", async () => {
    const worker = home();
    const url = await created(await form(worker, "h=entry&content=This+post+will+be+deleted"));
    expect(await (await request(worker, "/feed.json")).text()).toContain(url);
    expect((await form(worker, `action=delete&url=${encodeURIComponent(url)}`)).status).toBe(204);
    expect((await request(worker, new URL(url).pathname)).status).toBe(410);
    for (const feed of ["/feed.xml", "/atom.xml", "/feed.json"]) expect(await (await request(worker, feed)).text()).not.toContain(url);
  });

  it("501: deletes a post (JSON)", async () => {
    const worker = home();
    const url = await created(await json(worker, { type: ["h-entry"], properties: { content: ["This post will be deleted"] } }));
    expect((await json(worker, { action: "delete", url })).status).toBe(204);
    expect((await request(worker, new URL(url).pathname)).status).toBe(410);
  });

  it("502: undeletes a post (form-encoded): the same URL answers again", async () => {
    const worker = home();
    const url = await created(await form(worker, "h=entry&content=Deleted+then+restored"));
    await form(worker, `action=delete&url=${encodeURIComponent(url)}`);
    expect((await form(worker, `action=undelete&url=${encodeURIComponent(url)}`)).status).toBe(204);
    expect((await entryAt(worker, url)).properties.url).toEqual([url]);
    expect(await (await request(worker, "/feed.xml")).text()).toContain(url);
  });

  it("503: undeletes a post (JSON)", async () => {
    const worker = home();
    const url = await created(await json(worker, { type: ["h-entry"], properties: { content: ["Deleted then restored"] } }));
    await json(worker, { action: "delete", url });
    expect((await json(worker, { action: "undelete", url })).status).toBe(204);
    expect((await request(worker, new URL(url).pathname)).status).toBe(200);
  });
});

describe("Micropub: queries (micropub.rocks 600–603)", () => {
  it("600: q=config is a JSON object naming the post types and the syndication targets", async () => {
    const response = await request(home(), "/micropub?q=config", { headers: ADMIN });
    expect(response.status).toBe(200);
    const config = (await response.json()) as { "syndicate-to": unknown[]; "post-types": { type: string }[] };
    expect(config["syndicate-to"]).toEqual([]);
    expect(config["post-types"].map((type) => type.type)).toEqual(["note", "article", "photo", "reply", "like", "repost", "bookmark"]);
  });

  it("601: q=syndicate-to gives an empty list when there is nowhere to syndicate", async () => {
    const response = await request(home(), "/micropub?q=syndicate-to", { headers: ADMIN });
    expect(await response.json()).toEqual({ "syndicate-to": [] });
  });

  it("602: q=source gives every property of a post as it was sent", async () => {
    const worker = home();
    const url = await created(await json(worker, { type: ["h-entry"], properties: { name: ["Un article"], content: ["Du **texte**."], category: ["m2"] } }));
    expect(new URL(url).pathname).toBe("/articles/un-article");
    const stored = await source(worker, url);
    expect(stored.type).toEqual(["h-entry"]);
    expect(stored.properties).toMatchObject({ name: ["Un article"], content: ["Du **texte**."], category: ["m2"] });
  });

  it("603: q=source with properties[] gives only those", async () => {
    const worker = home();
    const url = await created(await json(worker, { type: ["h-entry"], properties: { content: ["Hello"], category: ["a", "b"] } }));
    expect(await source(worker, url, ["category"])).toEqual({ properties: { category: ["a", "b"] } });
  });
});

describe("Micropub: authentication (micropub.rocks 800–805)", () => {
  it("800: takes the token from the Authorization header", async () => {
    await created(await form(home(), "h=entry&content=Testing+accepting+access+token+in+HTTP+Authorization+header"));
  });

  it("801 and 802: takes the token from the form body, and never stores it in the post", async () => {
    const worker = home();
    const url = await created(await form(worker, "h=entry&content=Token+in+the+body&access_token=test-admin-token", {}));
    const stored = await source(worker, url);
    expect(Object.keys(stored.properties)).not.toContain("access_token");
    expect(JSON.stringify(stored)).not.toContain("test-admin-token");
  });

  it("803: refuses a request without a token: 401 unauthorized, and creates nothing", async () => {
    const worker = home();
    const response = await form(worker, "h=entry&content=Unauthenticated", {});
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: "unauthorized" });
    expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer /);
    expect(await homeStore(env, HOME).list()).toEqual([]);
  });

  it("804: refuses a valid token without the create scope: 401 insufficient_scope", async () => {
    const worker = home();
    const { token } = await homeStore(env, HOME).issueToken({ clientId: "https://app.example/", scope: ["profile"], me: HOME, ttlSeconds: 3600 });
    const response = await form(worker, "h=entry&content=Wrong+scope", { Authorization: `Bearer ${token}` });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: "insufficient_scope" });
    // The same kind of token with the scope may.
    const { token: writer } = await homeStore(env, HOME).issueToken({ clientId: "https://app.example/", scope: ["create"], me: HOME, ttlSeconds: 3600 });
    await created(await form(worker, "h=entry&content=Right+scope", { Authorization: `Bearer ${writer}` }));
  });

  it("805: refuses a token sent in both the header and the body: 400", async () => {
    const worker = home();
    const response = await form(worker, "h=entry&content=Both&access_token=test-admin-token");
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_request" });
    expect(await homeStore(env, HOME).list()).toEqual([]);
  });

  it("refuses an unknown, a revoked and an expired token", async () => {
    const worker = home();
    const store = homeStore(env, HOME);
    const { token: revoked } = await store.issueToken({ clientId: "https://app.example/", scope: ["create"], me: HOME, ttlSeconds: 3600 });
    await store.revokeToken(revoked);
    const { token: expired } = await store.issueToken({ clientId: "https://app.example/", scope: ["create"], me: HOME, ttlSeconds: 60 }, Date.now() - 120_000);
    for (const token of ["not-a-token", revoked, expired]) {
      const response = await form(worker, "h=entry&content=No", { Authorization: `Bearer ${token}` });
      expect(response.status).toBe(401);
    }
  });
});
