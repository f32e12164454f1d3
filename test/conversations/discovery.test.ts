/**
 * Sending: endpoint discovery and the POST, against the webmention.rocks discovery tests 1–23
 * reproduced as fixtures (their Link headers and HTML, as the site serves them). Each test sends
 * through the fake net and checks the one endpoint that received the mention, never an `/error` one.
 */
import { describe, expect, it } from "vitest";
import { parseLinkHeader } from "../../src/conversations/link-header.ts";
import { sendOne } from "../../src/conversations/send.ts";
import { fakeNet } from "../helpers.ts";
import { httpResponse } from "./fixtures.ts";

declare global {
  interface ImportMeta {
    glob<T>(pattern: string, options: { query: string; import: string; eager: true }): Record<string, T>;
  }
}

const PAGES = import.meta.glob<string>("../fixtures/webmention/discovery/*.http", { query: "?raw", import: "default", eager: true });
const fixture = (name: string) => PAGES[`../fixtures/webmention/discovery/${name}.http`]!;

const ROCKS = "https://webmention.rocks/";
const SOURCE = "https://camille.example/notes/abc";

/** Where each test's mention must go. */
const EXPECTED: Record<number, string> = {
  15: `${ROCKS}test/15`,
  21: `${ROCKS}test/21/webmention?query=yes`,
  22: `${ROCKS}test/22/webmention`,
  23: `${ROCKS}test/23/page/webmention-endpoint/k2`,
};

const NAMES: Record<number, string> = {
  1: "HTTP Link header, unquoted rel, relative URL",
  2: "HTTP Link header, unquoted rel, absolute URL",
  3: "HTML <link> tag, relative URL",
  4: "HTML <link> tag, absolute URL",
  5: "HTML <a> tag, relative URL",
  6: "HTML <a> tag, absolute URL",
  7: "HTTP Link header with strange casing",
  8: "HTTP Link header, quoted rel",
  9: "Multiple rel values on a <link> tag",
  10: "Multiple rel values on a Link header",
  11: "Multiple Webmention endpoints advertised: Link, <link>, <a>",
  12: "Checking for exact match of rel=webmention",
  13: "False endpoint inside an HTML comment",
  14: "False endpoint in escaped HTML",
  15: "Webmention href is an empty string",
  16: "Multiple Webmention endpoints advertised: <a>, <link>",
  17: "Multiple Webmention endpoints advertised: <link>, <a>",
  18: "Multiple HTTP Link headers",
  19: "Single HTTP Link header with multiple values",
  20: "Link tag with no href attribute",
  21: "Webmention endpoint has query string parameters",
  22: "Webmention endpoint is relative to the path",
  23: "Webmention target is a redirect and the endpoint is relative",
};

describe("webmention.rocks discovery", () => {
  for (let n = 1; n <= 23; n++) {
    it(`discovery test #${n}: ${NAMES[n]}`, async () => {
      const target = n === 23 ? `${ROCKS}test/23/page` : `${ROCKS}test/${n}`;
      const endpoint = EXPECTED[n] ?? `${ROCKS}test/${n}/webmention`;
      const received: { url: string; body: string; method: string }[] = [];
      const net = fakeNet({ [target]: () => httpResponse(fixture(String(n))) });
      if (n === 23) net.set(`${ROCKS}test/23/page/k1`, () => httpResponse(fixture("23-page")));
      for (const url of [endpoint, `${ROCKS}test/${n}/webmention/error`]) {
        // Test 15's endpoint is the page itself: a POST there is the mention, a GET the page.
        net.set(url, async (request) => {
          if (request.method === "GET") return httpResponse(fixture(String(n)));
          received.push({ url: request.url, body: new TextDecoder().decode(await request.arrayBuffer()), method: request.method });
          return new Response(null, { status: 202 });
        });
      }
      const outcome = await sendOne({ id: 1, source: SOURCE, target, attempts: 0 }, { home: "https://camille.example/", timeoutMs: 5_000, maxBytes: 1_000_000, fetcher: net.fetcher });
      expect(outcome).toMatchObject({ outcome: "sent", endpoint, status: 202 });
      expect(received).toEqual([{ url: endpoint, method: "POST", body: new URLSearchParams({ source: SOURCE, target }).toString() }]);
      expect(net.requests.map((request) => request.url).filter((url) => url.includes("/error"))).toEqual([]);
      // Test 23's pages answer once each: the target is fetched once, its redirect once.
      if (n === 23) expect(net.requests.filter((request) => request.method === "GET").map((request) => request.url)).toEqual([target, `${ROCKS}test/23/page/k1`]);
    });
  }

  it("finds no endpoint on a page without one, and sends nothing", async () => {
    const net = fakeNet({ "https://plain.example/": new Response("<p>nothing</p>", { headers: { "Content-Type": "text/html" } }) });
    const outcome = await sendOne({ id: 1, source: SOURCE, target: "https://plain.example/", attempts: 0 }, { home: "https://camille.example/", timeoutMs: 5_000, maxBytes: 1_000_000, fetcher: net.fetcher });
    expect(outcome).toEqual({ id: 1, outcome: "no-endpoint" });
    expect(net.requests).toHaveLength(1);
  });
});

describe("the Link header scanner", () => {
  it("reads quoted and unquoted rels, several links, commas inside quotes", () => {
    expect(parseLinkHeader('<https://a.example/x>; rel="other", </wm?a=1,2>; rel=webmention; title="a, b"')).toEqual([
      { uri: "https://a.example/x", rels: ["other"] },
      { uri: "/wm?a=1,2", rels: ["webmention"] },
    ]);
    expect(parseLinkHeader('<x>; REL="Webmention  Other"')).toEqual([{ uri: "x", rels: ["webmention", "other"] }]);
  });

  it("stays linear on hostile input", () => {
    const hostile = `<${"a".repeat(4000)}; rel=${'"'.repeat(4000)}`;
    const started = Date.now();
    parseLinkHeader(hostile);
    parseLinkHeader(";".repeat(8000));
    expect(Date.now() - started).toBeLessThan(500);
  });
});
