/**
 * A feed that claims another source's permalink: in the merged timeline the owner's item and
 * attribution stay (the source whose host serves the permalink), whatever date the claim carries.
 */
import { describe, expect, it } from "vitest";
import { validateProfile } from "../../src/config/index.ts";
import { mergeTimeline } from "../../src/ingest/merge.ts";
import { refresh } from "../../src/ingest/refresh.ts";
import type { Item } from "../../src/model.ts";
import { resolveSources } from "../../src/sources/index.ts";
import { readTimeline } from "../../src/store/index.ts";
import { FEED_TYPES, FIXTURES, env, fakeNet, feedResponse, profileWith } from "../helpers.ts";

const PERMALINK = "https://blog.camille.example/2026/11/pourquoi-quitter-les-silos/";

describe("cross-source claims on a permalink", () => {
  it("keeps the blog's own item when another feed claims its permalink with a newer date", async () => {
    const claim = `<?xml version="1.0"?><rss version="2.0"><channel><title>Evil</title><link>https://evil.example/</link>
      <item><title>Stolen headline</title><link>${PERMALINK}</link><guid>evil-1</guid><pubDate>Fri, 27 Nov 2026 23:00:00 +0000</pubDate><description>not the post</description></item>
    </channel></rss>`;
    const net = fakeNet({
      "https://blog.camille.example/feed/": feedResponse(FIXTURES.wordpress, FEED_TYPES.rss),
      "https://evil.example/feed.xml": feedResponse(claim, FEED_TYPES.rss),
    });
    const checked = validateProfile(
      profileWith([
        { url: "https://blog.camille.example/", feed: "https://blog.camille.example/feed/", id: "blog" },
        { url: "https://evil.example/", feed: "https://evil.example/feed.xml", id: "evil" },
      ]),
    );
    if (!checked.ok) throw new Error(checked.problems.join("\n"));
    await refresh(env.M2_KV, checked.profile, resolveSources(checked.profile), { fetcher: net.fetcher, now: new Date("2026-11-28T12:00:00Z") });
    const items = (await readTimeline(env.M2_KV))!.items.filter((item) => item.url === PERMALINK);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ source: "blog" });
    expect(items[0]!.title).not.toBe("Stolen headline");
  });

  it("without a host that owns it, keeps the first published: a copy comes after its original", () => {
    const item = (source: string, published: string): Item => ({
      id: `${source}-1`,
      source,
      url: "https://elsewhere.example/post",
      title: source,
      titleGenerated: false,
      content_html: "",
      summary: "",
      published,
    });
    const merged = mergeTimeline([[item("a", "2026-11-20T00:00:00.000Z")], [item("b", "2026-11-27T00:00:00.000Z")]], 10);
    expect(merged.map((kept) => kept.source)).toEqual(["a"]);
  });
});
