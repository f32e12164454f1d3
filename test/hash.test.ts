/** The one hash behind ids, versions and fingerprints: its values are stored, so they never change. */
import { describe, expect, it } from "vitest";
import { StableHasher, stableHash } from "../src/hash.ts";

describe("stableHash", () => {
  it("gives the values stored by earlier versions (item ids of undated, unlinked posts depend on them)", () => {
    expect(stableHash("")).toBe("wvjl67o803");
    expect(stableHash("m2 — mon premier m² numérique")).toBe("1ba8stglrcc");
    expect(stableHash("x".repeat(1000))).toBe("21ded0ooxff");
  });

  it("hashes pieces fed one by one as their concatenation", () => {
    const pieces = ["policy\n", "https://blog.example/\n", "", "<p>Un billet</p>", "\u0000title\u0001", "Été"];
    const hasher = new StableHasher();
    for (const piece of pieces) hasher.update(piece);
    expect(hasher.digest()).toBe(stableHash(pieces.join("")));
    expect(new StableHasher().update("ab").digest()).not.toBe(new StableHasher().update("ba").digest());
  });

  it("hashes a range of a string as that slice", () => {
    const text = "<rss><item>Été</item></rss>";
    expect(new StableHasher().update(text, 5, 21).digest()).toBe(stableHash(text.slice(5, 21)));
    expect(new StableHasher().update(text, 5, 5).digest()).toBe(stableHash(""));
  });
});
