/** Normalise, sanitise and merge: what every Item promises. */
import { describe, expect, it } from "vitest";
import { mergeTimeline } from "../../src/ingest/merge.ts";
import { normalise } from "../../src/ingest/normalise.ts";
import { parseFeed } from "../../src/ingest/parse.ts";
import { htmlToText, sanitise, sanitisedText, truncate } from "../../src/ingest/sanitise.ts";
import vectorsText from "../fixtures/hostile/xss-vectors.txt?raw";
import type { Item, Source } from "../../src/model.ts";
import { FIXTURES } from "../helpers.ts";

const NOW = new Date("2026-11-28T12:00:00Z");

function source(id: string): Source {
  return { id, url: `https://${id}.example/`, label: id, service: "web", serviceName: "Website", feedOrigin: "configured", identity: true, authn: false, icon: "web", fediverse: false };
}

async function itemsOf(text: string, feedUrl: string, id = "src", limit = 50, previous?: Map<string, Item>) {
  return normalise(await parseFeed(text), { source: source(id), feedUrl, now: NOW, previous }, limit);
}

describe("normalise", () => {
  it("gives untitled Mastodon posts a short title from their text", async () => {
    const [first] = await itemsOf(FIXTURES.mastodon, "https://mastodon.social/@camille.rss");
    expect(first!.titleGenerated).toBe(true);
    // The first line runs past 80 characters: the title is its first sentence.
    expect(first!.title).toBe("Mon site perso tourne enfin sur un Worker : un seul endroit pour tous mes comptes.");
    const [, second] = await itemsOf(FIXTURES.mastodon, "https://mastodon.social/@camille.rss");
    expect(second!.title).toBe("Photo du marché de la Croix-Rousse ce matin ☀️");
    expect(first!.id).toBe("https://mastodon.social/@camille/113555000000000003");
  });

  it("keeps given titles, decodes entities, sanitises content and resolves relative URLs", async () => {
    const [post] = await itemsOf(FIXTURES.wordpress, "https://blog.camille.example/feed/");
    expect(post!.title).toBe("Pourquoi j’ai quitté les silos & repris mon domaine");
    expect(post!.titleGenerated).toBe(false);
    expect(post!.content_html).toContain('src="https://blog.camille.example/wp-content/uploads/2026/11/maison.jpg"');
    expect(post!.content_html).toContain('<a href="https://blog.camille.example/2026/10/mon-premier-m2/" rel="nofollow ugc noopener">');
    expect(post!.content_html).not.toMatch(/script|onmouseover|steal/);
    expect(post!.summary).toBe("Après dix ans sur les réseaux, j’ai décidé de tout rapatrier chez moi. Voici pourquoi, et comment. […]");
    expect(post!.image).toBe("https://blog.camille.example/wp-content/uploads/2026/11/maison.jpg");
    expect(post!.lang).toBe("fr-FR");
    expect(post!.author).toEqual({ name: "Camille" });
    expect(post!.source).toBe("src");
  });

  it("turns Bluesky plain text into paragraphs and keeps at:// ids", async () => {
    const [post] = await itemsOf(FIXTURES.bluesky, "https://bsky.app/profile/camille.example/rss");
    expect(post!.content_html).toBe(
      "<p>Petit thread sur rel=me et la vérification des comptes 🧵</p><p>1/ Chaque compte doit pointer vers votre domaine &amp; votre domaine vers chaque compte.</p>",
    );
    expect(post!.id).toBe("at://did:plc:abcdefghijklmnopqrstuvwx/app.bsky.feed.post/3lbxyz2abcd2k");
    expect(post!.published).toBe("2026-11-27T12:30:00.000Z");
  });

  it("resolves JSON Feed URLs against the feed and escapes content_text", async () => {
    const items = await itemsOf(FIXTURES.jsonfeed, "https://notes.camille.example/feed.json");
    const english = items.find((item) => item.id === "2")!;
    expect(english.url).toBe("https://notes.camille.example/2026/11/20/english-note");
    expect(english.updated).toBe("2026-11-21T10:00:00.000Z");
    expect(english.lang).toBe("en");
    expect(items.find((item) => item.id !== "2")!.content_html).toBe(
      "<p>Carnet du jour : installé m2, branché mon domaine.</p><p>Prochaine étape : WebFinger.</p>",
    );
  });

  it("clamps future dates to now and gives undated items their first-seen time", async () => {
    const feed = `<rss version="2.0"><channel><title>t</title>
      <item><guid>future</guid><title>From the future</title><pubDate>Mon, 01 Jan 2035 00:00:00 GMT</pubDate></item>
      <item><guid>undated</guid><title>No date</title></item>
    </channel></rss>`;
    const first = await itemsOf(feed, "https://x.example/feed");
    expect(first.find((item) => item.id === "future")!.published).toBe(NOW.toISOString());
    expect(first.find((item) => item.id === "undated")!.published).toBe(NOW.toISOString());
    const seen = new Map(first.map((item) => [item.id, { ...item, published: "2026-01-01T00:00:00.000Z" }]));
    const later = await itemsOf(feed, "https://x.example/feed", "src", 50, seen);
    expect(later.find((item) => item.id === "undated")!.published).toBe("2026-01-01T00:00:00.000Z");
  });

  it("makes a stable id from the content when the item has neither guid nor link", async () => {
    const feed = `<rss version="2.0"><channel><title>t</title><item><description>Only text</description></item></channel></rss>`;
    const [a] = await itemsOf(feed, "https://x.example/feed");
    const [b] = await itemsOf(feed, "https://x.example/feed");
    expect(a!.id).toMatch(/^hash:[0-9a-z]+$/);
    expect(a!.id).toBe(b!.id);
  });

  it("uses xml:base for relative links in Atom", async () => {
    const feed = `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://base.example/blog/"><title>t</title>
      <entry><id>urn:x:1</id><title>One</title><updated>2026-11-01T00:00:00Z</updated><link href="posts/one"/></entry></feed>`;
    const [item] = await itemsOf(feed, "https://elsewhere.example/atom.xml");
    expect(item!.url).toBe("https://base.example/blog/posts/one");
  });

  it("sorts newest first, dedupes by id and URL, and caps per source", async () => {
    const items = [3, 1, 2, 2].map((n) => `<item><guid>${n}</guid><link>https://x.example/${n}</link><pubDate>Mon, 0${n} Nov 2026 00:00:00 GMT</pubDate></item>`);
    const feed = `<rss version="2.0"><channel><title>t</title>${items.join("")}<item><guid>other</guid><link>https://x.example/1</link></item></channel></rss>`;
    const result = await itemsOf(feed, "https://x.example/feed", "src", 2);
    expect(result.map((item) => item.id)).toEqual(["other", "3"]);
    const all = await itemsOf(feed, "https://x.example/feed", "src", 10);
    expect(all.map((item) => item.url)).toEqual(["https://x.example/1", "https://x.example/3", "https://x.example/2"]);
  });
});

