/**
 * @module POST /webmention, the home's Webmention endpoint (W3C Recommendation,
 * https://www.w3.org/TR/webmention/): the request is only checked and queued in the home's store,
 * `202 Accepted`; the source is fetched later, by the cron (conversations/verify.ts). `400` with
 * the reason for a bad request, `429` past a rate limit or a queue's cap. Also what every route
 * needs to start the conversations' background work (`conversationsOf`).
 */
import { Hono } from "hono";
import { homeStore } from "../auth/grants.ts";
import { MAX_WEBMENTION_BODY_BYTES } from "../conversations/limits.ts";
import type { MentionPolicy } from "../conversations/mention-store.ts";
import { checkMention } from "../conversations/receive.ts";
import type { Conversations } from "../conversations/work.ts";
import type { Site } from "../site.ts";
import type { AppContext, AppEnv } from "./context.ts";

export const WEBMENTION_PATH = "/webmention";

/** profile.json's moderation policy, with its defaults. */
export function policyOf(site: Site): MentionPolicy {
  return { moderation: site.profile.webmentions.moderation, blocklist: site.profile.webmentions.blocklist };
}

/** The conversations' background work for this home (the store, the policy, the caps, the fetch). */
export function conversationsOf(site: Site, env: Env, fetcher: typeof fetch): Conversations {
  const { profile } = site;
  return {
    store: homeStore(env, profile.url),
    home: profile.url,
    policy: policyOf(site),
    ...(profile.websub ? { hub: profile.websub.hub } : {}),
    timeoutMs: profile.settings.fetchTimeoutSeconds * 1000,
    maxBytes: profile.settings.maxFeedBytes,
    fetcher,
  };
}

const bad = (c: AppContext, reason: string, status: 400 | 413 | 415 | 429 = 400) => c.text(`${reason}\n`, status);

export const webmention = new Hono<AppEnv>();

webmention.post(WEBMENTION_PATH, async (c) => {
  const type = (c.req.header("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") return bad(c, "send source and target as application/x-www-form-urlencoded", 415);
  if (Number(c.req.header("Content-Length") ?? 0) > MAX_WEBMENTION_BODY_BYTES) return bad(c, `the body is over ${MAX_WEBMENTION_BODY_BYTES} bytes`, 413);
  const text = new TextDecoder().decode(await c.req.arrayBuffer());
  if (text.length > MAX_WEBMENTION_BODY_BYTES) return bad(c, `the body is over ${MAX_WEBMENTION_BODY_BYTES} bytes`, 413);
  const form = new URLSearchParams(text);
  const site = c.get("site");
  const checked = checkMention(form.get("source") ?? undefined, form.get("target") ?? undefined, site.profile.url);
  if (!checked.ok) return bad(c, checked.reason);
  const result = await homeStore(c.env, site.profile.url).receiveMention(checked.mention, policyOf(site));
  if ("refused" in result) return bad(c, result.message, result.refused === "target" ? 400 : 429);
  // 202 without Location (webmention.rocks receiver test 1): verification happens later.
  return c.text("Accepted: the source will be verified shortly.\n", 202);
});
