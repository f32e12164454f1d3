/**
 * @module The home's ActivityPub surface: the actor JSON at the home URL for ActivityPub clients
 * (`actorOnAccept`, before the HTML page), the inbox (also the shared inbox), the outbox, the
 * followers and following collections, and the outbox's activities by id. The protocol lives in
 * src/federation/; these handlers only speak HTTP.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { homeStore } from "../auth/grants.ts";
import { postObject } from "../federation/activities.ts";
import { ACTIVITIES_PATH, ACTIVITY_JSON, ACTIVITYSTREAMS, actorUrls, FOLLOWERS_PATH, FOLLOWING_PATH, INBOX_PATH, OUTBOX_PATH, wantsActivityJson } from "../federation/actor.ts";
import { federationOf } from "../federation/context.ts";
import { currentActor, deliverDue } from "../federation/deliver.ts";
import { receiveActivity } from "../federation/inbox.ts";
import { INBOX_DELIVERY_SUBREQUESTS, OUTBOX_PAGE_ITEMS } from "../federation/limits.ts";
import type { PostsSnapshot } from "../posts/types.ts";
import type { AppContext, AppEnv } from "./context.ts";
import { policyOf } from "./webmention.ts";

const activityJson = (c: AppContext, body: unknown, status: 200 | 404 = 200) => c.body(JSON.stringify(body), status, { "Content-Type": ACTIVITY_JSON });

/**
 * Before the home page: an ActivityPub client (`Accept: application/activity+json`, or
 * `application/ld+json` with the ActivityStreams profile) gets the actor; browsers go on to the
 * page. Both answers carry `Vary: Accept`.
 */
export const actorOnAccept: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!wantsActivityJson(c.req.header("Accept"))) return next();
  const actor = await currentActor(federationOf(c));
  c.header("Vary", "Accept");
  c.header("Cache-Control", "public, max-age=300");
  return activityJson(c, actor);
};

/**
 * Before a post's page: an ActivityPub client gets the post as the object its Create carried (a
 * Note or an Article; a Tombstone, 410, once deleted), so a post's URL pasted into Mastodon's
 * search finds it. Browsers go on to the page; both answers carry `Vary: Accept`.
 */
export const objectOnAccept: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!wantsActivityJson(c.req.header("Accept"))) return next();
  const site = c.get("site");
  const found = await homeStore(c.env, site.profile.url).get(c.req.path);
  const object = found && !found.post.deleted ? postObject(found.post, { home: site.profile.url, lang: site.profile.lang }, actorUrls(site.profile.url)) : undefined;
  c.header("Vary", "Accept");
  if (found?.post.deleted) return c.body(JSON.stringify({ "@context": ACTIVITYSTREAMS, id: new URL(c.req.path, site.profile.url).href, type: "Tombstone" }), 410, { "Content-Type": ACTIVITY_JSON });
  if (!object) return activityJson(c, { error: "no such object" }, 404);
  return activityJson(c, { "@context": ACTIVITYSTREAMS, ...object });
};

export const activityPub = new Hono<AppEnv>();

activityPub.post(INBOX_PATH, async (c) => {
  const work = federationOf(c);
  const site = c.get("site");
  const result = await receiveActivity(c.req.raw, { store: work.store, home: site.profile.url, policy: policyOf(site), fetcher: work.fetcher, nowMs: work.now() });
  if (result.snapshot) c.get("timelines").prime(result.snapshot as PostsSnapshot);
  if (result.deliver) {
    c.executionCtx.waitUntil(
      deliverDue(work, INBOX_DELIVERY_SUBREQUESTS).catch((error: unknown) => {
        console.error("delivery after the inbox:", error instanceof Error ? error.message : String(error));
      }),
    );
  }
  return c.text(`${result.message}\n`, result.status);
});

activityPub.get(OUTBOX_PATH, async (c) => {
  const { total, items } = await federationOf(c).store.federationOutbox(OUTBOX_PAGE_ITEMS);
  c.header("Cache-Control", "public, max-age=60");
  return activityJson(c, {
    "@context": ACTIVITYSTREAMS,
    id: new URL(OUTBOX_PATH, c.get("site").profile.url).href,
    type: "OrderedCollection",
    totalItems: total,
    orderedItems: items.map((json) => {
      const { "@context": _context, ...activity } = JSON.parse(json) as Record<string, unknown>;
      return activity;
    }),
  });
});

// Who follows is the owner's to know: the collection says how many, not who (as Mastodon's "hide followers").
activityPub.get(FOLLOWERS_PATH, async (c) => {
  const { followers } = await federationOf(c).store.federationCounts();
  return activityJson(c, { "@context": ACTIVITYSTREAMS, id: new URL(FOLLOWERS_PATH, c.get("site").profile.url).href, type: "OrderedCollection", totalItems: followers });
});

activityPub.get(FOLLOWING_PATH, (c) => activityJson(c, { "@context": ACTIVITYSTREAMS, id: new URL(FOLLOWING_PATH, c.get("site").profile.url).href, type: "OrderedCollection", totalItems: 0, orderedItems: [] }));

activityPub.get(`${ACTIVITIES_PATH}/:id{[0-9a-f-]{36}}`, async (c) => {
  const id = new URL(c.req.path, c.get("site").profile.url).href;
  const json = await federationOf(c).store.federationActivity(id);
  if (!json) return activityJson(c, { error: "no such activity" }, 404);
  return c.body(json, 200, { "Content-Type": ACTIVITY_JSON });
});
