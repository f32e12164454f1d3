/**
 * @module What `POST /webmention` checks before it queues (W3C Webmention §3.2.1), without fetching
 * anything: `source` and `target` are http(s) URLs of at most `MAX_MENTION_URL_CHARS`, not the
 * same page, and the target is on this home (the store then checks it is the home page or a post).
 */
import { MAX_MENTION_URL_CHARS } from "./limits.ts";
import type { Received } from "./mention-store.ts";

export type Checked = { ok: true; mention: Received } | { ok: false; reason: string };

function httpUrl(value: string | undefined, name: string): URL | string {
  if (value === undefined || value.trim() === "") return `${name} is missing`;
  if (value.length > MAX_MENTION_URL_CHARS) return `${name} is longer than ${MAX_MENTION_URL_CHARS} characters`;
  const url = URL.parse(value.trim());
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") return `${name} is not an http(s) URL`;
  url.hash = "";
  return url;
}

/**
 * @example
 * checkMention("https://alex.example/r/1", "https://camille.example/notes/abc", "https://camille.example/")
 * // → { ok: true, mention: { source: …, target: …, path: "/notes/abc", host: "alex.example" } }
 */
export function checkMention(source: string | undefined, target: string | undefined, home: string): Checked {
  const from = httpUrl(source, "source");
  if (typeof from === "string") return { ok: false, reason: from };
  const to = httpUrl(target, "target");
  if (typeof to === "string") return { ok: false, reason: to };
  if (from.href === to.href) return { ok: false, reason: "source and target are the same URL" };
  if (to.host !== new URL(home).host) return { ok: false, reason: `target is not on this home (${new URL(home).host})` };
  return { ok: true, mention: { source: from.href, target: to.href, path: to.pathname, host: from.hostname.toLowerCase() } };
}
