/**
 * @module What the owner writes: a post as Micropub describes it (microformats 2 properties, every
 * value a list), where it lives on the home, and the snapshot visitors read from KV.
 */
import type { Item } from "../model.ts";

/** The `Source.id` of the owner's own posts (a profile account can never take it: ids there have no `~`). */
export const OWN_SOURCE_ID = "~posts";

/** A microformats 2 value: a string, an `{ html, value }` content, a `{ value, alt }` photo, or a nested object. */
export type Mf2Value = string | { html?: string; value?: string; alt?: string } | Mf2Object;

export interface Mf2Object {
  type: string[];
  properties: Mf2Properties;
}

/** Properties by name, every value a list (microformats 2 JSON, as Micropub's JSON syntax sends it). */
export type Mf2Properties = Record<string, Mf2Value[]>;

/** What kind of post, by Post Type Discovery (https://www.w3.org/TR/post-type-discovery/). */
export type PostKind = "note" | "article" | "photo" | "reply" | "like" | "repost" | "bookmark";

/** The folder of each kind's permalinks. */
export const POST_FOLDERS: Record<PostKind, string> = {
  note: "notes",
  article: "articles",
  photo: "photos",
  reply: "replies",
  like: "likes",
  repost: "reposts",
  bookmark: "bookmarks",
};

/** A post as the home's store keeps it. */
export interface StoredPost {
  /** Stable, unique, never reused: the post's `u-uid` and, for notes, its path. */
  uid: string;
  /** Where it lives on the home: `/notes/<uid>` or `/articles/<slug>` (for other kinds, `/<kind>s/<uid>`). */
  path: string;
  kind: PostKind;
  /** The h-entry's properties as written (Micropub `q=source` gives them back as they are). */
  properties: Mf2Properties;
  /** ISO 8601: set by the writer (a backdated import) or the time of creation. */
  published: string;
  /** ISO 8601, set by every edit. */
  updated?: string;
  /** ISO 8601, when deleted (the permalink answers 410 Gone until undeleted). */
  deleted?: string;
  /** Starts at 1, +1 on every change: an edit made against an older revision is refused, never lost. */
  revision: number;
}

/** What visitors read of the owner's posts: KV key `posts`, rewritten by the store after every change. */
export interface PostsSnapshot {
  /** Changes with every write: part of every cached answer's key. */
  version: string;
  /** +1 with every write: of two snapshots, the later one wins (KV may still serve the older). */
  sequence: number;
  /** The newest published posts as timeline items, newest first (at most `SNAPSHOT_POSTS`). */
  items: Item[];
  /**
   * The published Webmentions: their version (part of the permalink's and the page's cached
   * variants; the posts' `version` stays, so feeds are not rebuilt) and their counts per path.
   */
  mentions?: { version: string; counts: Record<string, MentionCounts> };
}

/** Published mentions of one page, by kind (bookmarks count as mentions). */
export interface MentionCounts {
  replies: number;
  likes: number;
  reposts: number;
  mentions: number;
}
