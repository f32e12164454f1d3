/**
 * @module The home's own IndieAuth server, mounted by app.tsx: the metadata document, the
 * authorization endpoint (consent page, sign-in, codes) and the token endpoint with
 * introspection and revocation. Every route is a 404 when profile.json delegates IndieAuth.
 */
import { Hono } from "hono";
import { authorizationEndpoint } from "./auth-authorize.tsx";
import { authMetadata } from "./auth-metadata.ts";
import type { AuthOptions } from "./auth-shared.ts";
import { tokenEndpoint } from "./auth-token.ts";
import type { AppEnv } from "./context.ts";

export type { AuthOptions };

/** The IndieAuth routes, with the injected fetcher and clock. */
export function indieAuth(options: AuthOptions = {}) {
  const auth = new Hono<AppEnv>();
  auth.route("/", authMetadata);
  auth.route("/", authorizationEndpoint(options));
  auth.route("/", tokenEndpoint(options));
  return auth;
}
