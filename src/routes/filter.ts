/**
 * @module `?source=<id>` (repeatable) and `?exclude=<id>` on the merged feeds, validated with
 * valibot against the profile's source ids: an unknown id is a 400 that names the valid ones.
 */
import { HTTPException } from "hono/http-exception";
import * as v from "valibot";
import type { Source } from "../model.ts";

export interface SourceFilter {
  /** Only these sources (sorted); empty means all. */
  include: string[];
  /** Never these sources (sorted). */
  exclude: string[];
}

const schemas = new WeakMap<readonly Source[], ReturnType<typeof schemaFor>>();

function schemaFor(sources: readonly Source[]) {
  const ids = sources.map((source) => source.id);
  const id = v.picklist(ids, (issue) => `unknown source ${JSON.stringify(issue.input)}; valid ids: ${ids.join(", ")}`);
  const list = v.optional(
    v.pipe(
      v.union([v.string(), v.array(v.string())]),
      v.transform((value) => (Array.isArray(value) ? value : [value])),
      v.array(id),
    ),
    [],
  );
  return v.object({ source: list, exclude: list });
}

/**
 * Parses the filter of a merged-feed request.
 *
 * @example
 * sourceFilter(c.req.queries(), site.sources) // ?source=github&source=mastodon → { include: ["github", "mastodon"], exclude: [] }
 * @throws HTTPException 400 naming the valid ids when an id is unknown.
 */
export function sourceFilter(query: Record<string, string[]>, sources: readonly Source[]): SourceFilter {
  let schema = schemas.get(sources);
  if (!schema) schemas.set(sources, (schema = schemaFor(sources)));
  const result = v.safeParse(schema, { source: query["source"], exclude: query["exclude"] });
  if (!result.success) throw new HTTPException(400, { message: result.issues.map((issue) => issue.message).join("; ") });
  const unique = (ids: string[]) => [...new Set(ids)].sort();
  return { include: unique(result.output.source), exclude: unique(result.output.exclude) };
}

/** True when the filter lets every source through. */
export function isUnfiltered(filter: SourceFilter): boolean {
  return filter.include.length === 0 && filter.exclude.length === 0;
}

/** Whether an item of `sourceId` passes the filter. */
export function passes(filter: SourceFilter, sourceId: string): boolean {
  return (filter.include.length === 0 || filter.include.includes(sourceId)) && !filter.exclude.includes(sourceId);
}

/** The filter as a canonical query string ("" when unfiltered): part of cache keys and self URLs. */
export function filterQuery(filter: SourceFilter): string {
  const params = new URLSearchParams();
  for (const id of filter.include) params.append("source", id);
  for (const id of filter.exclude) params.append("exclude", id);
  const text = params.toString();
  return text ? `?${text}` : "";
}
