/**
 * Every feed-supplied string is hostile: 300+ known XSS vectors (test/fixtures/hostile/xss-vectors.txt,
 * written from the OWASP filter-evasion cheat sheet and PortSwigger's list) go through an RSS, an Atom
 * and a JSON Feed source, in every field, then through the Worker. The page is parsed as a browser
 * would; the feeds are parsed strictly, and their HTML payloads audited the same way.
 */
import { describe, expect, it } from "vitest";
import vectorsText from "../fixtures/hostile/xss-vectors.txt?raw";
import { sanitise } from "../../src/ingest/sanitise.ts";
import { FEED_TYPES, WORKERS_PAID, fakeNet, feedResponse, profileWith, request, runCron, workerFor } from "../helpers.ts";
import { auditHtml, isScriptUrl, xmlElements } from "./html-audit.ts";

const VECTORS = vectorsText.split("\n").filter((line) => line.trim() !== "");
const CHUNK = 40;
const chunks = Array.from({ length: Math.ceil(VECTORS.length / CHUNK) }, (_, index) => VECTORS.slice(index * CHUNK, (index + 1) * CHUNK));

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const cdata = (text: string) => `<![CDATA[${text.replace(/]]>/g, "]]]]><![CDATA[>")}]]>`;

function rssWith(vectors: string[]): string {
  const items = vectors.map(
    (vector, index) => `<item>
  <title>${escapeXml(vector)}</title>
  <link>${escapeXml(index % 2 ? vector : `javascript:alert(${index})`)}</link>
  <guid isPermaLink="false">${escapeXml(vector)}</guid>
  <description>${escapeXml(vector)}</description>
  <content:encoded>${cdata(vector)}</content:encoded>
  <dc:creator>${escapeXml(vector)}</dc:creator>
  <category>${escapeXml(vector)}</category>
  <enclosure url="${escapeXml(index % 2 ? vector : "javascript:alert(1)")}" type="${escapeXml(vector)}" length="10"/>
  <media:thumbnail url="${escapeXml(index % 2 ? "data:image/svg+xml,<svg onload=alert(1)>" : vector)}"/>
  <pubDate>Mon, 2${index % 8} Nov 2026 10:00:00 GMT</pubDate>
</item>`,
  );
  return `<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Hostile RSS</title><link>https://rss.example/</link><description>x</description>
${items.join("\n")}
</channel></rss>`;
}

