/**
 * @module Delivery: the store queues each activity once per target inbox (each server's shared
 * inbox once), and this module signs and POSTs what is due, within a subrequest budget, recording
 * each outcome (sent, refused for good, or retried with backoff). It runs after an own-post write
 * (`federatePost`, `WRITE_DELIVERY_SUBREQUESTS`), after an inbox POST (the Accept,
 * `INBOX_DELIVERY_SUBREQUESTS`) and from the cron (`cronFederation`, `CRON_DELIVERY_SUBREQUESTS`,
 * which also announces a changed profile). The private key is read from the store once per run and
 * imported non-extractable; it is never logged nor written anywhere else.
 */
import { stableHash } from "../hash.ts";
import { BudgetExhausted, SubrequestBudget } from "../ingest/budget.ts";
import { parseRetryAfter, userAgentFor } from "../ingest/fetch.ts";
import type { Profile } from "../config/schema.ts";
import type { Item, Source } from "../model.ts";
import type { PostContext } from "../posts/render.ts";
import type { HomeStore } from "../posts/store.ts";
import type { StoredPost } from "../posts/types.ts";
import { actorUpdateActivity, announceActivity, postActivity, postObject } from "./activities.ts";
import { ACTIVITY_JSON, actorDocument, actorUrls } from "./actor.ts";
import { CRON_DELIVERY_SUBREQUESTS, MAX_BOOSTS_PER_RUN, REMOTE_FETCH_TIMEOUT_MS, WRITE_DELIVERY_SUBREQUESTS } from "./limits.ts";
import { importPrivateKey, signedPostHeaders } from "./signatures.ts";
import type { DeliveryJob, DeliveryOutcome } from "./store.ts";

/** What federation's background work needs: the home's store, its profile and accounts, the fetch, the clock. */
export interface Federation {
  store: DurableObjectStub<HomeStore>;
  profile: Profile;
  sources: Source[];
  fetcher: typeof fetch;
  now: () => number;
}

/** Connections open at once (Workers allow 6 simultaneous). */
const PARALLEL_DELIVERIES = 6;

// The imported key, per isolate and home: importing is cheap, reading the store is a round trip.
const signingKeys = new Map<string, { pkcs8: string; key: CryptoKey }>();

async function signingKey(work: Federation): Promise<{ keyId: string; privateKey: CryptoKey }> {
  const { privateKeyPkcs8 } = await work.store.federationKeys();
  let entry = signingKeys.get(work.profile.url);
  if (!entry || entry.pkcs8 !== privateKeyPkcs8) {
    entry = { pkcs8: privateKeyPkcs8, key: await importPrivateKey(privateKeyPkcs8) };
    signingKeys.set(work.profile.url, entry);
  }
  return { keyId: actorUrls(work.profile.url).keyId, privateKey: entry.key };
}

async function deliverOne(job: DeliveryJob, work: Federation, key: { keyId: string; privateKey: CryptoKey }, budget: SubrequestBudget): Promise<DeliveryOutcome> {
  const headers = await signedPostHeaders(job.inbox, job.json, key, new Date(work.now()));
  try {
    const response = await budget.fetch(job.inbox, {
      method: "POST",
      headers: { ...headers, Accept: ACTIVITY_JSON, "User-Agent": userAgentFor(work.profile.url) },
      body: job.json,
      redirect: "manual",
      signal: AbortSignal.timeout(REMOTE_FETCH_TIMEOUT_MS),
    });
    await response.body?.cancel();
    const { status } = response;
    if (status >= 200 && status < 300) return { id: job.id, outcome: "sent", status };
    if (status === 408 || status === 429 || status >= 500) {
      const retryAfter = parseRetryAfter(response.headers.get("retry-after"), work.now());
      return { id: job.id, outcome: "retry", detail: `HTTP ${status}`, ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}) };
    }
    return { id: job.id, outcome: "refused", detail: `HTTP ${status}` };
  } catch (error) {
    if (error instanceof BudgetExhausted) throw error;
    return { id: job.id, outcome: "retry", detail: `could not connect (${(error as Error)?.name ?? "error"})` };
  }
}

/**
 * Signs and sends the deliveries due now, at most `limit` subrequests; what was sent and spent.
 *
 * @example
 * const run = await deliverDue(work, 10); // run.subrequests ≤ 10
 */
export async function deliverDue(work: Federation, limit: number): Promise<{ delivered: number; subrequests: number }> {
  if (limit <= 0) return { delivered: 0, subrequests: 0 };
  const jobs = await work.store.federationDue(limit, work.now());
  if (jobs.length === 0) return { delivered: 0, subrequests: 0 };
  const key = await signingKey(work);
  const budget = new SubrequestBudget(limit, work.fetcher);
  const outcomes: DeliveryOutcome[] = [];
  let next = 0;
  const lane = async () => {
    while (next < jobs.length && budget.left) {
      const job = jobs[next++]!;
      try {
        outcomes.push(await deliverOne(job, work, key, budget));
      } catch (error) {
        if (!(error instanceof BudgetExhausted)) throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_DELIVERIES, jobs.length) }, lane));
  if (outcomes.length > 0) await work.store.federationRecord(outcomes, work.now());
  return { delivered: outcomes.filter((outcome) => outcome.outcome === "sent").length, subrequests: budget.spent };
}

