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
import { sourceFeeds, type Site } from "../site.ts";
import type { Timeline } from "../store/index.ts";
import { etagOf, timelineOf, type AppContext, type AppEnv } from "./context.ts";
import { filterQuery, isUnfiltered, passes, sourceFilter, type SourceFilter } from "./filter.ts";
import { optionalInteger, validQuery } from "./validate.ts";

type Format = { path: string; extension: string; contentType: string; render: (document: FeedDocument) => string };

const FORMATS: Format[] = [
  { path: "/feed.xml", extension: "xml", contentType: "application/rss+xml; charset=utf-8", render: renderRss },
  { path: "/atom.xml", extension: "atom", contentType: "application/atom+xml; charset=utf-8", render: renderAtom },
  { path: "/feed.json", extension: "json", contentType: "application/feed+json; charset=utf-8", render: renderJsonFeed },
];

const UNFILTERED: SourceFilter = { include: [], exclude: [] };

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
    lang: profile.lang,
    author: { name: profile.name, url: profile.url, ...(profile.photo ? { avatar: profile.photo } : {}) },
    updated: timeline.builtAt === new Date(0).toISOString() ? new Date().toISOString() : timeline.builtAt,
    items: items.slice(0, limit),
    sources: new Map(site.sources.map((source) => [source.id, source])),
    sourceFeeds: sourceFeeds(site, timeline),
  };
}

async function serve(c: AppContext, format: Format, path: string, filter: SourceFilter, only?: Source) {
  const site = c.get("site");
  const { limit = site.profile.settings.feedItems } = validQuery(c, { limit: optionalInteger(1, site.profile.settings.feedItems) });
  const timeline = await timelineOf(c);
  // Renders are cached by content version, path and filter: each filtered view renders once per change.
  const variant = `${path}${filterQuery(filter)}:${limit}`;
  const key = `${site.profileVersion}:${timeline.version}:${variant}`;
  const body = await c.get("renders").get(key, () => format.render(feedDocument(site, timeline, path, filter, only, limit)));
  c.header("Content-Type", format.contentType);
  c.header("Cache-Control", "public, max-age=300");
  c.header("ETag", etagOf(site.profileVersion, timeline.version, variant));
  return c.body(body);
}

export const feeds = new Hono<AppEnv>();

for (const format of FORMATS) {
  feeds.get(format.path, (c) => {
    const filter = sourceFilter(c.req.queries(), c.get("site").sources);
    return serve(c, format, format.path, isUnfiltered(filter) ? UNFILTERED : filter);
  });
}

feeds.get("/feeds/:file{[^/]+\\.(?:xml|atom|json)}", (c) => {
  const file = c.req.param("file");
  const dot = file.lastIndexOf(".");
  const id = file.slice(0, dot);
  const format = FORMATS.find((candidate) => candidate.extension === file.slice(dot + 1))!;
  const { sources } = c.get("site");
  const source = sources.find((candidate) => candidate.id === id);
  if (!source) throw new HTTPException(404, { message: `no source ${JSON.stringify(id)}; valid ids: ${sources.map((s) => s.id).join(", ")}` });
  return serve(c, format, `/feeds/${file}`, UNFILTERED, source);
});

feeds.get("/opml.xml", async (c) => {
  const site = c.get("site");
  const timeline = await timelineOf(c);
  const key = `${site.profileVersion}:${timeline.version}:/opml.xml`;
  const body = await c.get("renders").get(key, () =>
    renderOpml({
      title: `${site.profile.name} — feeds`,
      ownerName: site.profile.name,
      homeUrl: site.profile.url,
      mergedFeedUrl: new URL("/feed.xml", site.profile.url).href,
      updated: timeline.builtAt === new Date(0).toISOString() ? new Date().toISOString() : timeline.builtAt,
      sources: site.sources,
      sourceFeeds: sourceFeeds(site, timeline),
    }),
  );
  c.header("Content-Type", "text/x-opml; charset=utf-8");
  c.header("Cache-Control", "public, max-age=300");
  c.header("ETag", etagOf(site.profileVersion, timeline.version, "opml"));
  return c.body(body);
});
