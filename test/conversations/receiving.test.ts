/**
 * Receiving: the endpoint is advertised, a request is only checked and queued (202, nothing
 * fetched), bad requests are 400 with a reason (webmention.rocks receiver tests 1 and 2), and two
 * mentions at once both reach the queue.
 */
import { describe, expect, it } from "vitest";
import { homeStore } from "../../src/auth/grants.ts";
import { MAX_MENTIONS_PER_HOST } from "../../src/conversations/limits.ts";
import { env, request } from "../helpers.ts";
import { admin, conversationHome, mention, publish } from "./fixtures.ts";

describe("the Webmention endpoint", () => {
  it("is advertised on the home page and on a permalink, in a Link header and a <link>", async () => {
    const { worker, home } = conversationHome();
    const post = await publish(worker, { content: ["Bonjour"] });
    for (const path of ["/", new URL(post).pathname]) {
      const response = await request(worker, path);
      expect(response.headers.get("Link"), path).toContain(`<${home}webmention>; rel="webmention"`);
      expect(await response.text(), path).toContain('<link rel="webmention" href="/webmention"/>');
    }
  });

  it("receiver test #1: accepts a valid request with 202 and no Location, fetching nothing", async () => {
    const { worker, net, home } = conversationHome();
    const post = await publish(worker, { content: ["Bonjour"] });
    const response = await mention(worker, "https://webmention.rocks/receive/1/abc", post);
    expect(response.status).toBe(202);
    expect(response.headers.get("Location")).toBeNull();
    expect(net.requests).toEqual([]);
    expect((await homeStore(env, home).listMentions(10)).queued).toBe(1);
  });

  it("receiver test #2: rejects an invalid source, an invalid target, and both, with 400", async () => {
    const { worker, home } = conversationHome();
    const post = await publish(worker, { content: ["Bonjour"] });
    for (const [source, target] of [
      ["jwoijgoisdjlskjegisvjowuehjtkx", post],
      ["https://webmention.rocks/receive/2/abc", "owiejduvyeiwljjjcjmvbpsouehgd"],
      ["sjuhvhwieuhtiwudcjvhuh", "owiejduvyeiwljjjcjmvbpsouehgd"],
    ]) {
      expect((await mention(worker, source!, target!)).status, `${source} → ${target}`).toBe(400);
    }
    expect((await homeStore(env, home).listMentions(10)).queued).toBe(0);
  });

  it("answers 400 with the reason for each invalid request", async () => {
    const { worker, home } = conversationHome();
    const post = await publish(worker, { content: ["Bonjour"] });
    const cases: [Record<string, string>, string][] = [
      [{ target: post }, "source is missing"],
      [{ source: "https://alex.example/1" }, "target is missing"],
      [{ source: "ftp://alex.example/1", target: post }, "source is not an http(s) URL"],
      [{ source: post, target: post }, "the same URL"],
      [{ source: "https://alex.example/1", target: "https://elsewhere.example/notes/x" }, "not on this home"],
      [{ source: "https://alex.example/1", target: `${home}notes/nope` }, "not a page of this home"],
      [{ source: `https://alex.example/${"a".repeat(2100)}`, target: post }, "longer than 2048"],
    ];
    for (const [fields, reason] of cases) {
      const response = await request(worker, "/webmention", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() });
      expect(response.status, reason).toBe(400);
      expect(await response.text(), reason).toContain(reason);
    }
    const json = await request(worker, "/webmention", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    expect(json.status).toBe(415);
  });

  it("queues two mentions sent at once: neither is lost", async () => {
    const { worker, home } = conversationHome();
    const post = await publish(worker, { content: ["Bonjour"] });
    const answers = await Promise.all([mention(worker, "https://alex.example/a", post), mention(worker, "https://sam.example/b", post), mention(worker, "https://lou.example/c", home)]);
    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202]);
    expect((await homeStore(env, home).listMentions(10)).queued).toBe(3);
  });

  it("limits one source host to a number of mentions per hour (429 past it)", async () => {
    const { worker, home } = conversationHome();
    const posts = [await publish(worker, { content: ["Un"] }), await publish(worker, { content: ["Deux"] })];
    // Spread over two posts, so that no post's queue is full first.
    for (let i = 0; i < MAX_MENTIONS_PER_HOST; i++) expect((await mention(worker, `https://flood.example/${i}`, posts[i % 2]!)).status).toBe(202);
    const refused = await mention(worker, "https://flood.example/last", home);
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain("per hour from flood.example");
    expect((await mention(worker, "https://other.example/1", home)).status).toBe(202);
  });

  it("keeps the moderation routes behind the admin secret", async () => {
    const { worker } = conversationHome();
    expect((await request(worker, "/admin/mentions")).status).toBe(401);
    expect((await admin(worker, "/admin/mentions")).status).toBe(200);
  });
});
