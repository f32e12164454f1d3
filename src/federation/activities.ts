/**
 * @module The activities the home sends, as plain JSON: an own post as the object Mastodon shows
 * (a `Note` for notes, photos and replies; an `Article` for articles; with its photos as
 * attachments, its categories as hashtags and its `inReplyTo`), wrapped in `Create`, `Update` or
 * `Delete` (a `Tombstone`), the `Accept` of a Follow, and the `Update` of the actor. Pure
 * functions: the store keeps what they return, the delivery signs and sends it.
 */
import { firstText, texts } from "../posts/mf2.ts";
import { absoluteHttp, contentHtml, photosOf, type PostContext } from "../posts/render.ts";
import type { StoredPost } from "../posts/types.ts";
import { MAX_TAG_CHARS, MAX_TAGS } from "../ingest/limits.ts";
import { ACTIVITIES_PATH, ACTIVITYSTREAMS, PUBLIC, type ActorUrls } from "./actor.ts";

export type ActivityType = "Create" | "Update" | "Delete" | "Accept" | "Announce";

/** An activity as the store keeps it: its id, type, what it is about, its JSON, and whether it belongs in the public outbox. */
export interface OutgoingActivity {
  id: string;
  type: ActivityType;
  /** The id of the object it is about (a post's URL, the actor's id, a Follow's id). */
  object: string;
  json: string;
  public: boolean;
}

/** A new activity id on the home (under /activitypub/activities/, where the outbox's activities answer). */
export function newActivityId(home: string): string {
  return new URL(`${ACTIVITIES_PATH}/${crypto.randomUUID()}`, home).href;
}

const IMAGE_TYPES: Record<string, string> = { jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", gif: "image/gif", webp: "image/webp", avif: "image/avif" };

function mediaTypeOf(url: string): string | undefined {
  const path = new URL(url).pathname;
  const dot = path.lastIndexOf(".");
  return dot < 0 ? undefined : IMAGE_TYPES[path.slice(dot + 1).toLowerCase()];
}

/** The kinds of post that federate as objects of their own; likes, reposts and bookmarks of other pages do not (they have no ActivityPub id to point to). */
const FEDERATED = new Set(["note", "article", "photo", "reply"]);

/** The post as an ActivityStreams object, or undefined for a kind that is not federated. */
export function postObject(post: StoredPost, context: PostContext, urls: ActorUrls): Record<string, unknown> | undefined {
  if (!FEDERATED.has(post.kind)) return undefined;
  const { properties } = post;
  const url = new URL(post.path, context.home).href;
  const content = contentHtml(properties, context.home).trim();
  const lang = firstText(properties, "lang") ?? context.lang;
  const attachment = photosOf(properties).flatMap((photo) => {
    const src = absoluteHttp(photo.url, context.home);
    if (!src) return [];
    const mediaType = mediaTypeOf(src);
    return [{ type: "Image", url: src, ...(mediaType ? { mediaType } : {}), ...(photo.alt ? { name: photo.alt } : {}) }];
  });
  const tag = texts(properties, "category")
    .map((category) => category.trim().slice(0, MAX_TAG_CHARS))
    .filter((category) => category !== "" && !category.includes(" "))
    .slice(0, MAX_TAGS)
    .map((category) => ({ type: "Hashtag", name: `#${category}` }));
  const inReplyTo = texts(properties, "in-reply-to")
    .map((target) => absoluteHttp(target, context.home))
    .find((target) => target !== undefined);
  const name = post.kind === "article" ? firstText(properties, "name")?.trim() : undefined;
  return {
    id: url,
    type: post.kind === "article" ? "Article" : "Note",
    attributedTo: urls.id,
    ...(name ? { name } : {}),
    content,
    ...(lang ? { contentMap: { [lang]: content } } : {}),
    url,
    published: post.published,
    ...(post.updated ? { updated: post.updated } : {}),
    to: [PUBLIC],
    cc: [urls.followers],
    ...(inReplyTo ? { inReplyTo } : {}),
    ...(attachment.length > 0 ? { attachment } : {}),
    ...(tag.length > 0 ? { tag } : {}),
  };
}

/** A Create, Update or Delete of a post (Delete carries a Tombstone), addressed to the public and the followers. */
export function postActivity(type: "Create" | "Update" | "Delete", object: Record<string, unknown>, urls: ActorUrls, home: string, now: Date): OutgoingActivity {
  const id = newActivityId(home);
  const objectId = String(object.id);
  const body = {
    "@context": ACTIVITYSTREAMS,
    id,
    type,
    actor: urls.id,
    published: now.toISOString(),
    to: [PUBLIC],
    cc: [urls.followers],
    object: type === "Delete" ? { id: objectId, type: "Tombstone" } : object,
  };
  return { id, type, object: objectId, json: JSON.stringify(body), public: true };
}

/** The Accept of a received Follow, addressed to its follower (the Follow itself as its object, as Mastodon expects). */
export function acceptActivity(follow: { id: string; actor: string }, urls: ActorUrls, home: string): OutgoingActivity {
  const id = newActivityId(home);
  const body = { "@context": ACTIVITYSTREAMS, id, type: "Accept", actor: urls.id, to: [follow.actor], object: { id: follow.id, type: "Follow", actor: follow.actor, object: urls.id } };
  return { id, type: "Accept", object: follow.id, json: JSON.stringify(body), public: false };
}

/** An Announce (a boost) of another account's post, by its URL, addressed to the public and the followers. */
export function announceActivity(object: string, urls: ActorUrls, home: string, now: Date): OutgoingActivity {
  const id = newActivityId(home);
  const body = { "@context": ACTIVITYSTREAMS, id, type: "Announce", actor: urls.id, published: now.toISOString(), to: [PUBLIC], cc: [urls.followers], object };
  return { id, type: "Announce", object, json: JSON.stringify(body), public: true };
}

/** The Update of the actor (a changed profile): its new document as the object. */
export function actorUpdateActivity(actor: Record<string, unknown>, urls: ActorUrls, home: string, now: Date): OutgoingActivity {
  const id = newActivityId(home);
  const { "@context": context, ...object } = actor;
  const body = { "@context": context, id, type: "Update", actor: urls.id, published: now.toISOString(), to: [PUBLIC], cc: [urls.followers], object };
  return { id, type: "Update", object: urls.id, json: JSON.stringify(body), public: false };
}
