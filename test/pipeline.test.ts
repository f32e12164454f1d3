/**
 * The refresh pipeline's shortcuts change nothing but cost: stored items are reused only while
 * their raw entry is unchanged, entries read before are not parsed again, and a long feed is cut
 * to the limit before it is normalised.
 */
import { describe, expect, it } from "vitest";
import { findEntries, withEntries } from "../src/ingest/entries.ts";
import { normaliseFeed, readFeed, type NormaliseContext } from "../src/ingest/normalise.ts";
import { parseFeed, type ParsedFeed } from "../src/ingest/parse.ts";
import type { Item } from "../src/model.ts";
import { BLOG_SOURCE } from "./fleet.ts";
import codeberg from "./fixtures/feeds/codeberg.rss?raw";
import devto from "./fixtures/feeds/devto.rss?raw";
import gitlab from "./fixtures/feeds/gitlab.atom?raw";
import letterboxd from "./fixtures/feeds/letterboxd.rss?raw";
import reddit from "./fixtures/feeds/reddit.atom?raw";
import wordpress from "./fixtures/feeds/wordpress.rss?raw";
import { FIXTURES } from "./helpers.ts";

const source = BLOG_SOURCE;
const now = new Date("2026-11-26T00:00:00Z");
const context = { source, feedUrl: source.feed!, now };

/** The feed as its raw entries only, as a JSON Feed or a leniently read one gives them. */
async function rawEntriesOf(text: string): Promise<ParsedFeed> {
  const { entries: _entries, ...parsed } = await parseFeed(text);
  return parsed;
}

describe("normaliseFeed", () => {
  it("reuses a stored item whose raw entry is unchanged, and redoes one that changed", async () => {
    const parsed = await rawEntriesOf(wordpress);
    const first = normaliseFeed(parsed, context, 50);
    expect(first.items).toHaveLength(2);
    expect(Object.keys(first.fingerprints).sort()).toEqual(first.items.map((item) => item.id).sort());

    const previous = new Map(first.items.map((item) => [item.id, item]));
    const again = normaliseFeed(parsed, { ...context, previous, fingerprints: first.fingerprints }, 50);
    expect(again.items).toEqual(first.items);
    for (const item of again.items) expect(item).toBe(previous.get(item.id));

    const edited = { ...parsed, items: parsed.items.map((raw, index) => (index === 0 ? { ...raw, title: "Titre corrigé" } : raw)) };
    const third = normaliseFeed(edited, { ...context, previous, fingerprints: first.fingerprints }, 50);
    const changed = third.items.find((item) => item.title === "Titre corrigé");
    expect(changed).toBeDefined();
    expect(changed).not.toBe(previous.get(changed!.id));
    expect(third.fingerprints[changed!.id]).not.toBe(first.fingerprints[changed!.id]);
    // The sanitised content of the edited entry is produced again, not copied: still clean.
    expect(changed!.content_html).not.toContain("<script");
  });

  it("notices an edit of one character inside the content, and text moved from one field to another", async () => {
    const parsed = await rawEntriesOf(wordpress);
    const first = normaliseFeed(parsed, context, 50);
    const previous = new Map(first.items.map((item) => [item.id, item]));
    const raw = parsed.items[0]!;
    const typo = { ...raw, html: raw.html!.replace("e", "é") };
    const moved = { ...raw, title: undefined, summaryHtml: `${raw.title ?? ""}${raw.summaryHtml ?? ""}` };
    for (const variant of [typo, moved]) {
      const next = normaliseFeed({ ...parsed, items: [variant, ...parsed.items.slice(1)] }, { ...context, previous, fingerprints: first.fingerprints }, 50);
      // Exactly the changed entry is normalised again; the other is reused as stored.
      const redone = next.items.filter((item) => item !== previous.get(item.id));
      expect(redone).toHaveLength(1);
      expect(next.fingerprints[redone[0]!.id]).not.toBe(first.fingerprints[redone[0]!.id]);
    }
  });

  it("normalises only the newest entries that fit the limit", async () => {
    const parsed = await parseFeed(wordpress);
    const all = normaliseFeed(parsed, context, 50).items;
    const cut = normaliseFeed(parsed, context, 1);
    expect(cut.items).toEqual([all[0]]);
    expect(Object.keys(cut.fingerprints)).toEqual([all[0]!.id]);
  });
});

const XML_FEEDS = { ...FIXTURES, codeberg, devto, gitlab, letterboxd, reddit } as Record<string, string>;
delete XML_FEEDS.jsonfeed;