describe("mergeTimeline", () => {
  it("interleaves sources by date, drops cross-posts with the same URL, and caps the total", async () => {
    const mastodon = await itemsOf(FIXTURES.mastodon, "https://mastodon.social/@camille.rss", "mastodon");
    const blog = await itemsOf(FIXTURES.wordpress, "https://blog.camille.example/feed/", "blog");
    const merged = mergeTimeline([mastodon, blog], 4);
    expect(merged.map((item) => `${item.source}:${item.published.slice(0, 10)}`)).toEqual([
      "mastodon:2026-11-27",
      "mastodon:2026-11-26",
      "blog:2026-11-25",
      "mastodon:2026-11-24",
    ]);
    const crossPost = { ...blog[0]!, source: "mastodon", id: "cross" };
    const deduped = mergeTimeline([mastodon, blog, [crossPost]], 10);
    expect(deduped).toHaveLength(mastodon.length + blog.length);
    expect(deduped.filter((item) => item.url === blog[0]!.url)).toHaveLength(1);
  });
});

describe("sanitise", () => {
  it("keeps the allowlist and drops everything else", () => {
    const html = sanitise('<p style="x" onclick="a()">Hi <a href="javascript:alert(1)">x</a><img src="/i.png" onerror="b()"><iframe src="https://e"></iframe></p>', "https://b.example/");
    expect(html).toBe('<p>Hi <a rel="nofollow ugc noopener">x</a><img src="https://b.example/i.png" loading="lazy" /></p>');
  });

  it("extracts readable text with blocks on their own lines", () => {
    expect(htmlToText("<p>One &amp; two</p><p>Three<br>four</p><script>no()</script>")).toBe("One & two\nThree\nfour");
  });

  it("decodes entities in text without markup, as the parser does", () => {
    for (const text of ["Billet 3 : pourquoi j&#8217;ai quitté les silos &#038; repris mon domaine", "A &amp B &lt; C &eacute;t&eacute; &#x1F600; &bogus; & done"]) {
      const parsed = htmlToText(`<span>${text}</span>`);
      expect(htmlToText(text)).toBe(parsed);
    }
    expect(htmlToText("j&#8217;ai &amp; toi")).toBe("j’ai & toi");
  });

  it("reads the text of its own output without a parser, exactly as the parser does", async () => {
    // Every XSS vector and every fixture entry: sanitise(), then the pattern and the parser must agree.
    const inputs = vectorsText.split("\n").filter((line) => line.trim() !== "");
    for (const text of Object.values(FIXTURES)) {
      for (const item of (await parseFeed(text)).items) inputs.push(item.html ?? "", item.summaryHtml ?? "", item.title ?? "");
    }
    inputs.push("<h1>Title</h1><ul><li>one<br>two</li></ul><p>a &lt;b&gt; &amp;amp; <img src=x alt='>'> c</p>", "plain & simple", "");
    let compared = 0;
    for (const input of inputs) {
      const clean = sanitise(input, "https://b.example/");
      expect(sanitisedText(clean), input).toBe(htmlToText(clean));
      compared++;
    }
    expect(compared).toBeGreaterThan(300);
  });

  it("folds long runs of whitespace and stray brackets in linear time (no backtracking pattern)", () => {
    // 200 000 characters each: a quadratic pattern would take minutes here, not milliseconds.
    const spaces = " ".repeat(200_000);
    expect(htmlToText(`a${spaces}b`)).toBe("a b");
    expect(htmlToText(`<p>a${spaces}\n${spaces}b</p>`)).toBe("a\nb");
    expect(sanitisedText(`<p>a${spaces}b</p>`)).toBe("a b");
    expect(sanitisedText(`<p>x</p><${"a".repeat(200_000)}`)).toContain("x");
  });

  it("truncates at a word boundary", () => {
    expect(truncate("Un domaine, une page, tous mes comptes.", 20)).toBe("Un domaine, une…");
  });
});
