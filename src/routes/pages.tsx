/** @module GET / (the home page), its stylesheet and its favicon. */
import { Hono } from "hono";
import { renderClock } from "../i18n/dates.ts";
import { faviconFor } from "../render/favicon.ts";
import { ProfilePage } from "../render/page.tsx";
import { CSS, STYLESHEET_PATH, stylesheetFor } from "../render/style.ts";
import { etagOf, timelineOf, type AppEnv } from "./context.ts";
import { optionalInteger, validQuery } from "./validate.ts";

export const pages = new Hono<AppEnv>();

pages.get("/", async (c) => {
  const site = c.get("site");
  const t = c.get("t");
  const lang = c.get("lang");
  const { limit = site.profile.settings.pageItems } = validQuery(c, { limit: optionalInteger(1, site.profile.settings.pageItems) });
  const timeline = await timelineOf(c);
  const verification = c.get("identity").verdicts(timeline);
  const verified = c.get("identity").verifiedIds(timeline);
  // Relative dates ("il y a 3 heures") are computed at render time: the render clock is part of
  // the cache key and ETag, so a cached page is at most one bucket (10 minutes) stale.
  const now = renderClock();
  const key = `${site.profileVersion}:${timeline.version}:/:${lang}:${verified}:${now}:${limit}`;
  const body = await c.get("renders").get(key, async () => {
    const items = timeline.items.slice(0, limit);
    const page = (
      <ProfilePage
        profile={site.profile}
        sources={site.sources}
        items={items}
        t={t}
        lang={lang}
        stylesheet={stylesheetFor(site.profile).path}
        favicon={faviconFor(site.profile).path}
        now={now}
        verification={verification}
      />
    );
    return (await page.toString()) as string;
  });
  c.header("Cache-Control", "public, max-age=60");
  c.header("ETag", etagOf(site.profileVersion, timeline.version, lang, verified, String(now), String(limit)));
  // The language is the page's own `<html lang>`; a Content-Language header would repeat it.
  c.header("Vary", "Accept-Language");
  return c.html(body);
});

const YEAR = "public, max-age=31536000, immutable";

// The base stylesheet (error pages) and the profile's (base + accent): both fingerprinted.
pages.get("/:file{m2\\.[a-z0-9]+\\.css}", async (c, next) => {
  const path = c.req.path;
  const sheet = stylesheetFor(c.get("site").profile);
  const css = path === sheet.path ? sheet.css : path === STYLESHEET_PATH ? CSS : null;
  if (css === null) return next();
  c.header("Content-Type", "text/css; charset=utf-8");
  c.header("Cache-Control", YEAR);
  return c.body(css);
});

pages.get("/:file{favicon\\.[a-z0-9]+\\.svg}", async (c, next) => {
  const favicon = faviconFor(c.get("site").profile);
  if (c.req.path !== favicon.path) return next();
  c.header("Content-Type", "image/svg+xml");
  c.header("Cache-Control", YEAR);
  return c.body(favicon.svg);
});
