/**
 * @module Query parameters validated with valibot, in one place for every route: a bad value
 * answers 400 with a message naming the parameter (`limit: expected a whole number from 1 to 50,
 * got "abc"`). The schemas here take the raw string (or undefined when absent).
 *
 * @example
 * const feedQuery = queryValidator((site) => ({ limit: optionalInteger(1, site.profile.settings.feedItems) }));
 * const { limit } = feedQuery(c);
 */
import { HTTPException } from "hono/http-exception";
import * as v from "valibot";
import type { Site } from "../site.ts";
import type { AppContext } from "./context.ts";

type QuerySchema = v.GenericSchema<string | undefined, unknown>;

const show = (input: unknown) => (input === undefined ? "nothing" : JSON.stringify(input));

/** A whole number written in decimal, from `min` to `max`, or undefined when the parameter is absent. */
export function optionalInteger(min: number, max: number) {
  return v.optional(
    v.pipe(
      v.string(),
      v.check((input) => /^\d{1,9}$/.test(input) && Number(input) >= min && Number(input) <= max, (issue) => `expected a whole number from ${min} to ${max}, got ${show(issue.input)}`),
      v.transform(Number),
    ),
  );
}

/** True when the request's URL has a query string (most requests for the page and the feeds have none). */
export function hasQuery(c: AppContext): boolean {
  return c.req.url.includes("?");
}

type QueryOutput<TEntries extends Record<string, QuerySchema>> = { [K in keyof TEntries]: v.InferOutput<TEntries[K]> };

/**
 * A validator of `c.req.query()` with one schema per parameter (built once per site, from its
 * settings); unknown parameters are ignored (caches and trackers add their own). The validator
 * throws a 400 `HTTPException` naming every bad parameter.
 */
export function queryValidator<TEntries extends Record<string, QuerySchema>>(entriesFor: (site: Site) => TEntries): (c: AppContext) => QueryOutput<TEntries> {
  const schemas = new WeakMap<Site, { names: string[]; schema: v.ObjectSchema<TEntries, undefined>; absent: QueryOutput<TEntries> }>();
  return (c) => {
    const site = c.get("site");
    let compiled = schemas.get(site);
    if (!compiled) {
      const entries = entriesFor(site);
      const schema = v.object(entries);
      // What a request without a query string gets: every parameter absent, validated once.
      const absent = v.parse(schema, {}) as QueryOutput<TEntries>;
      schemas.set(site, (compiled = { names: Object.keys(entries), schema, absent }));
    }
    if (!hasQuery(c)) return compiled.absent;
    const query: Record<string, string | undefined> = {};
    for (const name of compiled.names) {
      const values = c.req.queries(name);
      // A repeated parameter is ambiguous: refuse it rather than pick one.
      if (values && values.length > 1) throw new HTTPException(400, { message: `${name}: expected one value, got ${values.length}` });
      query[name] = values?.[0];
    }
    const result = v.safeParse(compiled.schema, query, { abortEarly: false });
    if (result.success) return result.output as QueryOutput<TEntries>;
    const problems = result.issues.map((issue) => `${v.getDotPath(issue) ?? "query"}: ${issue.message}`);
    throw new HTTPException(400, { message: problems.join("; ") });
  };
}
