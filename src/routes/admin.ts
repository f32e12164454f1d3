/**
 * @module POST /admin/refresh: the owner refreshes every source now and gets a per-source summary.
 * Needs `Authorization: Bearer <ADMIN_TOKEN>`; without the secret configured, admin is disabled.
 */
import { Hono } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { HTTPException } from "hono/http-exception";
import type { AppContext, AppEnv } from "./context.ts";

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

const adminSecret = (c: { env: unknown }) => (c.env as { ADMIN_TOKEN?: string } | undefined)?.ADMIN_TOKEN;

/** One answer for a missing, malformed or wrong token: nothing in it tells which, or the secret's length. */
const refused = {
  wwwAuthenticateHeader: 'Bearer realm="m2"',
  message: (c: AppContext) => c.json({ error: "Missing or wrong token: send Authorization: Bearer <ADMIN_TOKEN>." }, 401),
};

export const admin = new Hono<AppEnv>();

admin.use("/admin/*", async (c, next) => {
  if (!adminSecret(c)) {
    throw new HTTPException(403, {
      message: "Admin routes are disabled: set the ADMIN_TOKEN secret (`npx wrangler secret put ADMIN_TOKEN`, or .dev.vars locally).",
    });
  }
  await next();
});

admin.use(
  "/admin/*",
  bearerAuth({
    verifyToken: (token, c) => tokenMatches(token, adminSecret(c)!),
    noAuthenticationHeader: refused,
    invalidAuthenticationHeader: refused,
    invalidToken: refused,
  }),
);

admin.post("/admin/refresh", async (c) => {
  const summary = await c.get("timelines").run(c.env.M2_KV, { force: true });
  return c.json(summary);
});
