/**
 * @module GET /feed.xml, /atom.xml, /feed.json: the merged timeline in three formats.
 */
import { Hono } from "hono";
import { renderAtom, renderJsonFeed, renderRss, type FeedDocument } from "../render/feeds.ts";
import { sourceFeeds, type Site } from "../site.ts";
import type { Timeline } from "../store/index.ts";
import { etagOf, timelineOf, type AppContext, type AppEnv } from "./context.ts";
import { optionalInteger, validQuery } from "./validate.ts";

type Format = { path: string; contentType: string; render: (document: FeedDocument) => string };

const FORMATS: Format[] = [
  { path: "/feed.xml", contentType: "application/rss+xml; charset=utf-8", render: renderRss },
  { path: "/atom.xml", contentType: "application/atom+xml; charset=utf-8", render: renderAtom },
  { path: "/feed.json", contentType: "application/feed+json; charset=utf-8", render: renderJsonFeed },
];

/** The document for the merged feed at `path`. */
export function feedDocument(site: Site, timeline: Timeline, path: string, limit = site.profile.settings.feedItems): FeedDocument {
  const { profile } = site;
  return {
    title: profile.name,
    description: profile.note ?? "",
    homeUrl: profile.url,
    selfUrl: new URL(path, profile.url).href,
    lang: profile.lang,
    author: { name: profile.name, url: profile.url, ...(profile.photo ? { avatar: profile.photo } : {}) },
    updated: timeline.builtAt === new Date(0).toISOString() ? new Date().toISOString() : timeline.builtAt,
    items: timeline.items.slice(0, limit),
    sources: new Map(site.sources.map((source) => [source.id, source])),
    sourceFeeds: sourceFeeds(site, timeline),
  };
}

async function serve(c: AppContext, format: Format) {
  const site = c.get("site");
  const { limit = site.profile.settings.feedItems } = validQuery(c, { limit: optionalInteger(1, site.profile.settings.feedItems) });
  const timeline = await timelineOf(c);
  const key = `${site.profileVersion}:${timeline.version}:${format.path}:${limit}`;
  const body = await c.get("renders").get(key, () => format.render(feedDocument(site, timeline, format.path, limit)));
  c.header("Content-Type", format.contentType);
  c.header("Cache-Control", "public, max-age=300");
  c.header("ETag", etagOf(site.profileVersion, timeline.version, format.path, String(limit)));
  return c.body(body);
}

export const feeds = new Hono<AppEnv>();
for (const format of FORMATS) feeds.get(format.path, (c) => serve(c, format));
