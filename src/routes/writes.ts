/**
 * @module The one write path of the owner's posts, shared by the Micropub endpoint and the
 * compose page (/new): a create reads its date from `published` and drops Micropub's commands
 * (`mp-*`), every write goes to the home's store, and after each one this isolate's timeline is
 * primed with the store's snapshot, so the pages it serves show the change at once. A photo is
 * stored (metadata removed, content-addressed) before the post that links it.
 */
import { homeStore } from "../auth/grants.ts";
import { mediaStoreOf, storeMedia } from "../posts/media.ts";
import type { UpdateOperations } from "../posts/mf2.ts";
import type { PostContext } from "../posts/render.ts";
import type { WriteResult } from "../posts/store.ts";
import type { Mf2Properties } from "../posts/types.ts";
import { afterOwnWrite } from "../conversations/work.ts";
import { federatePost } from "../federation/deliver.ts";
import { federationOf } from "../federation/context.ts";
import type { AppContext } from "./context.ts";
import { conversationsOf } from "./webmention.ts";

export const contextOf = (c: AppContext): PostContext => ({ home: c.get("site").profile.url, lang: c.get("site").profile.lang });

const storeOf = (c: AppContext) => homeStore(c.env, c.get("site").profile.url);

/**
 * A written post is shown at once by the isolate that wrote it, and its Webmentions and the hub's
 * pings go out after the answer (conversations/work.ts); a refusal changes nothing.
 */
function primed(c: AppContext, result: WriteResult): WriteResult {
  if ("refused" in result) return result;
  c.get("timelines").prime(result.snapshot);
  c.executionCtx.waitUntil(
    afterOwnWrite(conversationsOf(c.get("site"), c.env, c.get("outbound"))).catch((error: unknown) => {
      console.error("after the write:", error instanceof Error ? error.message : String(error));
    }),
  );
  // Its Create, Update or Delete to the followers (federation/deliver.ts), beside the Webmentions.
  c.executionCtx.waitUntil(
    federatePost(federationOf(c), result.post, contextOf(c)).catch((error: unknown) => {
      console.error("federating the write:", error instanceof Error ? error.message : String(error));
    }),
  );
  return result;
}

/** Creates a post from its properties, dated by its `published` (a backdated post) or now. */
export async function createPost(c: AppContext, properties: Mf2Properties, slug?: string): Promise<WriteResult> {
  const published = typeof properties.published?.[0] === "string" ? properties.published[0] : undefined;
  const kept: Mf2Properties = { ...properties };
  // Micropub's commands (mp-slug, mp-syndicate-to…) are not properties of the post.
  for (const name of Object.keys(kept)) if (name.startsWith("mp-")) delete kept[name];
  return primed(c, await storeOf(c).create({ properties: kept, ...(slug ? { slug } : {}), ...(published ? { published } : {}) }, contextOf(c)));
}

/** Applies replace / add / delete; refused as a conflict when `revision` is given and is not the post's. */
export async function updatePost(c: AppContext, path: string, operations: UpdateOperations, revision?: number): Promise<WriteResult> {
  return primed(c, await storeOf(c).update(path, operations, contextOf(c), revision));
}

export async function deletePost(c: AppContext, path: string): Promise<WriteResult> {
  return primed(c, await storeOf(c).delete(path, contextOf(c)));
}

export async function undeletePost(c: AppContext, path: string): Promise<WriteResult> {
  return primed(c, await storeOf(c).undelete(path, contextOf(c)));
}

/** Stores an uploaded photo; its public URL, or why it was refused (in English, for a client). */
export async function storePhoto(c: AppContext, file: File): Promise<{ url: string } | { refused: string }> {
  const stored = await storeMedia(mediaStoreOf(c.env), new Uint8Array(await file.arrayBuffer()));
  if ("refused" in stored) return stored;
  return { url: new URL(`/media/${stored.name}`, c.get("site").profile.url).href };
}
