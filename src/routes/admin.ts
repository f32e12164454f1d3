/**
 * @module POST /admin/refresh: the owner refreshes every source now and gets a per-source summary.
 * Needs `Authorization: Bearer <ADMIN_TOKEN>`; without the secret configured, admin is disabled.
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./context.ts";

async function digest(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
}

/**
 * Compares a presented token with the secret in constant time. Both are hashed first, so the
 * comparison takes the same time whatever their lengths, and neither length leaks.
 */
export async function tokenMatches(presented: string, secret: string): Promise<boolean> {
  const [a, b] = await Promise.all([digest(presented), digest(secret)]);
  return crypto.subtle.timingSafeEqual(a, b);
}

export const admin = new Hono<AppEnv>();

admin.use("/admin/*", async (c, next) => {
  const secret = (c.env as { ADMIN_TOKEN?: string }).ADMIN_TOKEN;
  if (!secret) {
    throw new HTTPException(403, {
      message: "Admin routes are disabled: set the ADMIN_TOKEN secret (`npx wrangler secret put ADMIN_TOKEN`, or .dev.vars locally).",
    });
  }
  const header = c.req.header("Authorization") ?? "";
  const presented = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim() ?? "";
  if (!(await tokenMatches(presented, secret))) {
    c.header("WWW-Authenticate", 'Bearer realm="m2 admin"');
    throw new HTTPException(401, { message: "Missing or wrong token: send Authorization: Bearer <ADMIN_TOKEN>." });
  }
  await next();
});

admin.post("/admin/refresh", async (c) => {
  const summary = await c.get("refresher").run(c.env.M2_KV, { force: true });
  return c.json(summary);
});
