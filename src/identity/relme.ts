/**
 * @module rel=me, both ways, as pure functions over HTML: the links a page declares, Mastodon's
 * exact acceptance rule, and the verdict m2 gives an account page that should link back home.
 */
import { Parser } from "htmlparser2";
import type { LinkBackVerdict } from "../model.ts";

/** An `<a>` or `<link>` with an href, and its rel tokens (lowercased). */
export interface PageLink {
  tag: "a" | "link";
  href: string;
  rels: string[];
}

/** rel tokens as HTML defines them: split on ASCII whitespace, compared case-insensitively. */
export function relTokens(rel: string | null | undefined): string[] {
  return (rel ?? "")
    .toLowerCase()
    .split(/[\t\n\f\r ]+/)
    .filter((token) => token !== "");
}

/**
 * Every `<a>` and `<link>` with an href, in document order, plus the text of description meta
 * tags (where a profile's bio often survives on JavaScript-rendered pages).
 */
export function pageLinks(html: string): { links: PageLink[]; descriptions: string[] } {
  const links: PageLink[] = [];
  const descriptions: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if ((name === "a" || name === "link") && attributes.href !== undefined) {
          links.push({ tag: name, href: attributes.href, rels: relTokens(attributes.rel) });
        } else if (name === "meta" && attributes.content) {
          const key = (attributes.name ?? attributes.property ?? "").toLowerCase();
          if (key === "description" || key === "og:description" || key === "twitter:description") descriptions.push(attributes.content);
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  return { links, descriptions };
}

/**
 * Mastodon's rule (VerifyLinkService): some `<a>` or `<link>` whose rel tokens contain `me` has
 * an href that, lowercased, equals the profile URL lowercased. No trailing-slash, scheme or
 * relative-URL tolerance.
 *
 * @example
 * mastodonAccepts('<a rel="me" href="https://mastodon.social/@camille">', "https://mastodon.social/@camille"); // true
 */
export function mastodonAccepts(html: string, profileUrl: string): boolean {
  const wanted = profileUrl.toLowerCase();
  return pageLinks(html).links.some((link) => link.rels.includes("me") && link.href.toLowerCase() === wanted);
}

/**
 * The comparison key of the tolerant match: scheme, host case and trailing slashes ignored.
 * "HTTPS://Camille.example" and "http://camille.example/" share the key "camille.example".
 */
export function looseKey(url: string): string {
  const key = url.trim().toLowerCase().replace(/^https?:\/\//, "");
  // A loop, not `/\/+$/`: that pattern rescans each run of slashes from every slash in it
  // (quadratic on an href of 40 000 slashes and one more character).
  let end = key.length;
  while (end > 0 && key.charCodeAt(end - 1) === 0x2f /* / */) end--;
  return key.slice(0, end);
}

export interface LinkBack {
  verdict: LinkBackVerdict;
  /** The exact string found on the page, when it is not exactly the home URL. */
  found?: string;
}

/**
 * Does this account page link back to `home`? `verified` by Mastodon's rule; `verified-loosely`
 * when a rel=me link matches only with scheme/host-case/trailing-slash tolerance (`found` is the
 * string to fix); `links-back-without-rel-me` when the home URL is linked or written without
 * rel=me; else `no-link-back`.
 */
export function judgeLinkBack(html: string, home: string): LinkBack {
  const { links, descriptions } = pageLinks(html);
  const exact = home.toLowerCase();
  const loose = looseKey(home);
  const relMe = links.filter((link) => link.rels.includes("me"));
  if (relMe.some((link) => link.href.toLowerCase() === exact)) return { verdict: "verified" };
  const nearly = relMe.find((link) => looseKey(link.href) === loose);
  if (nearly) return { verdict: "verified-loosely", found: nearly.href };
  const plain = links.find((link) => looseKey(link.href) === loose);
  if (plain) return { verdict: "links-back-without-rel-me", found: plain.href };
  const mention = descriptions.find((text) => mentions(text, home));
  if (mention !== undefined) return { verdict: "links-back-without-rel-me" };
  return { verdict: "no-link-back" };
}

/** The home URL as plain text mentions it, with or without scheme and trailing slash; the exact string, or undefined. */
export function mentionOf(text: string, home: string): string | undefined {
  const key = looseKey(home).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // Not part of a longer host or path: "camille.example.org" and "camille.example/blog" do not count.
  const match = new RegExp(`(?<![a-z0-9.@/-])((?:https?://)?${key}/*)(?![a-z0-9_-]|[./][a-z0-9])`, "i").exec(text);
  return match?.[1];
}

export function mentions(text: string, home: string): boolean {
  return mentionOf(text, home) !== undefined;
}

/** The exact home URL in plain text (Bluesky descriptions): `verified`, `verified-loosely` or `no-link-back`. */
export function judgeText(text: string, home: string): LinkBack {
  const found = mentionOf(text, home);
  if (!found) return { verdict: "no-link-back" };
  return found.toLowerCase() === home.toLowerCase() ? { verdict: "verified" } : { verdict: "verified-loosely", found };
}
