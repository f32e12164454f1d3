/**
 * @module The owner's posts as visitors read them: the KV key `posts` (written by the home's store
 * after every change) merged into the timeline every page and feed is drawn from.
 */
import { mergeTimeline } from "../ingest/merge.ts";
import type { Timeline } from "../store/index.ts";
import type { PostsSnapshot } from "./types.ts";

export const POSTS_KEY = "posts";

/** Before the first post: nothing to merge. */
export const NO_POSTS: PostsSnapshot = { version: "0", sequence: 0, items: [] };

/** The stored snapshot's text read as one; null before the first post (or when it cannot be read as one). */
export function parsePostsSnapshot(text: string | null): PostsSnapshot | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as PostsSnapshot;
    return Array.isArray(value.items) && typeof value.sequence === "number" ? value : null;
  } catch {
    return null;
  }
}

/** The later of two snapshots (the store numbers them): a KV read older than what this isolate wrote never wins. */
export function laterSnapshot(a: PostsSnapshot | null, b: PostsSnapshot | null): PostsSnapshot {
  if (!a) return b ?? NO_POSTS;
  if (!b) return a;
  return b.sequence > a.sequence ? b : a;
}

/**
 * The timeline with the owner's posts merged in, newest first, at most `maxItems` of the fetched
 * items plus the posts: its version names both, so every cached answer changes with either.
 */
export function withOwnPosts(timeline: Timeline, posts: PostsSnapshot, maxItems: number): Timeline {
  if (posts.items.length === 0) return timeline;
  return { ...timeline, version: `${timeline.version}.p${posts.version}`, items: mergeTimeline([posts.items, timeline.items], maxItems + posts.items.length) };
}
