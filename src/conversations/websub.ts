/**
 * @module WebSub publishing (W3C WebSub §5): when the merged feeds change, the hub profile.json
 * names is told, one POST `hub.mode=publish&hub.url=<feed>` per merged feed (`MAX_HUB_PINGS`),
 * each counted against the caller's budget. A hub that fails is logged, never retried (the next
 * change pings again).
 */
import { BudgetExhausted } from "../ingest/budget.ts";
import { userAgentFor } from "../ingest/fetch.ts";
import { MAX_HUB_PINGS, MERGED_FEEDS } from "./limits.ts";

/** The merged feeds' URLs a hub is told about. */
export function mergedFeedUrls(home: string): string[] {
  return MERGED_FEEDS.map((path) => new URL(path, home).href);
}

/**
 * Pings `hub` for each merged feed; the number of pings sent.
 *
 * @example
 * await pingHub("https://hub.example/", "https://camille.example/", budget.fetch, 10_000) // → 3
 */
export async function pingHub(hub: string, home: string, fetcher: typeof fetch, timeoutMs: number): Promise<number> {
  let sent = 0;
  for (const feed of mergedFeedUrls(home).slice(0, MAX_HUB_PINGS)) {
    try {
      const response = await fetcher(hub, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": userAgentFor(home) },
        body: new URLSearchParams({ "hub.mode": "publish", "hub.url": feed }).toString(),
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
      sent++;
      if (response.status < 200 || response.status >= 300) console.error(`WebSub hub answered HTTP ${response.status} for ${feed}`);
    } catch (error) {
      if (error instanceof BudgetExhausted) break;
      sent++;
      console.error(`WebSub hub unreachable for ${feed}:`, error instanceof Error ? error.message : String(error));
    }
  }
  return sent;
}
