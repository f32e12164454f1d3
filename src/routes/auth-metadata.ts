/**
 * @module GET /.well-known/oauth-authorization-server: the metadata of m2's own IndieAuth server
 * (IndieAuth §4.1.1, RFC 8414), readable by any site's scripts (CORS *). A 404 when profile.json
 * delegates IndieAuth.
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import { METADATA_PATH, serverMetadata } from "../auth/endpoints.ts";
import { ownServerOnly } from "./auth-shared.ts";
import type { AppEnv } from "./context.ts";

export const authMetadata = new Hono<AppEnv>();

authMetadata.use(METADATA_PATH, cors({ origin: "*", allowMethods: ["GET", "HEAD"] }), ownServerOnly);

authMetadata.get(METADATA_PATH, (c) => {
  c.header("Cache-Control", "public, max-age=3600");
  return c.json(serverMetadata(c.get("site").profile));
});
