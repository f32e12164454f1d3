/** politeFetch: identity, limits, redirects and conditional GET, against a fake server. */
import { describe, expect, it } from "vitest";
import { FEED_ACCEPT, parseRetryAfter, politeFetch, userAgentFor, type FetchOptions } from "../../src/ingest/fetch.ts";
import { fakeNet } from "../helpers.ts";

function options(net: ReturnType<typeof fakeNet>, extra: Partial<FetchOptions> = {}): FetchOptions {
  return { userAgent: userAgentFor("https://camille.example/"), accept: FEED_ACCEPT, timeoutMs: 1000, maxBytes: 1000, maxRedirects: 5, fetcher: net.fetcher, ...extra };
}

const redirect = (status: number, location: string) => new Response(null, { status, headers: { Location: location } });

describe("politeFetch", () => {
  it("names m2 and the home URL in the User-Agent and asks for feeds", async () => {
    const net = fakeNet({ "https://a.example/feed": new Response("<rss/>") });
    const outcome = await politeFetch("https://a.example/feed", options(net));
    expect(outcome.kind).toBe("fetched");
    expect(net.requests[0]!.headers.get("User-Agent")).toBe("m2/0.1 (+https://camille.example/; personal feed aggregator)");
    expect(net.requests[0]!.headers.get("Accept")).toContain("application/atom+xml");
  });

  it("sends validators and reports 304 as not modified", async () => {
    const net = fakeNet({
      "https://a.example/feed": (request) =>
        request.headers.get("If-None-Match") === '"v1"' && request.headers.get("If-Modified-Since") === "Mon, 02 Nov 2026 00:00:00 GMT"
          ? new Response(null, { status: 304, headers: { ETag: '"v1"' } })
          : new Response("<rss/>", { headers: { ETag: '"v1"' } }),
    });
    const outcome = await politeFetch("https://a.example/feed", options(net, { validators: { etag: '"v1"', lastModified: "Mon, 02 Nov 2026 00:00:00 GMT" } }));
    expect(outcome).toMatchObject({ kind: "not-modified", etag: '"v1"' });
  });

  it("follows up to five redirects and remembers where a 301 chain leads", async () => {
    const net = fakeNet({
      "https://a.example/1": redirect(301, "/2"),
      "https://a.example/2": redirect(308, "https://b.example/3"),
      "https://b.example/3": redirect(302, "https://b.example/4"),
      "https://b.example/4": new Response("<rss/>", { headers: { "Content-Type": "application/rss+xml" } }),
    });
    const outcome = await politeFetch("https://a.example/1", options(net));
    expect(outcome).toMatchObject({ kind: "fetched", url: "https://b.example/4", movedTo: "https://b.example/3", subrequests: 4 });
  });

  it("stops after five redirects and at a loop", async () => {
    const chain = fakeNet(Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`https://a.example/${i}`, redirect(302, `/${i + 1}`)])));
    expect(await politeFetch("https://a.example/0", options(chain))).toMatchObject({ kind: "failed", failure: { kind: "redirect", detail: "more than 5 redirects" }, subrequests: 6 });
    const loop = fakeNet({ "https://a.example/x": redirect(302, "/y"), "https://a.example/y": redirect(302, "/x") });
    expect(await politeFetch("https://a.example/x", options(loop))).toMatchObject({ kind: "failed", failure: { kind: "redirect", detail: "redirect loop at https://a.example/x" } });
  });

  it("refuses bodies over the cap, declared or streamed", async () => {
    const big = "x".repeat(2000);
    const declared = fakeNet({ "https://a.example/f": new Response(big, { headers: { "Content-Length": "2000" } }) });
    expect(await politeFetch("https://a.example/f", options(declared))).toMatchObject({ kind: "failed", failure: { kind: "too-large", detail: "body larger than 1000 bytes" } });
    const streamed = fakeNet({
      "https://a.example/f": () =>
        new Response(
          new ReadableStream({
            start(controller) {
              for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode(big.slice(0, 500)));
              controller.close();
            },
          }),
        ),
    });
    expect(await politeFetch("https://a.example/f", options(streamed))).toMatchObject({ kind: "failed", failure: { kind: "too-large", detail: "body larger than 1000 bytes" } });
  });

  it("turns HTTP errors into outcomes with Retry-After and gone", async () => {
    const net = fakeNet({
      "https://a.example/429": new Response("slow down", { status: 429, headers: { "Retry-After": "120" } }),
      "https://a.example/410": new Response("gone", { status: 410 }),
    });
    expect(await politeFetch("https://a.example/429", options(net))).toMatchObject({ kind: "failed", failure: { kind: "http", status: 429 }, retryAfter: 120 });
    expect(await politeFetch("https://a.example/410", options(net))).toMatchObject({ kind: "failed", failure: { kind: "gone", status: 410 } });
  });

  it("parses Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2026-11-28T12:00:00Z");
    expect(parseRetryAfter("3600", now)).toBe(3600);
    expect(parseRetryAfter("Sat, 28 Nov 2026 12:10:00 GMT", now)).toBe(600);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });
});