function atomWith(vectors: string[]): string {
  const entries = vectors.map(
    (vector, index) => `<entry>
  <id>tag:atom.example,2026:${index}</id>
  <title type="html">${escapeXml(vector)}</title>
  <link rel="alternate" href="${escapeXml(index % 2 ? "vbscript:msgbox(1)" : vector)}"/>
  <updated>2026-11-2${index % 8}T10:00:00Z</updated>
  <author><name>${escapeXml(vector)}</name><uri>${escapeXml(vector)}</uri></author>
  <category term="${escapeXml(vector)}" label="${escapeXml(vector)}"/>
  <summary type="html">${escapeXml(vector)}</summary>
  <content type="html">${escapeXml(vector)}</content>
</entry>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="javascript:alert(1)//">
<id>https://atom.example/</id><title>Hostile Atom</title><updated>2026-11-28T10:00:00Z</updated>
${entries.join("\n")}
</feed>`;
}

function jsonFeedWith(vectors: string[]): string {
  return JSON.stringify({
    version: "https://jsonfeed.org/version/1.1",
    title: "Hostile JSON",
    items: vectors.map((vector, index) => ({
      id: vector,
      url: index % 2 ? vector : "data:text/html,<script>alert(1)</script>",
      external_url: vector,
      title: vector,
      content_html: vector,
      summary: vector,
      image: index % 2 ? vector : " javascript:alert(1)",
      date_published: `2026-11-2${index % 8}T10:00:00Z`,
      authors: [{ name: vector, url: index % 2 ? vector : "javascript:alert(1)" }],
      tags: [vector],
      language: vector,
      attachments: [{ url: index % 2 ? vector : "vbscript:x", mime_type: vector }],
    })),
  });
}

const SETTINGS = { itemsPerSource: 500, maxItems: 10000, pageItems: 200, feedItems: 500, ...WORKERS_PAID };

async function hostileHome(vectors: string[]) {
  const net = fakeNet({
    "https://rss.example/feed.xml": feedResponse(rssWith(vectors), FEED_TYPES.rss),
    "https://atom.example/feed.atom": feedResponse(atomWith(vectors), FEED_TYPES.atom),
    "https://json.example/feed.json": feedResponse(jsonFeedWith(vectors), FEED_TYPES.json),
  });
  const profile = profileWith(
    [
      { url: "https://rss.example/", feed: "https://rss.example/feed.xml", label: "RSS" },
      { url: "https://atom.example/", feed: "https://atom.example/feed.atom", label: "Atom" },
      { url: "https://json.example/", feed: "https://json.example/feed.json", label: "JSON" },
    ],
    { settings: SETTINGS },
  );
  const worker = workerFor(profile, { refresh: { fetcher: net.fetcher } });
  await runCron(worker);
  return worker;
}

describe("the XSS vector table", () => {
  it("has at least 200 vectors, all distinct", () => {
    expect(VECTORS.length).toBeGreaterThanOrEqual(200);
    expect(new Set(VECTORS).size).toBe(VECTORS.length);
  });

  it("the audit itself catches what it must (a clean audit means something)", () => {
    expect(auditHtml('<img src=x onerror="alert(1)">')).not.toEqual([]);
    expect(auditHtml('<a href="jav&#x09;ascript:alert(1)">x</a>')).not.toEqual([]);
    expect(auditHtml("<svg><script>alert(1)</script></svg>")).not.toEqual([]);
    // Only the page's own icon shape is let through: a look-alike with anything more is flagged.
    expect(auditHtml('<svg class="icon" aria-hidden="true"><path d="M0 0h1"/></svg>')).toEqual([]);
    expect(auditHtml('<svg class="icon" aria-hidden="true"><script>alert(1)</script></svg>')).not.toEqual([]);
    expect(auditHtml('<svg class="icon" aria-hidden="true" onload="alert(1)"><path d="M0"/></svg>')).not.toEqual([]);
    expect(auditHtml('<svg class="icon" aria-hidden="true"><animate onbegin="alert(1)"/></svg>')).not.toEqual([]);
    expect(auditHtml('<svg class="icon" aria-hidden="true"><use href="#i-web"/></svg>')).toEqual([]);
    expect(auditHtml('<svg class="icon" aria-hidden="true"><use href="data:image/svg+xml,x#a"/></svg>')).not.toEqual([]);
    expect(auditHtml('<svg class="icon-sprite" aria-hidden="true"><symbol id="a"><script>alert(1)</script></symbol></svg>')).not.toEqual([]);
    expect(auditHtml('<p style="x:expression(alert(1))">x</p>')).not.toEqual([]);
    expect(isScriptUrl(" DATA:text/html,x")).toBe(true);
    expect(auditHtml('<p><a href="https://ok.example/">ok</a></p>')).toEqual([]);
  });

  it("sanitise() leaves no script, handler, style or script URL in any vector", () => {
    const failures: string[] = [];
    for (const vector of VECTORS) {
      const clean = sanitise(vector, "https://blog.example/post/");
      const problems = auditHtml(clean);
      // Sanitising twice changes nothing: the output is already in the allowlist's normal form.
      if (sanitise(clean, "https://blog.example/post/") !== clean) problems.push("not idempotent");
      if (problems.length > 0) failures.push(`${vector}\n  → ${clean}\n  ${problems.join("; ")}`);
    }
    expect(failures).toEqual([]);
  });

  it("keeps safe markup: resolves relative URLs and marks links nofollow ugc noopener", () => {
    const clean = sanitise('<p>Normal <a href="/post" target="_blank" rel="opener">link</a> <img src="rel.png" alt="r"></p>', "https://blog.example/a/");
    expect(clean).toBe('<p>Normal <a href="https://blog.example/post" rel="nofollow ugc noopener">link</a> <img src="https://blog.example/a/rel.png" alt="r" loading="lazy" /></p>');
  });

  it("refuses data: URLs everywhere, data:image in img src included", () => {
    expect(sanitise('<img src="data:image/png;base64,iVBORw0KGgo=" alt="x">')).toBe("");
    expect(sanitise('<a href="data:image/png;base64,iVBORw0KGgo=">x</a>')).toBe('<a rel="nofollow ugc noopener">x</a>');
  });
});

describe.each(chunks.map((vectors, index) => ({ vectors, name: `vectors ${index * CHUNK + 1}–${index * CHUNK + vectors.length}` })))(
  "$name in every field of an RSS, an Atom and a JSON Feed source",
  ({ vectors }) => {
    it("leave the page, RSS, Atom, JSON Feed and status free of scripts", async () => {
      const worker = await hostileHome(vectors);

      const page = await request(worker, "/");
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(auditHtml(html, { document: true, allowedHeadTags: ["meta", "link", "script"] })).toEqual([]);
      // All three sources made it onto the page: the hostile strings were read, not rejected wholesale.
      const articles = html.match(/<article\b/g) ?? [];
      expect(articles.length).toBeGreaterThanOrEqual(Math.min(200, vectors.length * 2));

      for (const path of ["/feed.xml", "/atom.xml"]) {
        const xml = await (await request(worker, path)).text();
        const elements = xmlElements(xml); // throws on malformed XML
        const problems: string[] = [];
        for (const element of elements) {
          // URL-bearing attributes only: a category term saying "javascript:" is text, not a link.
          for (const [name, value] of Object.entries(element.attributes)) {
            if (["href", "url", "src", "uri"].includes(name) && isScriptUrl(value)) problems.push(`${path} <${element.name} ${name}="${value}">`);
          }
          if (["link", "guid", "uri", "id", "icon", "logo"].includes(element.name) && isScriptUrl(element.text.trim())) {
            problems.push(`${path} <${element.name}>${element.text}`);
          }
          const isHtml = element.name === "content:encoded" || (element.name === "content" && element.attributes.type === "html");
          if (isHtml) problems.push(...auditHtml(element.text).map((problem) => `${path} content: ${problem}`));
        }
        expect(problems, path).toEqual([]);
        // Text fields (title, author, category) are escaped: no raw markup survives outside payloads.
        expect(xml).not.toMatch(/<script/i);
        expect(elements.some((element) => element.name === "script" || element.name.startsWith("svg"))).toBe(false);
      }

      const json = (await (await request(worker, "/feed.json")).json()) as { items: Record<string, unknown>[] };
      expect(json.items.length).toBeGreaterThanOrEqual(Math.min(500, vectors.length * 2));
      const jsonProblems: string[] = [];
      for (const item of json.items) {
        for (const key of ["url", "external_url", "image", "banner_image"]) {
          if (typeof item[key] === "string" && isScriptUrl(item[key])) jsonProblems.push(`${key}: ${item[key]}`);
        }
        if (typeof item.url === "string") expect(item.url).toMatch(/^https?:\/\//);
        for (const author of (item.authors ?? []) as { url?: string }[]) if (author.url && isScriptUrl(author.url)) jsonProblems.push(`author url ${author.url}`);
        for (const attachment of (item.attachments ?? []) as { url: string }[]) if (isScriptUrl(attachment.url)) jsonProblems.push(`attachment ${attachment.url}`);
        jsonProblems.push(...auditHtml(String(item.content_html ?? "")));
      }
      expect(jsonProblems).toEqual([]);

      const status = await request(worker, "/status.json");
      expect(status.headers.get("Content-Type")).toMatch(/^application\/json/);
      expect(await status.text()).not.toMatch(/<script/i);

      // The human status page and the OPML list speak of the same sources: clean as well.
      const statusPage = await request(worker, "/status");
      expect(statusPage.status).toBe(200);
      expect(auditHtml(await statusPage.text(), { document: true, allowedHeadTags: ["meta", "link"] })).toEqual([]);
      const opml = xmlElements(await (await request(worker, "/opml.xml")).text());
      const opmlProblems = opml.flatMap((element) =>
        Object.entries(element.attributes).filter(([name, value]) => /url$/i.test(name) && isScriptUrl(value)).map(([name, value]) => `<${element.name} ${name}="${value}">`),
      );
      expect(opmlProblems).toEqual([]);
      expect(opml.filter((element) => element.name === "outline").length).toBeGreaterThan(0);
    });
  },
);
