/**
 * @module What every route gets from the app: the Hono env type, the site, the timeline of this
 * request, and the ETag format of the routes that build their own.
 */
import type { Context } from "hono";
import type { IdentityState } from "../identity/schedule.ts";
import type { Messages } from "../i18n/languages.ts";
import type { Site } from "../site.ts";
import type { Timeline } from "../store/index.ts";
import type { TimelineCache } from "../timeline-cache.ts";
import type { AnswerCache } from "./answers.ts";

export type AppEnv = {
  Bindings: Env;
  Variables: {
    site: Site;
    timelines: TimelineCache;
    /** Whole answers of the cached routes, by variant (see routes/cache.ts). */
    answers: AnswerCache;
    /** Inbound rel=me verdicts (cached per isolate). */
    identity: IdentityState;
    /** The fetch of the conversations' background work (Webmentions sent, WebSub pings): tests inject one. */
    outbound: typeof fetch;
    /** UI strings and language tag for this request. */
    t: Messages;
    lang: string;
    /** The timeline this request reads, once it was read (see `timelineOf`). */
    timeline?: Promise<Timeline>;
    /** A cached route's inputs for this request (read through its `variant(c)`, routes/cache.ts). */
    variant?: Variant;
  };
};

export type AppContext = Context<AppEnv>;

/** The inputs of a cached answer: plain values, in a fixed order (they are written into the key). */
export type Variant = Record<string, string | number | boolean>;

/** The timeline for this request (read once per request), scheduling a background refresh when stale. */
export function timelineOf(c: AppContext): Promise<Timeline> {
  let timeline = c.get("timeline");
  if (!timeline) {
    timeline = c.get("timelines").timeline(c.env.M2_KV, (promise) => c.executionCtx.waitUntil(promise));
    c.set("timeline", timeline);
  }
  return timeline;
}

/** A strong ETag from the content versions a response depends on. */
export function etagOf(...parts: string[]): string {
  return `"${parts.join("-").replace(/[^A-Za-z0-9._-]/g, "_")}"`;
}
