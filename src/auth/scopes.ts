/**
 * @module The scopes m2 knows, and the reading of a `scope` parameter (space-separated tokens,
 * RFC 6749 §3.3): known ones kept in request order, once each; unknown ones returned apart.
 */
import { MAX_SCOPE_CHARS, MAX_SCOPE_TOKEN_CHARS, MAX_SCOPES } from "./limits.ts";

/** Every scope m2 knows: what the owner's secret grants. */
export const ALL_SCOPES = ["create", "update", "delete", "undelete", "media", "profile", "email"] as const;
export type Scope = (typeof ALL_SCOPES)[number];

const KNOWN = new Set<string>(ALL_SCOPES);

export const isScope = (token: string): token is Scope => KNOWN.has(token);

/** The known and unknown scopes of a `scope` parameter, or null when it is out of bounds. */
export function readScope(input: string | undefined): { granted: Scope[]; unknown: string[] } | null {
  if (input === undefined || input === "") return { granted: [], unknown: [] };
  if (input.length > MAX_SCOPE_CHARS) return null;
  const tokens = input.split(" ").filter(Boolean);
  if (tokens.length > MAX_SCOPES || tokens.some((token) => token.length > MAX_SCOPE_TOKEN_CHARS)) return null;
  const granted: Scope[] = [];
  const unknown: string[] = [];
  for (const token of new Set(tokens)) {
    if (isScope(token)) granted.push(token);
    else unknown.push(token);
  }
  return { granted, unknown };
}
