/**
 * @module When and how inbound verification runs: once a day (in one cron slot) and right after
 * the identity accounts change, on its own small subrequest budget carved out of the cron's 50.
 * A verdict that changed is stored with the timeline, by the refresh that follows in the same
 * cron run; the page and /status.json read verdicts from the timeline they already have.
 */
import { pool, SubrequestBudget } from "../ingest/budget.ts";
import { userAgentFor } from "../ingest/fetch.ts";
import type { Site } from "../site.ts";
import { contentHash, readTimeline, type IdentityRecord, type Timeline } from "../store/index.ts";
import type { Source, Verification } from "../model.ts";
import { isVerifiable, verifySource } from "./verify.ts";

/** Subrequests a verification run may spend (each account: one page, up to 3 redirects). */
export const VERIFY_BUDGET = 10;
/** The daily slot, in minutes after midnight UTC: the first cron at or after 03:00 (crons run every 30 minutes). */
export const DAILY_SLOT = { startMinute: 180, lengthMinutes: 30 } as const;
const CONCURRENCY = 4;

/** Hash of what a verdict depends on: the home URL and each identity account. */
export function identityAccountsHash(site: Site): string {
  return contentHash({ home: site.profile.url, accounts: site.sources.filter(isVerifiable).map((source) => [source.id, source.url, source.service]) });
}

/** True when `now` falls in the daily verification slot. */
export function inDailySlot(now: Date): boolean {
  const minute = now.getUTCHours() * 60 + now.getUTCMinutes();
  return minute >= DAILY_SLOT.startMinute && minute < DAILY_SLOT.startMinute + DAILY_SLOT.lengthMinutes;
}

/** Why a cron run should verify now, or null when it should not. */
export function verificationDue(site: Site, record: IdentityRecord | null, now: Date): string | null {
  if (!site.sources.some(isVerifiable)) return null;
  if (!record) return "never verified";
  if (record.accounts !== identityAccountsHash(site)) return "identity accounts changed";
  if (site.sources.some((source) => isVerifiable(source) && !record.verdicts[source.id])) return "accounts not verified yet";
  if (inDailySlot(now)) return "daily check";
  return null;
}

const withoutTime = (verdicts: Record<string, Verification>) =>
  JSON.stringify(Object.entries(verdicts).map(([id, { checked_at: _at, ...rest }]) => [id, rest]));

export interface VerifyRunSummary {
  reason: string | null;
  checked: string[];
  subrequests: number;
  /** A verdict changed: `record` is to be stored (refresh's `identity` option). */
  changed: boolean;
  record?: IdentityRecord;
}

/** The summary of a cron run that did not verify (not due, KV unreadable, or verification failed). */
export const NO_VERIFICATION: VerifyRunSummary = Object.freeze({ reason: null, checked: [], subrequests: 0, changed: false });

/**
 * Verifies the identity accounts, unverified ones first, within `budget` subrequests; keeps the
 * previous verdict of an account the budget did not reach or whose verdict did not change.
 */
export async function runVerification(
  site: Site,
  previous: IdentityRecord | null,
  options: { now: Date; budget: number; fetcher?: typeof fetch },
): Promise<{ record: IdentityRecord; changed: boolean; summary: Pick<VerifyRunSummary, "checked" | "subrequests"> }> {
  const budget = new SubrequestBudget(options.budget, options.fetcher ?? fetch);
  const hash = identityAccountsHash(site);
  // After a profile change every verdict is stale: an account keeps its id when its URL changes.
  const verdicts: Record<string, Verification> = previous?.accounts === hash ? { ...previous.verdicts } : {};
  const targets = site.sources.filter(isVerifiable).sort((a, b) => Number(Boolean(verdicts[a.id])) - Number(Boolean(verdicts[b.id])));
  const checked: string[] = [];
  const userAgent = userAgentFor(site.profile.url);
  const verify = async (source: Source) => {
    const verification = await verifySource(source, site.profile.url, {
      userAgent,
      timeoutMs: site.profile.settings.fetchTimeoutSeconds * 1000,
      fetcher: budget.fetch,
      now: options.now,
    });
    // The budget ran out before its page was read: the account keeps its previous verdict until the next run.
    if (verification === "budget-spent") return;
    checked.push(source.id);
    const before = verdicts[source.id];
    verdicts[source.id] = before && withoutTime({ x: before }) === withoutTime({ x: verification }) ? before : verification;
  };
  await pool(targets, CONCURRENCY, verify, () => budget.left);
  const subrequests = budget.spent;
  // Verdicts of accounts no longer in the profile are dropped; the order follows the profile.
  const ordered: Record<string, Verification> = {};
  for (const source of site.sources) if (verdicts[source.id]) ordered[source.id] = verdicts[source.id]!;
  const record: IdentityRecord = { accounts: hash, verdicts: ordered };
  const changed = !previous || previous.accounts !== hash || withoutTime(previous.verdicts) !== withoutTime(ordered);
  return { record, changed, summary: { checked, subrequests } };
}

/** The verdicts one Worker serves and the cron that refreshes them. */
export class IdentityState {
  private readonly site: Site;
  private readonly accountsHash: string;
  /** The verdicts map of the last record seen: every page request asks for it. */
  private current: { record: IdentityRecord | undefined; verdicts: ReadonlyMap<string, Verification>; verified: string } | undefined;

  constructor(site: Site) {
    this.site = site;
    this.accountsHash = identityAccountsHash(site);
  }

  /** Verdicts by source id, from the timeline a request read, that still describe the current accounts. */
  verdicts(timeline: Timeline): ReadonlyMap<string, Verification> {
    return this.read(timeline).verdicts;
  }

  /** The ids of the verified accounts, joined: what a cached page's badges depend on. */
  verifiedIds(timeline: Timeline): string {
    return this.read(timeline).verified;
  }

  private read(timeline: Timeline): { verdicts: ReadonlyMap<string, Verification>; verified: string } {
    const record = timeline.identity;
    if (!this.current || this.current.record !== record) {
      const verdicts: ReadonlyMap<string, Verification> =
        !record || record.accounts !== this.accountsHash ? new Map() : new Map(Object.entries(record.verdicts));
      let verified = "";
      for (const [id, entry] of verdicts) if (entry.verdict === "verified") verified += `${id}.`;
      this.current = { record, verdicts, verified };
    }
    return this.current;
  }

  /**
   * Reads the timeline once and says whether this cron run verifies, and with how many
   * subrequests. `run` gives the new record when a verdict changed; the caller stores it (with
   * the refresh, to which it also hands `stored`, the timeline read here: one read per cron run).
   */
  async plan(
    kv: KVNamespace,
    now: Date,
  ): Promise<{ budget: number; stored?: Timeline | null; run: (fetcher?: typeof fetch) => Promise<VerifyRunSummary> }> {
    const idle = { budget: 0, run: async () => NO_VERIFICATION };
    let stored: Timeline | null;
    try {
      stored = await readTimeline(kv);
    } catch (error) {
      // The feeds must still refresh: verification waits for a cron that can read KV.
      console.error("verification skipped, KV read failed:", error instanceof Error ? error.message : String(error));
      return idle;
    }
    const previous = stored?.identity ?? null;
    const reason = verificationDue(this.site, previous, now);
    if (!reason) return { ...idle, stored };
    return {
      budget: VERIFY_BUDGET,
      stored,
      run: async (fetcher) => {
        const { record, changed, summary } = await runVerification(this.site, previous, { now, budget: VERIFY_BUDGET, ...(fetcher ? { fetcher } : {}) });
        return { reason, ...summary, changed, ...(changed ? { record } : {}) };
      },
    };
  }
}
