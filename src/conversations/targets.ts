/**
 * @module Whom an own post notifies: the URLs it responds to (in-reply-to, like-of, repost-of,
 * bookmark-of) and those its content links with `<a href>`, other sites' only, at most
 * `MAX_TARGETS_PER_POST`; an edit also notifies the URLs it removed, a deletion all of them.
 */
import type { Mf2Properties } from "../posts/types.ts";
import { anchorsIn, resolveHttp } from "./html-links.ts";
import { MAX_TARGETS_PER_POST } from "./limits.ts";

const RESPONSES = ["in-reply-to", "like-of", "repost-of", "bookmark-of"] as const;

/** The targets of a post at `postUrl` whose rendered HTML is `contentHtml`. */
export function targetsOf(properties: Mf2Properties, contentHtml: string, postUrl: string): string[] {
  const home = new URL(postUrl).origin;
  const found = new Set<string>();
  for (const property of RESPONSES) {
    for (const value of properties[property] ?? []) {
      const raw = typeof value === "string" ? value : typeof value === "object" && value !== null && "properties" in value ? value.properties.url?.[0] : undefined;
      const url = typeof raw === "string" ? resolveHttp(raw, postUrl) : undefined;
      if (url) found.add(url);
    }
  }
  for (const url of anchorsIn(contentHtml, postUrl, MAX_TARGETS_PER_POST * 2)) found.add(url);
  return [...found].filter((url) => new URL(url).origin !== home).slice(0, MAX_TARGETS_PER_POST);
}

/** What an edit notifies: the new targets, then those it removed. */
export function editTargets(before: string[], after: string[]): string[] {
  const kept = new Set(after);
  return [...after, ...before.filter((url) => !kept.has(url))].slice(0, MAX_TARGETS_PER_POST * 2);
}
