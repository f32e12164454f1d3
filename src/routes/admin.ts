/**
 * @module POST /admin/refresh: the owner refreshes every source now and gets a per-source summary;
 * the export and import of posts, and the moderation of Webmentions (mentions-admin.ts).
 * Needs `Authorization: Bearer <the owner's secret>` (ADMIN_TOKEN, or a member's; auth/owner.ts);
 * without the secret configured, admin is disabled.
 */
import { Hono } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { HTTPException } from "hono/http-exception";
import { ownerOf } from "../auth/owner.ts";
import type { AppContext, AppEnv } from "./context.ts";
import { approveMention, blockDomain, deleteMention, listMentions } from "./mentions-admin.ts";
import { exportPosts, importPosts } from "./posts.tsx";


/** One answer for a missing, malformed or wrong token: nothing in it tells which, or the secret's length. */
const refused = {
  wwwAuthenticateHeader: 'Bearer realm="m2"',
  message: (c: AppContext) => c.json({ error: "Missing or wrong token: send Authorization: Bearer <ADMIN_TOKEN>." }, 401),
};

export const admin = new Hono<AppEnv>();

admin.use("/admin/*", async (c, next) => {
  if (!ownerOf(c.env)) {
    throw new HTTPException(403, {
      message: "Admin routes are disabled: set the ADMIN_TOKEN secret (`npx wrangler secret put ADMIN_TOKEN`, or .dev.vars locally).",
    });
  }
  await next();
});

admin.use(
  "/admin/*",
  bearerAuth({
    verifyToken: async (token, c) => (await ownerOf((c as AppContext).env)?.isSecret(token)) === true,
    noAuthenticationHeader: refused,
    invalidAuthenticationHeader: refused,
    invalidToken: refused,
  }),
);

admin.get("/admin/export", exportPosts);
admin.post("/admin/import", importPosts);
admin.get("/admin/mentions", listMentions);
admin.post("/admin/mentions/approve", approveMention);
admin.post("/admin/mentions/delete", deleteMention);
admin.post("/admin/mentions/block", blockDomain);

admin.post("/admin/refresh", async (c) => {
  const summary = await c.get("timelines").run(c.env.M2_KV, { force: true });
  return c.json(summary);
});
