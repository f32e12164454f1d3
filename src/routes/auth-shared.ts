/**
 * @module What the IndieAuth routes share: their injected fetcher and clock, the bounded form
 * reader, the OAuth error answer, and the 404 every /auth route gives when profile.json
 * delegates IndieAuth to another server.
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { delegates } from "../auth/endpoints.ts";
import { MAX_FORM_BYTES } from "../auth/limits.ts";
import type { AppContext, AppEnv } from "./context.ts";

export interface AuthOptions {
  /** Fetches client_id pages and asks delegated token endpoints; tests inject a fake net. */
  fetcher?: typeof fetch;
  /** The clock (ms since the epoch): tests move it to expire codes. */
  now?: () => number;
}

export const nowOf = (options: AuthOptions): number => options.now?.() ?? Date.now();

/** m2 runs no server of its own when profile.json names another: every /auth route is a 404. */
export const ownServerOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (delegates(c.get("site").profile)) return c.notFound();
  await next();
};

/** Refuses a form body over `MAX_FORM_BYTES` before it is read. */
export const boundedForm = bodyLimit({
  maxSize: MAX_FORM_BYTES,
  onError: (c) => c.json({ error: "invalid_request", error_description: `the body is larger than ${MAX_FORM_BYTES} bytes` }, 413),
});

/** The form's text fields (a file field counts as absent). */
export async function formOf(c: AppContext): Promise<Record<string, string | undefined>> {
  const body = await c.req.parseBody();
  const fields: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(body)) if (typeof value === "string") fields[name] = value;
  return fields;
}

export type OAuthError = "invalid_request" | "invalid_grant" | "unsupported_grant_type" | "invalid_token";

/** An OAuth 2.0 error (RFC 6749 §5.2): JSON, never cached. */
export function oauthError(c: AppContext, error: OAuthError, description: string, status: 400 | 401 = 400): Response {
  c.header("Cache-Control", "no-store");
  if (status === 401) c.header("WWW-Authenticate", `Bearer realm="m2", error="${error}"`);
  return c.json({ error, error_description: description }, status);
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const space = header.indexOf(" ");
  if (space < 0 || header.slice(0, space).toLowerCase() !== "bearer") return undefined;
  const token = header.slice(space + 1).trim();
  return token === "" ? undefined : token;
}
