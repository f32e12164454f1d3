/** @module GET /status.json: one entry per source, for people and monitoring tools; GET /status, the same as a page. */
import { Hono } from "hono";
import { verificationReport } from "../identity/hints.ts";
import type { Verification } from "../identity/verify.ts";
import { en, type Messages } from "../i18n/en.ts";
import { renderClock } from "../i18n/dates.ts";
import { faviconFor } from "../render/favicon.ts";
import { renderStatusPage } from "../render/status-page.tsx";
import { stylesheetFor } from "../render/style.ts";
import { sourceFeeds, type Site } from "../site.ts";
import { contentHash, type Timeline } from "../store/index.ts";
import { etagOf, timelineOf, type AppEnv } from "./context.ts";

/** One source's entry on /status.json (and the /status page). */
export interface SourceReport {
  id: string;
  service: string;
  service_name: string;
  label: string;
  url: string;
  feed: string | null;
  feed_origin: string;
  identity: boolean;
  last_fetch: string | null;
  last_success: string | null;
  error: string | null;
  http_status: number | null;
  warning: string | null;
  failures: number;
  next_attempt: string | null;
  gone: boolean;
  item_count: number;
  /** The inbound rel=me verdict for identity accounts; null until checked. */
  verification: ReturnType<typeof verificationReport>;
}

export interface StatusReport {
  home: string;
  checked_at: string | null;
  updated_at: string | null;
  item_count: number;
  sources: SourceReport[];
}

const NEVER = new Date(0).toISOString();

/** The status of every source, from the timeline (no other KV read). */
export function statusReport(
  site: Site,
  timeline: Timeline,
  verification: ReadonlyMap<string, Verification> = new Map(),
  t: Messages = en,
): StatusReport {
  const stored = new Map(timeline.sources.map((entry) => [entry.id, entry]));
  const feeds = sourceFeeds(site, timeline);
  return {
    home: site.profile.url,
    checked_at: timeline.checkedAt === NEVER ? null : timeline.checkedAt,
    updated_at: timeline.builtAt === NEVER ? null : timeline.builtAt,
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
        verification: verificationReport(verification.get(source.id), source, site.profile.url, t),
      };
    }),
  };
}

export const status = new Hono<AppEnv>();

status.get("/status.json", async (c) => {
  const site = c.get("site");
  const [timeline, verification] = await Promise.all([timelineOf(c), c.get("identity").verdicts(c.env.M2_KV)]);
  const report = statusReport(site, timeline, verification, c.get("t"));
  c.header("Cache-Control", "no-cache");
  c.header("ETag", etagOf(site.profileVersion, timeline.version, timeline.checkedAt, "status", c.get("lang"), contentHash(report.sources.map((s) => s.verification))));
  return c.json(report);
});

status.get("/status", async (c) => {
  const site = c.get("site");
  const lang = c.get("lang");
  const [timeline, verification] = await Promise.all([timelineOf(c), c.get("identity").verdicts(c.env.M2_KV)]);
  const now = renderClock();
  const report = statusReport(site, timeline, verification, c.get("t"));
  const body = await renderStatusPage({
    report,
    name: site.profile.name,
    t: c.get("t"),
    lang,
    stylesheet: stylesheetFor(site.profile).path,
    favicon: faviconFor(site.profile).path,
    now,
  });
  c.header("Cache-Control", "no-cache");
  c.header("Vary", "Accept-Language");
  c.header("ETag", etagOf(site.profileVersion, timeline.version, timeline.checkedAt, "status", lang, String(now), contentHash(report.sources.map((s) => s.verification))));
  return c.html(body);
});
