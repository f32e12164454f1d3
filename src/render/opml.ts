/**
 * @module OPML 2.0 subscription list: the merged feed, then every account's original feed, so a
 * reader can follow each account directly. Pure; every string is escaped.
 */
import type { Source } from "../model.ts";
import { xml } from "./feeds.ts";

export interface OpmlDocument {
  title: string;
  ownerName: string;
  /** The person's home page (OPML ownerId). */
  homeUrl: string;
  /** Absolute URL of the merged RSS feed. */
  mergedFeedUrl: string;
  /** When the content last changed (ISO). */
  updated: string;
  sources: readonly Source[];
  /** The original feed URL of each source that has one now. */
  sourceFeeds: ReadonlyMap<string, string>;
}

function outline(attributes: Record<string, string>): string {
  return `<outline ${Object.entries(attributes)
    .map(([name, value]) => `${name}="${xml(value)}"`)
    .join(" ")}/>`;
}

export function renderOpml(document: OpmlDocument): string {
  const out = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<opml version="2.0">',
    "<head>",
    `<title>${xml(document.title)}</title>`,
    `<dateCreated>${new Date(document.updated).toUTCString()}</dateCreated>`,
    `<ownerName>${xml(document.ownerName)}</ownerName>`,
    `<ownerId>${xml(document.homeUrl)}</ownerId>`,
    "<docs>http://opml.org/spec2.opml</docs>",
    "</head>",
    "<body>",
    outline({ text: document.ownerName, title: document.ownerName, type: "rss", xmlUrl: document.mergedFeedUrl, htmlUrl: document.homeUrl }),
  ];
  for (const source of document.sources) {
    const feed = document.sourceFeeds.get(source.id);
    if (!feed) continue;
    const text = source.label === source.serviceName ? `${source.serviceName}${source.handle ? ` ${source.handle}` : ""}` : `${source.label} (${source.serviceName})`;
    out.push(outline({ text, title: text, type: "rss", xmlUrl: feed, htmlUrl: source.url }));
  }
  out.push("</body>", "</opml>", "");
  return out.join("\n");
}
