/**
 * @module What every route gets from the app: the Hono env type, the site, the timeline reader,
 * and a cache of rendered bodies keyed by content version (render once per change, not per request).
 */
import type { Context } from "hono";
import type { IdentityState } from "../identity/schedule.ts";
import type { Messages } from "../i18n/languages.ts";
import type { Refresher, Site } from "../site.ts";
import type { Timeline } from "../store/index.ts";

export type AppEnv = {
  Bindings: Env;
  Variables: {
    site: Site;
    refresher: Refresher;
    renders: RenderCache;
    /** Inbound rel=me verdicts (cached per isolate). */
    identity: IdentityState;
    /** UI strings and language tag for this request. */
    t: Messages;
    lang: string;
  };
};

export type AppContext = Context<AppEnv>;

/** Reads the timeline for this request, scheduling a background refresh when stale. */
export function timelineOf(c: AppContext): Promise<Timeline> {
  return c.get("refresher").timeline(c.env.M2_KV, (promise) => c.executionCtx.waitUntil(promise));
}

/** Rendered bodies by key; small and bounded, since keys change only when content does. */
export class RenderCache {
  private readonly entries = new Map<string, string>();
  private readonly capacity: number;

  constructor(capacity = 32) {
    this.capacity = capacity;
  }

  async get(key: string, render: () => string | Promise<string>): Promise<string> {
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const body = await render();
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, body);
    return body;
  }
}

/** A strong ETag from the content versions a response depends on. */
export function etagOf(...parts: string[]): string {
  return `"${parts.join("-").replace(/[^A-Za-z0-9._-]/g, "_")}"`;
}
