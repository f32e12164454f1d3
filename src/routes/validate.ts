/**
 * @module Query parameters validated with valibot, in one place for every route: a bad value
 * answers 400 with a message naming the parameter (`limit: expected a whole number from 1 to 50,
 * got "abc"`). The schemas here take the raw string (or undefined when absent).
 *
 * @example
 * const { limit, source } = validQuery(c, {
 *   limit: optionalInteger(1, site.profile.settings.feedItems),
 *   source: v.optional(v.picklist(site.sources.map((s) => s.id))),
 * });
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import * as v from "valibot";

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

/**
 * Validates `c.req.query()` against one schema per parameter; unknown parameters are ignored
 * (caches and trackers add their own). Throws a 400 `HTTPException` naming every bad parameter.
 */
export function validQuery<TEntries extends Record<string, QuerySchema>>(
  c: Context,
  entries: TEntries,
): { [K in keyof TEntries]: v.InferOutput<TEntries[K]> } {
  const query: Record<string, string | undefined> = {};
  for (const name of Object.keys(entries)) {
    const values = c.req.queries(name);
    // A repeated parameter is ambiguous: refuse it rather than pick one.
    if (values && values.length > 1) throw new HTTPException(400, { message: `${name}: expected one value, got ${values.length}` });
    query[name] = values?.[0];
  }
  const result = v.safeParse(v.object(entries), query, { abortEarly: false });
  if (result.success) return result.output as { [K in keyof TEntries]: v.InferOutput<TEntries[K]> };
  const problems = result.issues.map((issue) => `${v.getDotPath(issue) ?? "query"}: ${issue.message}`);
  throw new HTTPException(400, { message: problems.join("; ") });
}
