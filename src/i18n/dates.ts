/**
 * @module Dates for people, through Intl: the exact date (for `<time title>`) and a relative one
 * ("il y a 3 heures"). Relative dates are computed against the render time, which is bucketed
 * (see `renderClock`) so a cached render is never more than one bucket stale.
 */

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** How often rendered pages are rebuilt for their relative dates: they are at most this stale. */
export const RELATIVE_TIME_BUCKET_MS = 10 * 60_000;

/** The render time for `now`: the start of its bucket, part of render cache keys and ETags. */
export function renderClock(now = Date.now()): number {
  return now - (now % RELATIVE_TIME_BUCKET_MS);
}

/**
 * "il y a 3 heures", "3 hours ago", "hier": the largest whole unit, rounded down.
 *
 * @example
 * relativeTime("2026-11-28T09:00:00Z", Date.parse("2026-11-28T12:10:00Z"), "fr") // "il y a 3 heures"
 */
export function relativeTime(iso: string, now: number, lang: string): string {
  const seconds = Math.max(0, (now - Date.parse(iso)) / 1000);
  const format = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
  for (const [unit, size] of UNITS) {
    if (seconds >= size) return format.format(-Math.floor(seconds / size), unit);
  }
  // Under a minute, or in the render's bucket: "now" / "maintenant".
  return format.format(0, "second");
}

/** The exact date and time, in UTC (a render cannot know the reader's time zone). */
export function exactDate(iso: string, lang: string): string {
  return new Intl.DateTimeFormat(lang, {
    year: "numeric",
    month: "long",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "UTC",
    timeZoneName: "short",
  }).format(new Date(iso));
}

/** A short date ("28 nov. 2026"). */
export function shortDate(iso: string, lang: string): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(iso));
}
