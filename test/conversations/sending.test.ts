/**
 * Sending and WebSub through the Micropub path: a new post notifies the URLs it links, an edit also
 * those it removed, a failure is retried with backoff recorded in the store; every feed names
 * itself (rel=self) and the hub (rel=hub), and the hub is pinged once per merged feed when own
 * posts change and when a refresh changes the timeline.
 */
import { describe, expect, it } from "vitest";
import { homeStore } from "../../src/auth/grants.ts";
import { FIRST_RETRY_MS, MERGED_FEEDS } from "../../src/conversations/limits.ts";
import { env, feedResponse, FEED_TYPES, FIXTURES, request, runCron } from "../helpers.ts";
import { ADMIN, conversationHome, publish } from "./fixtures.ts";

const HUB = "https://hub.example/";

/** A site advertising its endpoint in a Link header, recording what it receives. */
function target(net: ReturnType<typeof conversationHome>["net"], page: string, status = 202) {
  const received: URLSearchParams[] = [];
  net.set(page, new Response("<p>hi</p>", { headers: { "Content-Type": "text/html", Link: `<${page}/webmention>; rel="webmention"` } }));
  net.set(`${page}/webmention`, async (request) => {
    received.push(new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer())));
    return new Response(null, { status });
  });
  return received;
}

describe("sending Webmentions", () => {
  it("notifies each URL a new post responds to or links, in the background of the write", async () => {
    const { worker, net } = conversationHome();
    const replied = target(net, "https://alex.example/post");
    const linked = target(net, "https://sam.example/article");
    const post = await publish(worker, { "in-reply-to": ["https://alex.example/post"], content: [{ html: '<p>Voir <a href="https://sam.example/article">cet article</a> et <a href="/notes/x">le mien</a>.</p>' }] });
    expect(replied.map((body) => [body.get("source"), body.get("target")])).toEqual([[post, "https://alex.example/post"]]);
    expect(linked.map((body) => [body.get("source"), body.get("target")])).toEqual([[post, "https://sam.example/article"]]);
    // Own links are not notified.
    expect(net.requests.some((r) => r.url.includes("/notes/x"))).toBe(false);
  });

  it("an edit notifies the URLs it removed as well as those it keeps", async () => {
    const { worker, net } = conversationHome();
    const kept = target(net, "https://alex.example/post");
    const removed = target(net, "https://sam.example/article");
    const post = await publish(worker, { content: [{ html: '<p><a href="https://alex.example/post">a</a> <a href="https://sam.example/article">b</a></p>' }] });
    const update = await request(worker, "/micropub", {
      method: "POST",
      headers: { ...ADMIN, "Content-Type": "application/json" },
      body: JSON.stringify({ action: "update", url: post, replace: { content: [{ html: '<p><a href="https://alex.example/post">a</a> seul</p>' }] } }),
    });
    expect(update.status).toBe(204);
    expect(kept).toHaveLength(2);
    expect(removed).toHaveLength(2);
  });

  it("retries a failed send later, with backoff recorded in the home's store", async () => {
    const { worker, net, home } = conversationHome();
    const received = target(net, "https://down.example/post", 503);
    await publish(worker, { content: [{ html: '<a href="https://down.example/post">x</a>' }] });
    expect(received).toHaveLength(1);
    const { outbox } = await homeStore(env, home).listMentions(10);
    expect(outbox).toMatchObject([{ target: "https://down.example/post", state: "pending", attempts: 1, result: "HTTP 503" }]);
    expect(outbox[0]!.nextAt).toBeGreaterThanOrEqual(Date.now() + FIRST_RETRY_MS - 60_000);
    // Not due yet: the cron does not send it again.
    await runCron(worker);
    expect(received).toHaveLength(1);
  });
});

describe("WebSub", () => {
  it("every merged feed names itself with rel=self, and the hub when profile.json sets one", async () => {
    const { worker } = conversationHome({ websub: { hub: HUB } });
    const rss = await (await request(worker, "/feed.xml")).text();
    expect(rss).toMatch(/<atom:link href="https:\/\/camille-[^"]+\/feed\.xml" rel="self"/);
    expect(rss).toContain(`<atom:link href="${HUB}" rel="hub"/>`);
    const atom = await (await request(worker, "/atom.xml")).text();
    expect(atom).toMatch(/<link rel="self" type="application\/atom\+xml" href="https:\/\/camille-[^"]+\/atom\.xml"\/>/);
    expect(atom).toContain(`<link rel="hub" href="${HUB}"/>`);
    const json = (await (await request(worker, "/feed.json")).json()) as { feed_url: string; hubs: unknown };
    expect(json.feed_url).toMatch(/\/feed\.json$/);
    expect(json.hubs).toEqual([{ type: "WebSub", url: HUB }]);
    const without = await (await request(conversationHome().worker, "/feed.xml")).text();
    expect(without).not.toContain('rel="hub"');
  });

  it("pings the hub once per merged feed when an own post is published", async () => {
    const { worker, net, home } = conversationHome({ websub: { hub: HUB } });
    const pings: URLSearchParams[] = [];
    net.set(HUB, async (request) => {
      pings.push(new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer())));
      return new Response(null, { status: 204 });
    });
    await publish(worker, { content: ["Nouveau"] });
    expect(pings.map((ping) => [ping.get("hub.mode"), ping.get("hub.url")])).toEqual(MERGED_FEEDS.map((path) => ["publish", new URL(path, home).href]));
  });

  it("pings the hub when a refresh changes the timeline", async () => {
    const { worker, net } = conversationHome({ websub: { hub: HUB } });
    let pings = 0;
    net.set(HUB, () => {
      pings++;
      return new Response(null, { status: 204 });
    });
    net.set("https://github.com/camille.atom", feedResponse(FIXTURES.github, FEED_TYPES.atom));
    await runCron(worker);
    expect(pings).toBe(MERGED_FEEDS.length);
    // The same feed again: the timeline does not change, the hub is not told.
    await runCron(worker);
    expect(pings).toBe(MERGED_FEEDS.length);
  });
});