/**
 * After an own post was written: its Create (first time, or again after a delete was undone),
 * Update (an edit) or Delete, queued for every follower and sent within
 * `WRITE_DELIVERY_SUBREQUESTS`; the rest goes out from the cron. Likes, reposts and bookmarks of
 * other pages are not federated.
 */
export async function federatePost(work: Federation, post: StoredPost, context: PostContext): Promise<void> {
  const urls = actorUrls(work.profile.url);
  const object = postObject(post, context, urls);
  if (!object) return;
  const last = await work.store.federationLastActivity(String(object.id));
  const sent = last !== undefined && last !== "Delete";
  const type = post.deleted ? (sent ? "Delete" : undefined) : sent ? "Update" : "Create";
  if (!type) return;
  await work.store.federationQueue(postActivity(type, object, urls, work.profile.url, new Date(work.now())), undefined, work.now());
  await deliverDue(work, WRITE_DELIVERY_SUBREQUESTS);
}

/** The actor document as it is now (with the one public key). */
export async function currentActor(work: Federation): Promise<Record<string, unknown>> {
  return actorDocument(work.profile, work.sources, await work.store.federationPublicKey());
}

/**
 * Tells every follower the profile changed: an `Update` of the actor (its new document), queued for
 * each server's shared inbox and sent within `limit` subrequests, the rest by the cron. The cron
 * calls it when the actor document differs from the one last announced (a deploy with a new
 * profile.json); call it after any other change to what the actor shows.
 *
 * @example
 * ctx.waitUntil(federateProfileUpdate(federationFor(site, env, fetch))); // federationFor: federation/context.ts
 */
export async function federateProfileUpdate(work: Federation, limit = WRITE_DELIVERY_SUBREQUESTS): Promise<{ queued: number; delivered: number; subrequests: number }> {
  const actor = await currentActor(work);
  const urls = actorUrls(work.profile.url);
  const queued = await work.store.federationQueue(actorUpdateActivity(actor, urls, work.profile.url, new Date(work.now())), undefined, work.now());
  await work.store.federationSetMeta("actor", stableHash(JSON.stringify(actor)));
  return { queued, ...(await deliverDue(work, limit)) };
}

/**
 * With `actor.boost`, announces the fediverse accounts' new posts from the merged timeline (newest
 * last, at most `MAX_BOOSTS_PER_RUN` a run): only theirs, since Mastodon resolves an Announce by
 * fetching its object as ActivityPub, which a GitHub or YouTube page is not. The first run only
 * records where the timeline stands (no backfill of old posts); how many were queued.
 */
export async function boostNew(work: Federation, items: readonly Item[]): Promise<number> {
  if (!work.profile.actor?.boost) return 0;
  const fediverse = new Set(work.sources.filter((source) => source.fediverse).map((source) => source.id));
  const candidates = items.filter((item) => fediverse.has(item.source) && item.url?.startsWith("https://")).sort((a, b) => a.published.localeCompare(b.published));
  const mark = await work.store.federationMeta("boosted");
  const newest = candidates.at(-1)?.published;
  if (mark === undefined) {
    if (newest) await work.store.federationSetMeta("boosted", newest);
    return 0;
  }
  const fresh = candidates.filter((item) => item.published > mark).slice(0, MAX_BOOSTS_PER_RUN);
  const urls = actorUrls(work.profile.url);
  for (const item of fresh) await work.store.federationQueue(announceActivity(item.url!, urls, work.profile.url, new Date(work.now())), undefined, work.now());
  if (fresh.length > 0) await work.store.federationSetMeta("boosted", fresh.at(-1)!.published);
  return fresh.length;
}

/**
 * The cron's part: an Update of the actor when the profile changed since the last one announced
 * (the first run only records it), the boosts when `actor.boost` is on (`timeline` reads the
 * merged timeline), then the deliveries due (retries), at most `limit` subrequests.
 */
export async function cronFederation(work: Federation, limit = CRON_DELIVERY_SUBREQUESTS, timeline?: () => Promise<{ items: Item[] } | null>): Promise<number> {
  const counts = await work.store.federationCounts(work.now());
  if (counts.followers > 0) {
    const actor = await currentActor(work);
    const hash = stableHash(JSON.stringify(actor));
    const announced = await work.store.federationMeta("actor");
    if (announced === undefined) await work.store.federationSetMeta("actor", hash);
    else if (announced !== hash) return (await federateProfileUpdate(work, limit)).subrequests;
    if (work.profile.actor?.boost && timeline) await boostNew(work, (await timeline())?.items ?? []);
  } else if (counts.due === 0) return 0;
  return (await deliverDue(work, limit)).subrequests;
}
