/**
 * @module The domain as identity: GET /.well-known/webfinger, /.well-known/atproto-did,
 * /card.vcf and /qr.svg. The logic lives in src/identity/; these handlers only speak HTTP.
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import * as v from "valibot";
import { renderVcard } from "../identity/vcard.ts";
import { actorJrd, namesActor } from "../federation/actor.ts";
import { jrdFor, resolveResource, ResourceSchema } from "../identity/webfinger.ts";
import type { AppEnv } from "./context.ts";

export const identity = new Hono<AppEnv>();

const DAY = 86_400;

// WebFinger is read by other servers' and browsers' scripts: CORS on every answer (RFC 7033 §5).
identity.use("/.well-known/webfinger", cors({ origin: "*", allowMethods: ["GET", "HEAD"] }));

identity.get("/.well-known/webfinger", (c) => {
  const parsed = v.safeParse(ResourceSchema, c.req.query("resource"));
  if (!parsed.success) return c.json({ error: parsed.issues[0].message }, 400);
  const { profile, sources } = c.get("site");
  const rels = c.req.queries("rel") ?? [];
  // The home's own actor first: its name wins over a webfinger alias of the same name.
  const actor = namesActor(parsed.output, profile);
  const account = actor ? undefined : resolveResource(parsed.output, profile, sources);
  const jrd = actor ? actorJrd(profile, rels) : account ? jrdFor(account, rels) : undefined;
  if (!jrd) return c.json({ error: `unknown resource: ${parsed.output}` }, 404);
  c.header("Cache-Control", `public, max-age=${DAY}`);
  return c.body(JSON.stringify(jrd), 200, { "Content-Type": "application/jrd+json" });
});

identity.get("/.well-known/atproto-did", (c) => {
  const did = c.get("site").profile.atproto;
  if (!did) return c.text("No atproto DID is configured (profile.json: atproto).", 404);
  c.header("Cache-Control", `public, max-age=${DAY}`);
  return c.text(did);
});

identity.get("/card.vcf", (c) => {
  const { profile, sources } = c.get("site");
  c.header("Content-Type", "text/vcard; charset=utf-8");
  c.header("Cache-Control", `public, max-age=${DAY}`);
  return c.body(renderVcard(profile, sources));
});

identity.get("/qr.svg", (c) => {
  c.header("Content-Type", "image/svg+xml");
  c.header("Cache-Control", `public, max-age=${30 * DAY}`);
  return c.body(c.get("site").qrCode());
});
