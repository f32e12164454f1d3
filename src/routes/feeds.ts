/**
 * @module The feeds: the merged timeline in three formats (GET /feed.xml, /atom.xml, /feed.json,
 * filtered by `?source=` / `?exclude=`), one account's items (GET /feeds/<source-id>.xml, .atom,
 * .json), and GET /opml.xml listing every account's original feed.
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Source } from "../model.ts";
import { renderAtom, renderJsonFeed, renderRss, type FeedDocument } from "../render/feeds.ts";
import { renderOpml } from "../render/opml.ts";
import { itemSources, NEVER, sourceFeeds, type Site } from "../site.ts";
import type { Timeline } from "../store/index.ts";
import { cached } from "./cache.ts";
import { timelineOf, type AppContext, type AppEnv } from "./context.ts";
import { filterQuery, isUnfiltered, passes, sourceFilter, type SourceFilter } from "./filter.ts";
import { hasQuery, optionalInteger, queryValidator } from "./validate.ts";

export type Format = { path: string; extension: string; contentType: string; render: (document: FeedDocument) => string };

export const FORMATS: Format[] = [
  { path: "/feed.xml", extension: "xml", contentType: "application/rss+xml; charset=utf-8", render: renderRss },
  { path: "/atom.xml", extension: "atom", contentType: "application/atom+xml; charset=utf-8", render: renderAtom },
  { path: "/feed.json", extension: "json", contentType: "application/feed+json; charset=utf-8", render: renderJsonFeed },
];

const UNFILTERED: SourceFilter = { include: [], exclude: [] };

/** The `updated` date of a feed: when the timeline last changed, or now for a home not fetched yet. */
function updatedOf(timeline: Timeline): string {
  return timeline.builtAt === NEVER ? new Date().toISOString() : timeline.builtAt;
}

/** The document for the merged feed at `path` (or one source's feed), with the filter and limit applied. */
export function feedDocument(
  site: Site,
  timeline: Timeline,
  path: string,
  filter: SourceFilter = UNFILTERED,
  only?: Source,
  limit = site.profile.settings.feedItems,
): FeedDocument {
  const { profile } = site;
  const items = timeline.items.filter((item) => (only ? item.source === only.id : passes(filter, item.source)));
  return {
    title: only ? `${profile.name} — ${only.label === only.serviceName ? only.serviceName : `${only.label} (${only.serviceName})`}` : profile.name,
    description: profile.note ?? "",
    homeUrl: profile.url,
    selfUrl: new URL(path + filterQuery(filter), profile.url).href,
    ...(profile.websub ? { hub: profile.websub.hub } : {}),
    lang: profile.lang,
    author: { name: profile.name, url: profile.url, ...(profile.photo ? { avatar: profile.photo } : {}) },
    updated: updatedOf(timeline),
    items: items.slice(0, limit),
    sources: itemSources(site),
    sourceFeeds: sourceFeeds(site, timeline),
  };
}

const feedQuery = queryValidator((site) => ({ limit: optionalInteger(1, site.profile.settings.feedItems) }));

/** The validated `?limit=`, the site's feedItems when absent. */
function limitOf(c: AppContext): number {
  return feedQuery(c).limit ?? c.get("site").profile.settings.feedItems;
}

/** The validated `?source=` / `?exclude=` filter; a request without a query string has none to read. */
function filterOf(c: AppContext): SourceFilter {
  return hasQuery(c) ? sourceFilter(c.req.queries(), [...itemSources(c.get("site")).values()]) : UNFILTERED;
}

/** Sends a rendered feed with its type; the ETag comes from the route's variant (routes/cache.ts). */
function send(c: AppContext, format: Format, body: string) {
  c.header("Content-Type", format.contentType);
  c.header("Cache-Control", "public, max-age=300");
  return c.body(body);
}

export const feeds = new Hono<AppEnv>();

for (const format of FORMATS) {
  const mergedFeed = cached((c, timeline) => {
    const filter = filterOf(c);
    return { timeline: timeline.version, filter: filterQuery(filter), limit: limitOf(c) };
  });
  feeds.get(format.path, mergedFeed, async (c) => {
    const { limit } = mergedFeed.variant(c);
    const filter = filterOf(c);
    const document = feedDocument(c.get("site"), await timelineOf(c), format.path, isUnfiltered(filter) ? UNFILTERED : filter, undefined, limit);
    return send(c, format, format.render(document));
  });
}

/** The source and format of `/feeds/<id>.<extension>`. @throws HTTPException 404 naming the valid ids. */
function sourceFeedOf(c: AppContext): { source: Source; format: Format } {
  const file = c.req.param("file")!;
  const dot = file.lastIndexOf(".");
  const id = file.slice(0, dot);
  const format = FORMATS.find((candidate) => candidate.extension === file.slice(dot + 1))!;
  const sources = itemSources(c.get("site"));
  const source = sources.get(id);
  if (!source) throw new HTTPException(404, { message: `no source ${JSON.stringify(id)}; valid ids: ${[...sources.keys()].join(", ")}` });
  return { source, format };
}

const sourceFeed = cached((c, timeline) => {
  const { source, format } = sourceFeedOf(c);
  return { source: source.id, format: format.extension, timeline: timeline.version, limit: limitOf(c) };
});

feeds.get("/feeds/:file{[^/]+\\.(?:xml|atom|json)}", sourceFeed, async (c) => {
  const { source, format } = sourceFeedOf(c);
  const document = feedDocument(c.get("site"), await timelineOf(c), c.req.path, UNFILTERED, source, sourceFeed.variant(c).limit);
  return send(c, format, format.render(document));
});

const opml = cached((_c, timeline) => ({ timeline: timeline.version }));

feeds.get("/opml.xml", opml, async (c) => {
  const site = c.get("site");
  const timeline = await timelineOf(c);
  const body = renderOpml({
    title: `${site.profile.name} — feeds`,
    ownerName: site.profile.name,
    homeUrl: site.profile.url,
    mergedFeedUrl: new URL("/feed.xml", site.profile.url).href,
    updated: updatedOf(timeline),
    sources: site.sources,
    sourceFeeds: sourceFeeds(site, timeline),
  });
  c.header("Content-Type", "text/x-opml; charset=utf-8");
  c.header("Cache-Control", "public, max-age=300");
  return c.body(body);
});
