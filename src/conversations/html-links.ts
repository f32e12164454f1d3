/**
 * @module What a fetched HTML page links to, read with htmlparser2 (a real parser: comments and
 * escaped markup are not elements), never with a regular expression: the first Webmention endpoint
 * (`<link>` or `<a>` whose rel has the token `webmention` and which has an href), and every URL the
 * page points at (`a`/`area`/`link` href, `img`/`video`/`audio`/`source`/`iframe` src…), resolved
 * against the page's URL or its `<base href>`. At most `MAX_ELEMENTS_SCANNED` elements are read.
 */
import { Parser } from "htmlparser2";
import { MAX_ELEMENTS_SCANNED } from "./limits.ts";

/** The attributes holding a URL the page links to, by element. */
const LINKING: Record<string, readonly string[]> = {
  a: ["href"],
  area: ["href"],
  link: ["href"],
  img: ["src", "srcset"],
  video: ["src", "poster"],
  audio: ["src"],
  source: ["src", "srcset"],
  iframe: ["src"],
  embed: ["src"],
  object: ["data"],
  blockquote: ["cite"],
  q: ["cite"],
  ins: ["cite"],
  del: ["cite"],
};

/** `value` resolved against `base`, http(s) only, without its fragment; undefined otherwise. */
export function resolveHttp(value: string, base: string): string | undefined {
  const url = URL.parse(value.trim(), base);
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) return undefined;
  url.hash = "";
  return url.href;
}

/** The space-separated tokens of an attribute, lowercased (rel values), split without a regex. */
function tokens(value: string): string[] {
  const out: string[] = [];
  let current = "";
  for (const char of value.toLowerCase()) {
    if (char === " " || char === "\t" || char === "\n" || char === "\r" || char === "\f") {
      if (current) out.push(current);
      current = "";
    } else current += char;
  }
  if (current) out.push(current);
  return out;
}

/** The URLs of a srcset: each candidate's first word. */
function srcsetUrls(value: string): string[] {
  return value.split(",").flatMap((candidate) => tokens(candidate.trim()).slice(0, 1));
}

/** Walks the elements of `html` (at most `MAX_ELEMENTS_SCANNED`), tracking `<base href>`; `visit` returns true to stop. */
function walk(html: string, pageUrl: string, visit: (name: string, attributes: Record<string, string>, base: string) => boolean): void {
  let base = pageUrl;
  let seen = 0;
  let done = false;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (done) return;
        if (++seen > MAX_ELEMENTS_SCANNED) {
          done = true;
          return;
        }
        if (name === "base" && attributes.href !== undefined) base = resolveHttp(attributes.href, pageUrl) ?? base;
        if (visit(name, attributes, base)) done = true;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
}

/**
 * The first `<link>` or `<a>` with `rel~=webmention` and an href, resolved (an empty href is the
 * page itself, webmention.rocks test 15); undefined when there is none.
 */
export function endpointInHtml(html: string, pageUrl: string): string | undefined {
  let found: string | undefined;
  walk(html, pageUrl, (name, attributes, base) => {
    if ((name !== "link" && name !== "a") || attributes.href === undefined || attributes.rel === undefined) return false;
    if (!tokens(attributes.rel).includes("webmention")) return false;
    found = resolveHttp(attributes.href, base);
    return found !== undefined;
  });
  return found;
}

/** Every URL `html` links to (see `LINKING`), resolved, without fragments, at most `most`. */
export function linksIn(html: string, pageUrl: string, most = Infinity): Set<string> {
  const links = new Set<string>();
  walk(html, pageUrl, (name, attributes, base) => {
    for (const attribute of LINKING[name] ?? []) {
      const value = attributes[attribute];
      if (value === undefined) continue;
      for (const raw of attribute === "srcset" ? srcsetUrls(value) : [value]) {
        const url = resolveHttp(raw, base);
        if (url) links.add(url);
      }
    }
    return links.size >= most;
  });
  return links;
}

/** The URLs a piece of HTML links with `<a href>` only (an own post's content: what it talks about). */
export function anchorsIn(html: string, pageUrl: string, most: number): string[] {
  const links = new Set<string>();
  walk(html, pageUrl, (name, attributes, base) => {
    if (name === "a" && attributes.href !== undefined) {
      const url = resolveHttp(attributes.href, base);
      if (url) links.add(url);
    }
    return links.size >= most;
  });
  return [...links];
}
