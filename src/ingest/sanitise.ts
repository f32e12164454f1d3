/**
 * @module The one allowlist every feed-supplied HTML string goes through before it is stored, and
 * the plain-text extraction used for summaries and generated titles.
 *
 * sanitize-html (on htmlparser2, a real HTML parser) keeps only the tags, attributes and URL
 * schemes listed here; relative URLs are resolved against the item's base, links get
 * `rel="nofollow ugc noopener"`.
 */
import sanitizeHtml from "sanitize-html";
import { decodeHTML } from "entities";
import { Parser } from "htmlparser2";
import { MAX_CONTENT_HTML_CHARS, MAX_HTML_INPUT_CHARS } from "./limits.ts";

// Most frequent first: sanitize-html looks tags up with indexOf, several times per element.
const ALLOWED_TAGS = [
  "p", "a", "br", "img", "li", "em", "strong", "span", "div", "ul", "i", "b", "code", "blockquote",
  "figure", "figcaption", "ol", "pre", "h2", "h3", "h4", "h5", "h6", "hr", "small", "sup", "sub",
  "abbr", "caption", "cite", "dd", "del", "details", "dfn", "dl", "dt", "ins", "kbd", "mark", "q",
  "s", "samp", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "var",
];

const SAFE_SCHEMES = ["http", "https", "mailto"];

