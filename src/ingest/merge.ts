/**
 * @module Merging items: one source's fresh items with its stored history, and every source's
 * items into the timeline. Within a source the newest copy of an id or a permalink wins (an edit);
 * across sources a permalink belongs to the source whose host serves it, so another feed that
 * claims it (with a newer date, or any date) never replaces the owner's item or its attribution.
 */
import type { Item } from "../model.ts";
import { byNewest } from "./normalise.ts";

/** The hosts each source speaks for, by `Source.id`: its account's and its feed's. */
export type SourceHosts = ReadonlyMap<string, ReadonlySet<string>>;

/** A URL's host without a leading `www.`, lowercased; undefined for what is not a URL. */
export function hostOf(url: string | undefined): string | undefined {
  const host = url ? URL.parse(url)?.hostname.toLowerCase() : undefined;
  return host?.replace(/^www\./, "");
}

/** Newest first, later copies of the same source's id or permalink dropped. */
function withinEachSource(items: Item[]): Item[] {
  const seen = new Set<string>();
  const kept: Item[] = [];
  for (const item of items.sort(byNewest)) {
    const id = `${item.source}\u0000id\u0000${item.id}`;
    const url = item.url === undefined ? undefined : `${item.source}\u0000url\u0000${item.url}`;
    if (seen.has(id) || (url !== undefined && seen.has(url))) continue;
    seen.add(id);
    if (url !== undefined) seen.add(url);
    kept.push(item);
  }
  return kept;
}

/**
 * Merges lists of items into one: newest first, deduplicated, at most `limit`. Two sources that
 * carry the same permalink (a cross-post, or a feed claiming another's post) keep one item: the
 * one from the source whose hosts (`hosts`) include the permalink's host; when none or both do,
 * the one published first (a copy comes after its original).
 *
 * @example
 * mergeTimeline([mastodonItems, blogItems], 200, new Map([["blog", new Set(["blog.camille.example"])]]))
 */
export function mergeTimeline(lists: Iterable<readonly Item[]>, limit: number, hosts: SourceHosts = new Map()): Item[] {
  const all: Item[] = [];
  for (const list of lists) all.push(...list);
  const items = withinEachSource(all);
  const owns = (item: Item) => {
    const host = hostOf(item.url);
    return host !== undefined && (hosts.get(item.source)?.has(host) ?? false);
  };
  const claims = new Map<string, Item>();
  // Newest first: a later item in this loop was published no later than the one held.
  for (const item of items) {
    if (item.url === undefined) continue;
    const held = claims.get(item.url);
    if (!held || (owns(item) && !owns(held)) || (owns(item) === owns(held) && item.published < held.published)) claims.set(item.url, item);
  }
  return items.filter((item) => item.url === undefined || claims.get(item.url) === item).slice(0, limit);
}
