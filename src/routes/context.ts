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

/**
 * A complete answer, kept to be replayed while the content it was made from is current. The
 * headers are kept as `Headers` objects: workerd builds a Response from a `Headers` several times
 * faster than from an array of pairs (~20 µs against ~90 µs for eleven headers, measured in
 * workerd), and on a replayed answer that was most of the Worker's own work.
 */
interface StoredResponse {
  status: number;
  headers: Headers;
  /** The headers of the 304 that answers a matching If-None-Match. */
  notModified: Headers;
  etag: string;
  body: ArrayBuffer;
}

/** Headers a 304 keeps (as hono/etag does). */
const NOT_MODIFIED_HEADERS = new Set(["cache-control", "content-location", "date", "etag", "expires", "vary"]);

/** True when an If-None-Match header names `etag`, compared exactly as hono/etag does for fresh answers. */
function matches(ifNoneMatch: string, etag: string): boolean {
  return ifNoneMatch.match(/"[^"]*"/g)?.includes(etag.replace(/^W\//, "")) ?? false;
}

/**
 * Whole responses of the hot routes (page and feeds) by request and content version: a hit
 * skips routing, middleware and the body copy, so a request costs a map lookup whatever the
 * number of items. Only 200 answers are kept; the key holds everything the answer depends on.
 */
export class ResponseCache {
  private readonly entries = new Map<string, StoredResponse>();
  private readonly capacity: number;

  constructor(capacity = 64) {
    this.capacity = capacity;
  }

  /** The stored answer for `key` (a 304 when `ifNoneMatch` names its ETag), or undefined. */
  replay(key: string, ifNoneMatch: string | null): Response | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (ifNoneMatch && matches(ifNoneMatch, hit.etag)) return new Response(null, { status: 304, headers: hit.notModified });
    // A Response copies the Headers it is given: the stored ones are never changed by a caller.
    return new Response(hit.body, { status: hit.status, headers: hit.headers });
  }

  /** Keeps a copy of `response` under `key` when it is a 200 with an ETag. */
  async keep(key: string, response: Response): Promise<void> {
    const etag = response.headers.get("etag");
    if (response.status !== 200 || etag === null) return;
    const body = await response.clone().arrayBuffer();
    const notModified = new Headers();
    for (const [name, value] of response.headers) if (NOT_MODIFIED_HEADERS.has(name)) notModified.append(name, value);
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { status: response.status, headers: new Headers(response.headers), notModified, etag, body });
  }
}