/** Resolves `value` against `base`; undefined when it is not a URL we keep. */
export function absoluteUrl(value: string | undefined, base: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  try {
    const url = base ? new URL(trimmed, base) : new URL(trimmed);
    return url.protocol === "http:" || url.protocol === "https:" || url.protocol === "mailto:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function resolving(attribute: "href" | "src", base: string | undefined, extra: Record<string, string> = {}) {
  return (tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag => {
    const next: sanitizeHtml.Attributes = { ...attribs, ...extra };
    const resolved = absoluteUrl(attribs[attribute], base);
    if (resolved === undefined) delete next[attribute];
    else next[attribute] = resolved;
    return { tagName, attribs: next };
  };
}

/**
 * Sanitises untrusted HTML from a feed. `base` resolves relative links and images.
 *
 * @example
 * sanitise('<p onclick="x()">Hi <a href="/a">a</a><script>alert(1)</script></p>', "https://blog.example/")
 * // → '<p>Hi <a href="https://blog.example/a" rel="nofollow ugc noopener">a</a></p>'
 */
export function sanitise(html: string, base?: string): string {
  return sanitizeHtml(html, optionsFor(base));
}

/**
 * `sanitise`, bounded: the raw HTML is cut at `MAX_HTML_INPUT_CHARS` before it is parsed (a
 * partial tag at the cut is dropped by the parser), and an output longer than `max` is cut and
 * sanitised again, so the open elements are closed and nothing half-written is left: a cut in a
 * tag or an entity moves back before it. Each retry halves the room, since closing many nested
 * elements can outgrow the cut.
 *
 * @example
 * sanitiseWithin("<p>" + "word ".repeat(10_000), "https://blog.example/", 20) // → "<p>word word word </p>"
 */
export function sanitiseWithin(html: string, base: string | undefined, max = MAX_CONTENT_HTML_CHARS): string {
  let clean = sanitise(cutChars(html, MAX_HTML_INPUT_CHARS), base);
  for (let room = max; clean.length > max; room = Math.floor(room / 2)) clean = sanitise(cutSanitised(clean, room), base);
  return clean;
}

/** `sanitise` output cut to at most `max` characters, never inside a tag or an entity. */
function cutSanitised(html: string, max: number): string {
  let cut = cutChars(html, max);
  // In sanitise's output `<` only opens a tag and `&` only opens an entity (both are escaped in text).
  const tag = cut.lastIndexOf("<");
  if (tag > cut.lastIndexOf(">")) cut = cut.slice(0, tag);
  const entity = cut.lastIndexOf("&");
  if (entity > cut.lastIndexOf(";")) cut = cut.slice(0, entity);
  return cut;
}

/**
 * The first `max` UTF-16 code units of `text`, one fewer when the cut would split a surrogate pair
 * (half an emoji is not a character).
 */
export function cutChars(text: string, max: number): string {
  if (text.length <= max) return text;
  const high = text.charCodeAt(max - 1);
  return text.slice(0, high >= 0xd800 && high <= 0xdbff ? max - 1 : max);
}

/** The options for one base, kept for the next call: a feed's items share their base. */
let lastOptions: { base: string | undefined; options: sanitizeHtml.IOptions } | undefined;

function optionsFor(base: string | undefined): sanitizeHtml.IOptions {
  if (lastOptions && lastOptions.base === base) return lastOptions.options;
  const options: sanitizeHtml.IOptions = {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      "*": ["lang", "dir", "title"],
      a: ["href", "rel"],
      img: ["src", "alt", "width", "height", "loading"],
      td: ["colspan", "rowspan"],
      th: ["colspan", "rowspan", "scope"],
      time: ["datetime"],
      ol: ["start", "reversed"],
    },
    allowedSchemes: SAFE_SCHEMES,
    allowedSchemesByTag: { img: ["http", "https"] },
    allowProtocolRelative: false,
    allowedStyles: {},
    parseStyleAttributes: false,
    disallowedTagsMode: "discard",
    nonTextTags: ["script", "style", "textarea", "option", "noscript", "title", "template", "xmp", "iframe", "noembed", "noframes"],
    transformTags: {
      a: resolving("href", base, { rel: "nofollow ugc noopener" }),
      img: resolving("src", base, { loading: "lazy" }),
      h1: "h2",
    },
    exclusiveFilter: (frame) => frame.tag === "img" && !frame.attribs.src,
  };
  lastOptions = { base, options };
  return options;
}

const BLOCK_TAGS = new Set([
  "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
  "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
  "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
]);
const SKIPPED_TAGS = new Set(["script", "style", "template", "noscript", "title", "textarea"]);

/** The readable text of an HTML fragment: entities decoded, blocks separated, whitespace folded. */
export function htmlToText(html: string): string {
  // Most titles, authors and tags are plain text, or text with entities: no parser needed.
  if (!html.includes("<")) return foldLines(html.includes("&") ? decodeHTML(html) : html);
  let text = "";
  let skipping = 0;
  const parser = new Parser(
    {
      onopentagname(name) {
        if (SKIPPED_TAGS.has(name)) skipping++;
        if (BLOCK_TAGS.has(name)) text += "\n";
      },
      onclosetag(name) {
        if (SKIPPED_TAGS.has(name)) skipping = Math.max(0, skipping - 1);
        if (BLOCK_TAGS.has(name)) text += "\n";
      },
      ontext(data) {
        if (skipping === 0) text += data;
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return foldLines(text);
}

/** A tag of `sanitise`'s output, where `<` and `>` never occur in text or attribute values. */
const SANITISED_TAG = /<\/?([a-z][a-z0-9]*)(?:[^a-z0-9>][^>]*)?>/g;

/**
 * `htmlToText` for `sanitise`'s output only, without a parser: there every `<` opens a tag and
 * every `>` closes one (text and attribute values are escaped), no comment or script survives,
 * so the tags can be matched by a pattern. Same result as `htmlToText`, in a fraction of the time.
 */
export function sanitisedText(html: string): string {
  if (!html.includes("<")) return htmlToText(html);
  return foldLines(decodeHTML(html.replace(SANITISED_TAG, (_tag, name: string) => (BLOCK_TAGS.has(name) ? "\n" : ""))));
}

/**
 * Each line's whitespace folded to one space and trimmed, empty lines dropped. Line by line, with
 * linear patterns only: a pattern like `\s*\n\s*` backtracks quadratically on a long run of
 * spaces (6 s for 50 000 of them), and feed text is hostile.
 */
function foldLines(text: string): string {
  return text
    .split("\n")
    .map((line) => line.replace(/\s+/g, " ").trim())
    .filter((line) => line !== "")
    .join("\n");
}

/** Cuts text at a word boundary to at most `max` characters, adding "…" when it cut. */
export function truncate(text: string, max: number): string {
  const folded = text.replace(/\s+/g, " ").trim();
  if (folded.length <= max) return folded;
  const cut = cutChars(folded, max - 1);
  const space = cut.lastIndexOf(" ");
  const kept = space > max * 0.6 ? cut.slice(0, space) : cut;
  // Trailing spaces and punctuation go before the ellipsis; a loop, since `[…]+$` is quadratic.
  let end = kept.length;
  while (end > 0 && TRAILING.has(kept[end - 1]!)) end--;
  return `${kept.slice(0, end)}…`;
}

const TRAILING = new Set([" ", ",", ";", ":", ".", "!", "?", "-"]);

/**
 * What in a text could still be read as markup: `<` opening a tag, a closing tag, a comment or a
 * processing instruction, or an entity spelling `<`. Each match is two to a few characters: linear.
 */
const MARKUP_IN_TEXT = /<[A-Za-z/!?]|&(?:lt|#0*60|#x0*3c);/i;

/** How many more times a title is read as HTML while it still holds markup (double escaping is common, triple rare). */
const TITLE_DECODING_ROUNDS = 3;

/**
 * A title is text, and nothing in it may look like markup to any reader: feed readers guess
 * whether an RSS title is HTML (Python's feedparser does when it sees a tag or an entity) and
 * render it. The feed's title is read as HTML, and read again while what it says still holds tags
 * (a double-escaped `&amp;lt;b&amp;gt;` title becomes its words); `neutralise` makes what remains
 * after that plain characters.
 *
 * @example
 * titleText("&lt;b&gt;Bold&lt;/b&gt; &amp;lt;script&amp;gt;x&amp;lt;/script&amp;gt;") // → "Bold"
 */
export function titleText(html: string): string {
  let text = htmlToText(cutChars(html, MAX_HTML_INPUT_CHARS));
  for (let round = 0; round < TITLE_DECODING_ROUNDS && MARKUP_IN_TEXT.test(text); round++) text = htmlToText(text);
  return neutralise(text);
}

/**
 * Text that holds nothing a reader could take for markup: when something in it could open a tag,
 * every `<` becomes "‹" and every `&` becomes "＆" (a post that says `<div>` still says it).
 */
export function neutralise(text: string): string {
  return MARKUP_IN_TEXT.test(text) ? text.replace(/</g, "‹").replace(/&/g, "＆") : text;
}