/** What the previous run stored after reading `text`, as refresh.ts keeps it. */
async function storedAfter(text: string, context: NormaliseContext, limit = 50): Promise<NormaliseContext> {
  const { items, fingerprints, older } = await readFeed(text, context, limit);
  return { ...context, previous: new Map(items.map((item) => [item.id, item])), fingerprints, older };
}

/** The reference: every entry parsed and normalised, nothing reused. */
async function fromScratch(text: string, context: NormaliseContext, limit = 50): Promise<Item[]> {
  return normaliseFeed(await parseFeed(text), { ...context, fingerprints: {} }, limit).items;
}

/** A blog feed of `count` dated posts, newest first, the newest `skip` left out. */
function blogFeed(count: number, skip = 0): string {
  const items = Array.from({ length: count }, (_, index) => {
    const i = index + skip;
    return `<item><title>Billet ${i}</title><link>https://blog.camille.example/${i}/</link><guid>https://blog.camille.example/?p=${i}</guid><pubDate>${new Date(Date.parse("2026-11-25T07:00:00Z") - i * 86_400_000).toUTCString()}</pubDate><description>&lt;p&gt;Texte ${i}&lt;/p&gt;</description></item>`;
  });
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title><link>https://blog.camille.example/</link>\n${items.join("\n")}\n</channel></rss>`;
}

const reused = (items: Item[], context: NormaliseContext) => items.filter((item) => context.previous?.get(item.id) === item).length;

/** The entries `readFeed` can leave unparsed: the hashes in the fingerprints it gave. */
const knownEntries = (context: NormaliseContext) =>
  new Set(Object.values(context.fingerprints ?? {}).flatMap((fingerprint) => (fingerprint.includes(".") ? [fingerprint.split(".")[0]!] : [])));

