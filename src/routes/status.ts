/** @module GET /status.json: one entry per source, for people and monitoring tools; GET /status, the same as a page. */
import { Hono } from "hono";
import { rotationSlot } from "../ingest/refresh.ts";
import { renderClock } from "../i18n/dates.ts";
import { renderStatusPage } from "../render/status-page.tsx";
import { statusReport } from "../status/report.ts";
import { contentHash } from "../store/index.ts";
import { etagOf, timelineOf, type AppEnv } from "./context.ts";

export const status = new Hono<AppEnv>();

status.get("/status.json", async (c) => {
  const site = c.get("site");
  const timeline = await timelineOf(c);
  const verification = c.get("identity").verdicts(timeline);
  const now = new Date();
  const report = statusReport(site, timeline, verification, c.get("t"), now);
  c.header("Cache-Control", "no-cache");
  // The rotation slot is part of the tag: next_fetch moves on every interval.
  const slot = String(rotationSlot(now, site.profile.settings.refreshMinutes));
  c.header("ETag", etagOf(site.profileVersion, timeline.version, timeline.checkedAt, slot, "status", c.get("lang"), contentHash(report.sources.map((s) => s.verification))));
  return c.json(report);
});

status.get("/status", async (c) => {
  const site = c.get("site");
  const lang = c.get("lang");
  const timeline = await timelineOf(c);
  const verification = c.get("identity").verdicts(timeline);
  const now = renderClock();
  const report = statusReport(site, timeline, verification, c.get("t"), new Date(now));
  const body = await renderStatusPage({
    report,
    name: site.profile.name,
    t: c.get("t"),
    lang,
    stylesheet: site.stylesheet.path,
    favicon: site.favicon.path,
    now,
  });
  c.header("Cache-Control", "no-cache");
  c.header("Vary", "Accept-Language");
  c.header("ETag", etagOf(site.profileVersion, timeline.version, timeline.checkedAt, "status", lang, String(now), contentHash(report.sources.map((s) => s.verification))));
  return c.html(body);
});
