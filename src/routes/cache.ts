/**
 * @module The one cache of whole answers, as middleware on the routes that are the same for many
 * readers (the page, the feeds, OPML). Each such route declares its `variant`: every input of its
 * answer, after validation (the resolved language, the validated query, the timeline version, the
 * verified accounts, the render clock). The variant is both the cache key and the ETag, so an
 * input cannot be in one and missing from the other; junk that validation drops (unknown
 * parameters, unknown languages) maps to the same variant and shares its one body. (Hono's own
 * `cache` middleware keeps answers in the Cache API, which does nothing on `*.workers.dev`, under
 * the raw URL: this one is in isolate memory, under the variant.)
 *
 * @example
 * const home = cached((c, timeline) => ({ lang: c.get("lang"), timeline: timeline.version }));
 * pages.get("/", home, (c) => render(home.variant(c).lang));
 */
import type { MiddlewareHandler } from "hono";
import { stableHash } from "../hash.ts";
import type { Timeline } from "../store/index.ts";
import { timelineOf, type AppContext, type AppEnv } from "./context.ts";

/**
 * Bytes of bodies the answer cache holds per isolate (8 MiB; Workers give an isolate 128 MB). The
 * least recently used answers go first; an answer larger than this is served but not kept.
 */
export const ANSWER_CACHE_BYTES = 8 * 1024 * 1024;

/** The inputs of a cached answer: plain values, in a fixed order (they are written into the key). */
export type Variant = Record<string, string | number | boolean>;

interface StoredAnswer {
  /**
   * Kept as `Headers`: workerd builds a Response from a `Headers` several times faster than from
   * an array of pairs (~20 µs against ~90 µs for eleven headers, measured in workerd).
   */
  headers: Headers;
  body: ArrayBuffer;
  /** What this entry counts against `ANSWER_CACHE_BYTES` (body and key). */
  bytes: number;
}

/** Answers by variant key, least recently used first, bounded by bytes. */
export class AnswerCache {
  private readonly entries = new Map<string, StoredAnswer>();
  private held = 0;
  private readonly capacity: number;

  constructor(capacity = ANSWER_CACHE_BYTES) {
    this.capacity = capacity;
  }

  /** How many answers are kept. */
  get size(): number {
    return this.entries.size;
  }

  /** Bytes the kept answers count (bodies and keys). */
  get bytes(): number {
    return this.held;
  }

  /** A fresh Response of the answer kept under `key` (the stored one is never handed out), or undefined. */
  replay(key: string): Response | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    // Most recently used last: eviction takes the first.
    this.entries.delete(key);
    this.entries.set(key, hit);
    return new Response(hit.body, { headers: hit.headers });
  }

  /** Keeps a 200's body and headers under `key`, evicting the least recently used to fit. */
  keep(key: string, headers: Headers, body: ArrayBuffer): void {
    const bytes = body.byteLength + key.length * 2;
    if (bytes > this.capacity) return;
    const previous = this.entries.get(key);
    if (previous) {
      this.entries.delete(key);
      this.held -= previous.bytes;
    }
    for (const [oldest, entry] of this.entries) {
      if (this.held + bytes <= this.capacity) break;
      this.entries.delete(oldest);
      this.held -= entry.bytes;
    }
    this.entries.set(key, { headers: new Headers(headers), body, bytes });
    this.held += bytes;
  }
}

/** A cached route's middleware, and the reader of the variant it found for a request. */
export type CachedRoute<V extends Variant> = MiddlewareHandler<AppEnv> & {
  /** This request's variant, for the handler (set by the middleware before the handler runs). */
  variant(c: AppContext): V;
};

/**
 * The middleware of a cached route: reads the timeline, asks the route's `variant` (which throws
 * an HTTPException for bad input), answers from the cache when it holds that variant, else lets
 * the handler render and keeps its 200. The ETag is the variant's hash; hono/etag (app-wide) turns
 * a matching If-None-Match into a 304.
 */
export function cached<V extends Variant>(variant: (c: AppContext, timeline: Timeline) => V): CachedRoute<V> {
  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    const timeline = await timelineOf(c);
    const inputs = variant(c, timeline);
    const site = c.get("site");
    let key = `${site.profileVersion}\n${c.req.path}`;
    for (const name in inputs) key += `\n${name}=${inputs[name]}`;
    const answers = c.get("answers");
    const replayed = answers.replay(key);
    if (replayed) return replayed;
    c.set("variant", inputs);
    await next();
    // Only a 200 is this variant's answer: an error page must not carry its ETag (nor be kept).
    if (c.res.status !== 200) return;
    c.res.headers.set("ETag", `"${stableHash(key)}"`);
    answers.keep(key, c.res.headers, await c.res.clone().arrayBuffer());
  };
  // The one variable of every cached route holds this route's own V: set just above, read here.
  return Object.assign(middleware, { variant: (c: AppContext) => c.get("variant") as V });
}
