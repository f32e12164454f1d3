/**
 * The refresh pipeline's shortcuts change nothing but cost: stored items are reused only while
 * their raw entry is unchanged, and a long feed is cut to the limit before it is normalised.
 */
import { describe, expect, it } from "vitest";
import { normaliseFeed } from "../src/ingest/normalise.ts";
import { parseFeed } from "../src/ingest/parse.ts";
import { BLOG_SOURCE } from "./fleet.ts";
import wordpress from "./fixtures/feeds/wordpress.rss?raw";

const source = BLOG_SOURCE;
const now = new Date("2026-11-26T00:00:00Z");
const context = { source, feedUrl: source.feed!, now };

describe("normaliseFeed", () => {
  it("reuses a stored item whose raw entry is unchanged, and redoes one that changed", async () => {
    const parsed = await parseFeed(wordpress);
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
    const parsed = await parseFeed(wordpress);
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
