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
import { timelineOf, type AppContext, type AppEnv, type Variant } from "./context.ts";

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
