/**
 * @module The budgets of a run and the worker pool, written once for the feeds' refresh and the
 * identity verification: a fetch that refuses, as a typed `BudgetExhausted`, to go past its share
 * of the invocation's 50 subrequests; the estimated CPU a refresh may spend (`WorkBudget`); and a
 * pool that runs tasks a few at a time (Workers open at most 6 connections at once).
 */

/** Thrown by `SubrequestBudget.fetch` once the budget is spent; `politeFetch` turns it into a `budget-spent` outcome. */
export class BudgetExhausted extends Error {
  override name = "BudgetExhausted";
  constructor() {
    super("subrequest budget spent");
  }
}

/**
 * A fetch counted against a budget: every call (each redirect hop is one) spends one subrequest;
 * past the limit it rejects with `BudgetExhausted` without touching the network.
 *
 * @example
 * const budget = new SubrequestBudget(40, fetch);
 * await politeFetch(url, { ...options, fetcher: budget.fetch }); // { kind: "budget-spent" } once 40 are spent
 */
export class SubrequestBudget {
  spent = 0;
  readonly limit: number;
  private readonly fetcher: typeof fetch;

  constructor(limit: number, fetcher: typeof fetch = fetch) {
    this.limit = limit;
    this.fetcher = fetcher;
  }

  /** True while at least one subrequest is left. */
  get left(): boolean {
    return this.spent < this.limit;
  }

  readonly fetch: typeof fetch = (input, init) => {
    if (!this.left) return Promise.reject(new BudgetExhausted());
    this.spent++;
    return this.fetcher(input, init);
  };
}

/**
 * Runs `work` over `items`, at most `limit` at a time, in order; stops starting new items once
 * `canStart` says no (the budget or the run's deadline is spent).
 */
export async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>, canStart: () => boolean = () => true): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length && canStart()) await work(items[next++]!);
  });
  await Promise.all(workers);
}

/**
 * What a refresh's steps cost in CPU, as measured by `npm run bench` (part 5: the refresh's own
 * modules in Node, `process.cpuUsage`, real formats): each fetched answer (its headers, the
 * record, the status), each KB of a 200's body scanned (decoded, cut into entries, hashed) and,
 * the bulk, each KB of new entries parsed and sanitised (0.3–0.65 ms per KB across the formats of
 * the fixtures, JIT warm; counted at about twice the dearest, for the runs the JIT or the
 * collector makes dearer). A Worker cannot time its own CPU (performance.now()
 * stands still while JavaScript runs), so a run counts these estimates instead.
 */
export const WORK_COST = {
  /** A run's own part, whatever it fetches: the timeline read and rebuilt. */
  runMs: 1,
  /** Per source of the profile, fetched or not: its stored record read, its status rebuilt, its items merged. */
  sourceMs: 0.2,
  /** One fetched answer (a 304 costs this much and nothing more). */
  fetchMs: 0.25,
  /** Per KB (1 024 characters) of a 200's body, before any entry is parsed. */
  scanMsPerKb: 0.06,
  /** Per KB of new entries parsed and sanitised. */
  parseMsPerKb: 1,
  /**
   * What a run may spend on fetching and reading whatever its bookkeeping takes (a fetch and one KB
   * of entries, with room to spare), so that every run makes progress. A home whose sources'
   * bookkeeping takes more than `cpuMsPerRun` less this (beyond about 30 sources at 10 ms)
   * spends more than `cpuMsPerRun`.
   */
  minWorkMs: 3,
} as const;

/** The estimated CPU a run has for fetching and reading, after its own part and its sources' bookkeeping. */
export function workMs(cpuMs: number, sources: number): number {
  return Math.max(cpuMs - WORK_COST.runMs - sources * WORK_COST.sourceMs, WORK_COST.minWorkMs);
}

/**
 * The estimated CPU a refresh run may still spend (`settings.cpuMsPerRun`, 10 ms on Workers Free,
 * less the run's own part and its sources' bookkeeping). A source starts only while its fetch and a little reading fit; a read
 * claims what is left for its new entries and gives back what it did not use, so two reads at
 * once never count the same milliseconds twice. Past it, sources and entries wait for the next run.
 *
 * @example
 * const work = new WorkBudget(10, sources.length);
 * if (work.canStart) { work.spendFetch(); const chars = work.claim(); … work.settle(chars, readChars); }
 */
export class WorkBudget {
  private leftMs: number;

  constructor(cpuMs: number, sources: number) {
    this.leftMs = workMs(cpuMs, sources);
  }

  /** Another source may start: its fetch and one KB of reading fit. */
  get canStart(): boolean {
    return this.leftMs >= WORK_COST.fetchMs + WORK_COST.parseMsPerKb;
  }

  /** Counts one fetched answer, and the scan of its body when it has one. */
  spendFetch(bodyBytes = 0): void {
    this.leftMs -= WORK_COST.fetchMs + (bodyBytes / 1024) * WORK_COST.scanMsPerKb;
  }

  /**
   * Claims the characters of new entries still affordable, at most `most` (a body's length: a
   * small feed leaves the rest to the others), 0 when none is: `settle` gives back what is unused.
   */
  claim(most = Infinity): number {
    const chars = Math.max(0, Math.min(most, Math.floor((this.leftMs / WORK_COST.parseMsPerKb) * 1024)));
    this.leftMs -= (chars / 1024) * WORK_COST.parseMsPerKb;
    return chars;
  }

  /** Counts the characters a read parsed against what it claimed (a read may pass its claim by one entry, or a feed read whole). */
  settle(claimed: number, readChars: number): void {
    this.leftMs += ((claimed - readChars) / 1024) * WORK_COST.parseMsPerKb;
  }
}
