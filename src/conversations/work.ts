/**
 * @module The conversations' background work, run where a budget of subrequests is known: the
 * cron's share (`CRON_CONVERSATION_SUBREQUESTS`: verification of the queued mentions, then the
 * sends due again), and what follows a Micropub write (`WRITE_CONVERSATION_SUBREQUESTS`: its
 * sends, then the WebSub pings), both through `waitUntil`. The home's store keeps the state; this
 * module fetches, the store never does.
 */
import { SubrequestBudget } from "../ingest/budget.ts";
import type { HomeStore } from "../posts/store.ts";
import type { PostsSnapshot } from "../posts/types.ts";
import type { FetchSettings } from "./discover.ts";
import { MAX_HUB_PINGS, WRITE_CONVERSATION_SUBREQUESTS } from "./limits.ts";
import type { MentionPolicy } from "./mention-store.ts";
import { sendDue } from "./send.ts";
import { verifyQueued } from "./verify.ts";
import { pingHub } from "./websub.ts";

export interface Conversations {
  store: DurableObjectStub<HomeStore>;
  home: string;
  policy: MentionPolicy;
  /** profile.json's `websub.hub`, when set. */
  hub?: string;
  timeoutMs: number;
  maxBytes: number;
  fetcher: typeof fetch;
}

export interface ConversationRun {
  subrequests: number;
  verified: number;
  sent: number;
  /** The new snapshot when the verified mentions changed (the isolate shows them at once). */
  snapshot: PostsSnapshot | null;
}

const settingsOf = (work: Conversations, fetcher: typeof fetch): FetchSettings => ({ home: work.home, timeoutMs: work.timeoutMs, maxBytes: work.maxBytes, fetcher });

/** Sends the due jobs of the outbox with `budget`; how many were recorded. */
async function sendWith(work: Conversations, budget: SubrequestBudget, limit: number): Promise<number> {
  if (!budget.left) return 0;
  const jobs = await work.store.dueSends(limit);
  const outcomes = await sendDue(jobs, settingsOf(work, budget.fetch), () => budget.left);
  if (outcomes.length > 0) await work.store.recordSends(outcomes);
  return outcomes.length;
}

/**
 * The cron's part, at most `limit` subrequests: verification first (half of them when sends are
 * due too), the sends with the rest.
 *
 * @example
 * const run = await cronConversations(work, 10); // run.subrequests ≤ 10
 */
export async function cronConversations(work: Conversations, limit: number): Promise<ConversationRun> {
  const budget = new SubrequestBudget(limit, work.fetcher);
  const waiting = await work.store.pendingConversations();
  let snapshot: PostsSnapshot | null = null;
  let verified = 0;
  if (waiting.queued > 0 && limit > 0) {
    const share = new SubrequestBudget(waiting.sends > 0 ? Math.ceil(limit / 2) : limit, budget.fetch);
    const jobs = await work.store.queuedMentions(share.limit);
    const results = await verifyQueued(jobs, settingsOf(work, share.fetch), () => share.left);
    verified = results.length;
    if (results.length > 0) snapshot = (await work.store.applyVerifications(results, work.policy)) as PostsSnapshot | null;
  }
  const sent = waiting.sends > 0 ? await sendWith(work, budget, budget.limit - budget.spent) : 0;
  return { subrequests: budget.spent, verified, sent, snapshot };
}

/** After an own post changed: its sends, then the hub's pings, within `WRITE_CONVERSATION_SUBREQUESTS`. */
export async function afterOwnWrite(work: Conversations): Promise<{ subrequests: number; sent: number; pings: number }> {
  const pingShare = work.hub ? MAX_HUB_PINGS : 0;
  const budget = new SubrequestBudget(WRITE_CONVERSATION_SUBREQUESTS, work.fetcher);
  const sends = new SubrequestBudget(WRITE_CONVERSATION_SUBREQUESTS - pingShare, budget.fetch);
  let sent = 0;
  try {
    sent = await sendWith(work, sends, sends.limit);
  } catch (error) {
    console.error("sending webmentions failed:", error instanceof Error ? error.message : String(error));
  }
  const pings = work.hub ? await pingHub(work.hub, work.home, budget.fetch, work.timeoutMs) : 0;
  return { subrequests: budget.spent, sent, pings };
}