describe("readFeed", () => {
  it("parses only the new entry of every fixture feed, and gives what a full read gives", async () => {
    for (const [name, text] of Object.entries(XML_FEEDS)) {
      const entries = findEntries(text)!;
      const count = entries.ranges.length;
      // The same feed one run earlier: without its first entry.
      // After every fixture's dates: an entry dated in the future is parsed on every run (below).
      const before = await storedAfter(withEntries(entries, [...Array(count).keys()].slice(1)), { ...context, now: new Date("2026-11-28T00:00:00Z") });
      const known = knownEntries(before);
      expect(known.size, name).toBe(count - 1);
      expect((await parseFeed(text, known)).items, name).toHaveLength(1);

      const read = await readFeed(text, before, 50);
      expect(read.items, name).toEqual(await fromScratch(text, before));
      expect(reused(read.items, before), name).toBe(count - 1);
      expect(Object.keys(read.fingerprints).sort(), name).toEqual(read.items.map((item) => item.id).sort());
    }
  });

  it("reads an entry again when one character of it changes, and only that entry", async () => {
    const before = await storedAfter(wordpress, context);
    const [start, end] = findEntries(wordpress)!.ranges[1]!;
    const entry = wordpress.slice(start, end);
    const edited = wordpress.slice(0, start) + entry.replace("</title>", ".</title>") + wordpress.slice(end);
    const read = await readFeed(edited, before, 50);
    expect(read.items).toEqual(await fromScratch(edited, before));
    expect(reused(read.items, before)).toBe(read.items.length - 1);
    expect(read.items.some((item) => item.title.endsWith("."))).toBe(true);
  });

  it("reads every entry again when what surrounds them changes how they read", async () => {
    const before = await storedAfter(wordpress, context);
    const variants = {
      language: wordpress.replace(/<language>[^<]*<\/language>/, "<language>en-GB</language>"),
      base: wordpress.replace("<rss ", '<rss xml:base="https://elsewhere.example/" '),
      namespaces: wordpress.replace("<rss ", '<rss xmlns:media="http://search.yahoo.com/mrss/" '),
    };
    for (const [name, text] of Object.entries(variants)) {
      expect(text, name).not.toBe(wordpress);
      const read = await readFeed(text, before, 50);
      expect(read.items, name).toEqual(await fromScratch(text, before));
      expect(reused(read.items, before), name).toBe(0);
    }
    // What does not change how entries read (the build date) keeps them.
    const rebuilt = wordpress.replace("</language>", "</language><lastBuildDate>Sat, 28 Nov 2026 10:00:00 +0000</lastBuildDate>");
    expect(reused((await readFeed(rebuilt, before, 50)).items, before)).toBe(2);
  });

  it("parses again an entry dated in the future (its date moves each run), and one whose item is gone", async () => {
    const future = wordpress.replace(/<pubDate>[^<]*<\/pubDate>/, "<pubDate>Mon, 30 Nov 2026 10:00:00 +0000</pubDate>");
    const before = await storedAfter(future, context);
    expect(knownEntries(before).size).toBe(1);
    expect((await parseFeed(future, knownEntries(before))).items).toHaveLength(1);
    const later = { ...before, now: new Date("2026-11-29T00:00:00Z") };
    expect((await readFeed(future, later, 50)).items).toEqual(await fromScratch(future, later));

    const one = [...before.previous!.values()][0]!;
    const forgotten = { ...before, previous: new Map([...before.previous!].filter(([id]) => id !== one.id)) };
    const read = await readFeed(future, forgotten, 50);
    expect(read.items).toEqual(await fromScratch(future, forgotten));
  });

  it("reads feeds it cannot cut (a DOCTYPE, a JSON Feed, a leniently read feed) whole, every time", async () => {
    const doctype = `<!DOCTYPE rss>${wordpress.replace(/^<\?xml[^>]*>\s*/, "")}`;
    const lenient = wordpress.replace('<rss version="2.0"', "<rss");
    for (const [name, text] of Object.entries({ doctype, lenient, json: FIXTURES.jsonfeed })) {
      const before = await storedAfter(text, context);
      expect(Object.values(before.fingerprints!).some((fingerprint) => fingerprint.includes(".")), name).toBe(false);
      const read = await readFeed(text, before, 50);
      expect(read.items, name).toEqual(await fromScratch(text, before));
      if (name === "lenient") expect(read.lenient).toBeDefined();
    }
  });

  it("leaves unparsed the entries the limit left out, while they stay older than what it keeps", async () => {
    const before = await storedAfter(blogFeed(20, 1), context, 5);
    expect(Object.keys(before.fingerprints!)).toHaveLength(5);
    expect(Object.keys(before.older!)).toHaveLength(15);
    // One new post: only it is parsed; the post it pushes out of the five joins the older ones.
    const text = blogFeed(21);
    const known = new Set([...knownEntries(before), ...Object.keys(before.older!).map((fingerprint) => fingerprint.split(".")[0]!)]);
    expect((await parseFeed(text, known)).items).toHaveLength(1);
    const read = await readFeed(text, before, 5);
    expect(read.items).toEqual(await fromScratch(text, before, 5));
    expect(reused(read.items, before)).toBe(4);
    expect(Object.keys(read.older)).toHaveLength(16);
    // The same feed again: nothing parsed, nothing changed.
    const after = { ...before, previous: new Map(read.items.map((item) => [item.id, item])), fingerprints: read.fingerprints, older: read.older };
    const again = await readFeed(text, after, 5);
    expect(again).toEqual({ items: read.items, fingerprints: read.fingerprints, older: read.older, unread: 0, readChars: again.readChars });
    // Only the feed's frame was read: every entry was left unparsed.
    expect(again.readChars).toBeLessThan(text.length / 5);
  });

  it("reads the whole feed again when an older entry could make the cut (posts deleted, a larger limit)", async () => {
    const before = await storedAfter(blogFeed(20), context, 5);
    const shrunk = blogFeed(18, 2).replace(/<item>[^]*?<\/item>\n/, "").replace(/<item>[^]*?<\/item>\n/, "");
    for (const [text, limit] of [[shrunk, 5], [blogFeed(20), 8]] as const) {
      const read = await readFeed(text, before, limit);
      expect(read.items).toEqual(await fromScratch(text, before, limit));
    }
  });

  it("keeps an entry as old as the cut out of the older ones: without its id, the order of a tie is unknown", async () => {
    const dates = [...blogFeed(20).matchAll(/<pubDate>([^<]*)<\/pubDate>/g)].map((match) => match[1]!);
    // The sixth post gets the fifth's date: with a limit of 5, one of the two is kept.
    const tie = blogFeed(20).replace(`<pubDate>${dates[5]}</pubDate>`, `<pubDate>${dates[4]}</pubDate>`);
    const before = await storedAfter(tie, context, 5);
    expect(Object.keys(before.older!)).toHaveLength(14);
    const read = await readFeed(tie, before, 5);
    expect(read.items).toEqual(await fromScratch(tie, before, 5));
    expect(reused(read.items, before)).toBe(5);
  });
});
