/** @module GET /status.json: one entry per source, for people and monitoring tools. */
import { Hono } from "hono";
import { sourceFeeds } from "../site.ts";
import { etagOf, timelineOf, type AppEnv } from "./context.ts";

export const status = new Hono<AppEnv>();

status.get("/status.json", async (c) => {
  const site = c.get("site");
  const timeline = await timelineOf(c);
  const stored = new Map(timeline.sources.map((entry) => [entry.id, entry]));
  const feeds = sourceFeeds(site, timeline);
  const never = new Date(0).toISOString();
  const body = {
    home: site.profile.url,
    checked_at: timeline.checkedAt === never ? null : timeline.checkedAt,
    updated_at: timeline.builtAt === never ? null : timeline.builtAt,
    item_count: timeline.items.length,
    sources: site.sources.map((source) => {
      const entry = stored.get(source.id);
      return {
        id: source.id,
        service: source.service,
        service_name: source.serviceName,
        label: source.label,
        url: source.url,
        feed: feeds.get(source.id) ?? null,
        feed_origin: source.feedOrigin,
        identity: source.identity,
        last_fetch: entry?.lastFetch ?? null,
        last_success: entry?.lastSuccess ?? null,
        error: entry?.error ?? null,
        http_status: entry?.httpStatus ?? null,
        warning: entry?.warning ?? null,
        failures: entry?.failures ?? 0,
        next_attempt: entry?.nextAttempt ?? null,
        gone: entry?.gone ?? false,
        item_count: entry?.itemCount ?? 0,
        verification: null,
      };
    }),
  };
  c.header("Cache-Control", "no-cache");
  c.header("ETag", etagOf(site.profileVersion, timeline.version, timeline.checkedAt, "status"));
  return c.json(body);
});
