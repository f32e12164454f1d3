/** @module GET / (the home page) and the stylesheet it links. */
import { Hono } from "hono";
import { ProfilePage } from "../render/page.tsx";
import { CSS, STYLESHEET_PATH } from "../render/style.ts";
import { etagOf, timelineOf, type AppEnv } from "./context.ts";
import { optionalInteger, validQuery } from "./validate.ts";

export const pages = new Hono<AppEnv>();

pages.get("/", async (c) => {
  const site = c.get("site");
  const t = c.get("t");
  const lang = c.get("lang");
  const { limit = site.profile.settings.pageItems } = validQuery(c, { limit: optionalInteger(1, site.profile.settings.pageItems) });
  const [timeline, verification] = await Promise.all([timelineOf(c), c.get("identity").verdicts(c.env.M2_KV)]);
  const verified = [...verification].filter(([, entry]) => entry.verdict === "verified").map(([id]) => id).join(".");
  const key = `${site.profileVersion}:${timeline.version}:/:${lang}:${verified}:${limit}`;
  const body = await c.get("renders").get(key, async () => {
    const items = timeline.items.slice(0, limit);
    const page = <ProfilePage profile={site.profile} sources={site.sources} items={items} t={t} lang={lang} stylesheet={STYLESHEET_PATH} verification={verification} />;
    return (await page.toString()) as string;
  });
  c.header("Cache-Control", "public, max-age=60");
  c.header("ETag", etagOf(site.profileVersion, timeline.version, lang, verified, String(limit)));
  c.header("Vary", "Accept-Language");
  return c.html(body);
});

pages.get(STYLESHEET_PATH, (c) => {
  c.header("Content-Type", "text/css; charset=utf-8");
  c.header("Cache-Control", "public, max-age=31536000, immutable");
  return c.body(CSS);
});
