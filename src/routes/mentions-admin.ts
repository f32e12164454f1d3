/**
 * @module The owner's moderation of received Webmentions, as JSON (mounted in admin.ts, behind the
 * admin secret): GET /admin/mentions lists them (held first), the queue's length and the outbox;
 * POST /admin/mentions/approve `{ id }` shows a held one, /delete `{ id }` removes one, /block
 * `{ domain }` drops a domain's mentions now and later. A change primes this isolate's timeline,
 * so the permalink shows it at once. The signed-in page /new/mentions (compose.tsx) moderates
 * through the same functions (`listedMentions`, `moderateMention`, `mentionIdOf`, `domainOf`).
 */
import { homeStore } from "../auth/grants.ts";
import type { PostsSnapshot } from "../posts/types.ts";
import type { AppContext } from "./context.ts";

/** Mentions the list shows at most. */
export const MAX_LISTED_MENTIONS = 500;
const MAX_DOMAIN_CHARS = 253;
const ID = /^[a-z0-9]{1,20}$/;
const DOMAIN = /^[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})+$/;

/** What the owner may do to a mention: publish a held one, delete one, or block a domain. */
export type Moderation = { approve: string } | { delete: string } | { block: string };

const invalid = (c: AppContext, description: string) => c.json({ error: "invalid_request", error_description: description }, 400);

/** A mention's id as sent (trimmed, lower-cased), or undefined when it cannot be one. */
export function mentionIdOf(value: string | undefined): string | undefined {
  const id = value?.trim().toLowerCase();
  return id && id.length <= MAX_DOMAIN_CHARS && ID.test(id) ? id : undefined;
}

/** A domain as sent (trimmed, lower-cased), or undefined when it is not a domain name. */
export function domainOf(value: string | undefined): string | undefined {
  const domain = value?.trim().toLowerCase();
  return domain && domain.length <= MAX_DOMAIN_CHARS && DOMAIN.test(domain) ? domain : undefined;
}

async function field(c: AppContext, name: string): Promise<string | undefined> {
  if (Number(c.req.header("Content-Length") ?? 0) > 4096) return undefined;
  try {
    const body = (await c.req.json()) as Record<string, unknown> | null;
    const value = body?.[name];
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

const storeOf = (c: AppContext) => homeStore(c.env, c.get("site").profile.url);

/** Every stored mention (held first), the queue's length and the outbox. */
export const listedMentions = (c: AppContext) => storeOf(c).listMentions(MAX_LISTED_MENTIONS);

/**
 * Applies one moderation in the home's store and primes this isolate's timeline with the new
 * snapshot. Null when there was no such mention (approve: no held one by that id); a block
 * always succeeds, with the number of mentions it removed.
 */
export async function moderateMention(c: AppContext, action: Moderation): Promise<{ removed: number } | null> {
  const done = await storeOf(c).moderate(action);
  if (!done) return null;
  const snapshot = done.snapshot as PostsSnapshot | null;
  if (snapshot) c.get("timelines").prime(snapshot);
  return { removed: done.removed ?? 0 };
}

export async function listMentions(c: AppContext) {
  return c.json(await listedMentions(c));
}

async function byId(c: AppContext, action: "approve" | "delete") {
  const id = mentionIdOf(await field(c, "id"));
  if (!id) return invalid(c, 'send { "id": "<id from GET /admin/mentions>" }');
  const done = await moderateMention(c, action === "approve" ? { approve: id } : { delete: id });
  if (!done) return c.json({ error: "not_found", error_description: action === "approve" ? `no held mention ${id}` : `no mention ${id}` }, 404);
  return c.json({ [action === "approve" ? "approved" : "deleted"]: id });
}

export const approveMention = (c: AppContext) => byId(c, "approve");
export const deleteMention = (c: AppContext) => byId(c, "delete");

export async function blockDomain(c: AppContext) {
  const domain = domainOf(await field(c, "domain"));
  if (!domain) return invalid(c, 'send { "domain": "spam.example" }');
  const done = await moderateMention(c, { block: domain });
  return c.json({ blocked: domain, removed: done?.removed ?? 0 });
}
