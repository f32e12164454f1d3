/** @module GET /status.json: one entry per source, for people and monitoring tools; GET /status, the same as a page. */
import { Hono } from "hono";
import { verificationReport } from "../identity/hints.ts";
import type { Failure, FailureKind, Verification } from "../model.ts";
import { en, type Messages } from "../i18n/en.ts";
import { nextTurn, rotationSlot, SUBREQUEST_BUDGET } from "../ingest/refresh.ts";
import { renderClock } from "../i18n/dates.ts";
import { faviconFor } from "../render/favicon.ts";
import { renderStatusPage } from "../render/status-page.tsx";
import { stylesheetFor } from "../render/style.ts";
import { sourceFeeds, type Site } from "../site.ts";
import { feedOriginOf } from "../sources/origin.ts";
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
  /** Where the feed came from, in words (or why there is none). */
  feed_note: string;
  identity: boolean;
  last_fetch: string | null;
  last_success: string | null;
  /** The last failure's detail (English), its kind and its stage (`Failure`, model.ts). */
  error: string | null;
  error_kind: FailureKind | null;
  error_stage: Failure["stage"] | null;
  http_status: number | null;
  warning: string | null;
  failures: number;
  next_attempt: string | null;
  /**
   * When a scheduled run will next fetch it: the later of its turn in the rotation (sources beyond
   * one run's subrequest budget take turns, oldest fetch first) and `next_attempt`; null when it is
   * never fetched (gone, or a link without a feed).
   */
  next_fetch: string | null;
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
  /** Sources fetched per scheduled run at most, and runs needed to fetch every source once. */
  rotation: { sources_per_run: number; runs_per_cycle: number };
  sources: SourceReport[];
}

const NEVER = new Date(0).toISOString();

/** The status of every source, from the timeline (no other KV read). */
export function statusReport(
  site: Site,
  timeline: Timeline,
  verification: ReadonlyMap<string, Verification> = new Map(),
  t: Messages = en,
  now = new Date(),
): StatusReport {
  const stored = new Map(timeline.sources.map((entry) => [entry.id, entry]));
  const feeds = sourceFeeds(site, timeline);
  const count = site.sources.length;
  const minutes = site.profile.settings.refreshMinutes;
  return {
    home: site.profile.url,
    checked_at: timeline.checkedAt === NEVER ? null : timeline.checkedAt,
    updated_at: timeline.builtAt === NEVER ? null : timeline.builtAt,
    item_count: timeline.items.length,
    rotation: { sources_per_run: Math.min(count, SUBREQUEST_BUDGET), runs_per_cycle: Math.max(1, Math.ceil(count / SUBREQUEST_BUDGET)) },
    sources: site.sources.map((source, index) => {
      const entry = stored.get(source.id);
      const turn = nextTurn(index, count, now, minutes, SUBREQUEST_BUDGET).toISOString();
      const fetched = feeds.has(source.id) && !entry?.gone;
      return {
        id: source.id,
        service: source.service,
        service_name: source.serviceName,
        label: source.label,
        url: source.url,
        feed: feeds.get(source.id) ?? null,
        feed_origin: feedOriginOf(source, entry).origin,
        feed_note: feedOriginOf(source, entry).note,
        identity: source.identity,
        last_fetch: entry?.lastFetch ?? null,
        last_success: entry?.lastSuccess ?? null,
        error: entry?.failure?.detail ?? null,
        error_kind: entry?.failure?.kind ?? null,
        error_stage: entry?.failure?.stage ?? null,
        http_status: entry?.failure?.status ?? null,
        warning: entry?.warning ?? null,
        failures: entry?.failures ?? 0,
        next_attempt: entry?.nextAttempt ?? null,
        next_fetch: fetched ? (entry?.nextAttempt && entry.nextAttempt > turn ? entry.nextAttempt : turn) : null,
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
    stylesheet: stylesheetFor(site.profile).path,
    favicon: faviconFor(site.profile).path,
    now,
  });
  c.header("Cache-Control", "no-cache");
  c.header("Vary", "Accept-Language");
  c.header("ETag", etagOf(site.profileVersion, timeline.version, timeline.checkedAt, "status", lang, String(now), contentHash(report.sources.map((s) => s.verification))));
  return c.html(body);
});
