/**
 * Finds English on a page that should be French: every sentence of the English table (each piece
 * between its `{placeholders}`, when it has a few words), and the English that ingest, identity and
 * the feed-origin notes write for /status.json.
 */
import { en } from "../../src/i18n/en.ts";
import { fr } from "../../src/i18n/fr.ts";

/** English written outside the tables, for /status.json only. */
const RAW_ENGLISH = [
  "derived from the",
  "account URL",
  "found on",
  "link rel=",
  "set in profile.json",
  "publishes no feed",
  "shown as a link only",
  "will be read",
  "no feed found",
  "could not read",
  "to find its feed",
  "links back",
  "link back",
  "with rel=me",
  "without rel=me",
  "expected",
  "mentions the home",
  "Not Found",
  "Service Unavailable",
  "the feed is gone",
  "timed out",
  "larger than",
  "not a feed",
  "Website",
];

/** The language's own name and the link to read in it are English on every page, by design. */
const SAME_ON_EVERY_PAGE = new Set(["name", "readIn"]);

const TABLE_ENGLISH = Object.entries(en).flatMap(([key, value]) =>
  SAME_ON_EVERY_PAGE.has(key) || value === (fr as Record<string, string>)[key]
    ? []
    : value
        .split(/\{\w+\}/)
        .map((piece) => piece.trim())
        .filter((piece) => piece.split(/\s+/).length >= 3),
);

/** The text a person reads: tags dropped, the few entities hono/jsx writes decoded. */
export function visibleText(html: string): string {
  return html
    .replace(/<head>[\s\S]*<\/head>/, "")
    .replace(/<[^>]*>/g, " ")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

/** The known English phrases found in `text` (case-insensitive), plus any of `extra`. */
export function englishIn(text: string, extra: string[] = []): string[] {
  const lower = text.toLowerCase();
  return [...TABLE_ENGLISH, ...RAW_ENGLISH, ...extra].filter((phrase) => lower.includes(phrase.toLowerCase()));
}
