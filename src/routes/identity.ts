/**
 * @module The domain as identity: GET /.well-known/webfinger, /.well-known/atproto-did,
 * /card.vcf and /qr.svg. The logic lives in src/identity/; these handlers only speak HTTP.
 */
import { Hono } from "hono";
import { renderSVG } from "uqr";
import * as v from "valibot";
import { renderVcard } from "../identity/vcard.ts";
import { jrdFor, resolveResource, ResourceSchema } from "../identity/webfinger.ts";
import type { AppEnv } from "./context.ts";

export const identity = new Hono<AppEnv>();

const DAY = 86_400;

identity.get("/.well-known/webfinger", (c) => {
  // WebFinger is read by other servers' and browsers' scripts: CORS on every answer (RFC 7033 §5).
  c.header("Access-Control-Allow-Origin", "*");
  const parsed = v.safeParse(ResourceSchema, c.req.query("resource"));
  if (!parsed.success) return c.json({ error: parsed.issues[0].message }, 400);
  const { profile, sources } = c.get("site");
  const account = resolveResource(parsed.output, profile, sources);
  if (!account) return c.json({ error: `unknown resource: ${parsed.output}` }, 404);
  c.header("Cache-Control", `public, max-age=${DAY}`);
  return c.body(JSON.stringify(jrdFor(account, c.req.queries("rel") ?? [])), 200, { "Content-Type": "application/jrd+json" });
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

const qrCodes = new Map<string, string>();

identity.get("/qr.svg", (c) => {
  const home = c.get("site").profile.url;
  let svg = qrCodes.get(home);
  if (svg === undefined) {
    svg = renderSVG(home, { ecc: "M", border: 2, pixelSize: 8 });
    qrCodes.set(home, svg);
  }
  c.header("Content-Type", "image/svg+xml");
  c.header("Cache-Control", `public, max-age=${30 * DAY}`);
  return c.body(svg);
});
