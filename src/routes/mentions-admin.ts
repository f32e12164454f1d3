/**
 * @module The owner's moderation of received Webmentions, as JSON (mounted in admin.ts, behind the
 * admin secret): GET /admin/mentions lists them (held first), the queue's length and the outbox;
 * POST /admin/mentions/approve `{ id }` shows a held one, /delete `{ id }` removes one, /block
 * `{ domain }` drops a domain's mentions now and later. A change primes this isolate's timeline,
 * so the permalink shows it at once.
 */
import { homeStore } from "../auth/grants.ts";
import type { PostsSnapshot } from "../posts/types.ts";
import type { AppContext } from "./context.ts";

/** Mentions the list shows at most. */
export const MAX_LISTED_MENTIONS = 500;
const MAX_DOMAIN_CHARS = 253;
const ID = /^[a-z0-9]{1,20}$/;
const DOMAIN = /^[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})+$/;

const invalid = (c: AppContext, description: string) => c.json({ error: "invalid_request", error_description: description }, 400);

async function field(c: AppContext, name: string): Promise<string | undefined> {
  if (Number(c.req.header("Content-Length") ?? 0) > 4096) return undefined;
  try {
    const body = (await c.req.json()) as Record<string, unknown> | null;
    const value = body?.[name];
    return typeof value === "string" && value.length <= MAX_DOMAIN_CHARS ? value.trim().toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

const storeOf = (c: AppContext) => homeStore(c.env, c.get("site").profile.url);

function primed(c: AppContext, snapshot: PostsSnapshot | null | undefined): void {
  if (snapshot) c.get("timelines").prime(snapshot);
}

export async function listMentions(c: AppContext) {
  return c.json(await storeOf(c).listMentions(MAX_LISTED_MENTIONS));
}

async function byId(c: AppContext, action: "approve" | "delete") {
  const id = await field(c, "id");
  if (!id || !ID.test(id)) return invalid(c, 'send { "id": "<id from GET /admin/mentions>" }');
  const done = await storeOf(c).moderate(action === "approve" ? { approve: id } : { delete: id });
  if (!done) return c.json({ error: "not_found", error_description: action === "approve" ? `no held mention ${id}` : `no mention ${id}` }, 404);
  primed(c, done.snapshot as PostsSnapshot | null);
  return c.json({ [action === "approve" ? "approved" : "deleted"]: id });
}

export const approveMention = (c: AppContext) => byId(c, "approve");
export const deleteMention = (c: AppContext) => byId(c, "delete");

export async function blockDomain(c: AppContext) {
  const domain = await field(c, "domain");
  if (!domain || !DOMAIN.test(domain)) return invalid(c, 'send { "domain": "spam.example" }');
  const done = await storeOf(c).moderate({ block: domain });
  primed(c, done?.snapshot as PostsSnapshot | null | undefined);
  return c.json({ blocked: domain, removed: done?.removed ?? 0 });
}
