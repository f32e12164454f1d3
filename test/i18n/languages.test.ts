/** The language tables and dates through Intl. */
import { describe, expect, it } from "vitest";
import { exactDate, relativeTime, renderClock, RELATIVE_TIME_BUCKET_MS } from "../../src/i18n/dates.ts";
import { en } from "../../src/i18n/en.ts";
import { fill, LANGUAGES, messagesFor } from "../../src/i18n/languages.ts";

describe("language tables", () => {
  it("have the same keys, each a non-empty string, and their own code", () => {
    const keys = Object.keys(en).sort();
    for (const table of LANGUAGES) {
      expect(Object.keys(table).sort(), table.code).toEqual(keys);
      for (const [key, value] of Object.entries(table)) expect(value.trim(), `${table.code}.${key}`).not.toBe("");
      expect(messagesFor(table.code)).toBe(table);
    }
  });

  it("resolve regional tags and fall back to English", () => {
    expect(messagesFor("fr-CA").code).toBe("fr");
    expect(messagesFor("de").code).toBe("en");
    expect(messagesFor(undefined).code).toBe("en");
    expect(fill(messagesFor("fr").photoOf, { name: "Camille" })).toBe("Portrait de Camille");
  });
});

describe("dates", () => {
  const now = Date.parse("2026-11-28T12:10:00Z");

  it("says how long ago in each language, with the largest whole unit", () => {
    expect(relativeTime("2026-11-28T09:00:00Z", now, "fr")).toBe("il y a 3 heures");
    expect(relativeTime("2026-11-28T09:00:00Z", now, "en")).toBe("3 hours ago");
    expect(relativeTime("2026-11-27T10:00:00Z", now, "fr")).toBe("hier");
    expect(relativeTime("2026-11-20T10:00:00Z", now, "en")).toBe("last week");
    expect(relativeTime("2026-11-28T12:09:30Z", now, "en")).toBe("now");
    // A date after the render time (clock skew) is "now", never "in 5 minutes".
    expect(relativeTime("2026-11-28T12:15:00Z", now, "fr")).toBe("maintenant");
  });

  it("gives the exact date in UTC for the title", () => {
    expect(exactDate("2026-11-28T09:05:00Z", "fr")).toBe("28 novembre 2026 à 09:05 UTC");
    expect(exactDate("2026-11-28T09:05:00Z", "en")).toBe("November 28, 2026 at 09:05 AM UTC");
  });

  it("buckets the render clock, so a cached page is at most one bucket stale", () => {
    const clock = renderClock(now + 123_456);
    expect(clock % RELATIVE_TIME_BUCKET_MS).toBe(0);
    expect(now + 123_456 - clock).toBeLessThan(RELATIVE_TIME_BUCKET_MS);
  });
});
