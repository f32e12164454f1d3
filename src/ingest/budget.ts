/**
 * @module The subrequest budget and the worker pool, written once for the feeds' refresh and the
 * identity verification: a fetch that refuses, as a typed `BudgetExhausted`, to go past its share
 * of the invocation's 50 subrequests, and a pool that runs tasks a few at a time (Workers open at
 * most 6 connections at once).
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
