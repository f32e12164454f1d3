/** @module GET / (the home page), its stylesheet and its favicon. */
import { Hono } from "hono";
import { discoveryLinks, linkHeader } from "../auth/endpoints.ts";
import { renderClock } from "../i18n/dates.ts";
import { ProfilePage } from "../render/page.tsx";
import { CSS, STYLESHEET_PATH } from "../render/style.ts";
import { actorOnAccept } from "./activitypub.ts";
import { cached } from "./cache.ts";
import { timelineOf, type AppEnv } from "./context.ts";
import { optionalInteger, queryValidator } from "./validate.ts";

export const pages = new Hono<AppEnv>();

const YEAR = "public, max-age=31536000, immutable";

const pageQuery = queryValidator((site) => ({ limit: optionalInteger(1, site.profile.settings.pageItems) }));

const homePage = cached((c, timeline) => {
  const site = c.get("site");
  const { limit = site.profile.settings.pageItems } = pageQuery(c);
  return {
    lang: c.get("lang"),
    limit,
    timeline: timeline.version,
    // The counts of Webmentions on the own posts' entries.
    mentions: c.get("timelines").mentions().version,
    verified: c.get("identity").verifiedIds(timeline),
    // Relative dates ("il y a 3 heures") are computed at render time: with the render clock in
    // the variant, a cached page is at most one bucket (10 minutes) stale.
    now: renderClock(),
  };
});

// The home URL is also the ActivityPub actor's id: ActivityPub clients get its JSON, browsers the page.
pages.get("/", actorOnAccept, homePage, async (c) => {
  const site = c.get("site");
  const { lang, limit, now } = homePage.variant(c);
  const timeline = await timelineOf(c);
  const page = (
    <ProfilePage
      profile={site.profile}
      sources={site.sources}
      own={site.own}
      items={timeline.items.slice(0, limit)}
      t={c.get("t")}
      lang={lang}
      stylesheet={site.stylesheet.path}
      favicon={site.favicon.path}
      now={now}
      verification={c.get("identity").verdicts(timeline)}
      mentionCounts={c.get("timelines").mentions().counts}
    />
  );
  c.header("Cache-Control", "public, max-age=60");
  const links = discoveryLinks(site.profile);
  if (links.length > 0) c.header("Link", linkHeader(links));
  // The language is the page's own `<html lang>`; a Content-Language header would repeat it.
  c.header("Vary", "Accept-Language, Accept");
  return c.html(await page.toString());
});

// The base stylesheet (error pages) and the profile's (base + accent): both fingerprinted.
pages.get("/:file{m2\\.[a-z0-9]+\\.css}", async (c, next) => {
  const path = c.req.path;
  const sheet = c.get("site").stylesheet;
  const css = path === sheet.path ? sheet.css : path === STYLESHEET_PATH ? CSS : null;
  if (css === null) return next();
  c.header("Content-Type", "text/css; charset=utf-8");
  c.header("Cache-Control", YEAR);
  return c.body(css);
});

pages.get("/:file{favicon\\.[a-z0-9]+\\.svg}", async (c, next) => {
  const favicon = c.get("site").favicon;
  if (c.req.path !== favicon.path) return next();
  c.header("Content-Type", "image/svg+xml");
  c.header("Cache-Control", YEAR);
  return c.body(favicon.svg);
});
