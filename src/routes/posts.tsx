/**
 * @module The owner's posts on the home: each permalink (`/notes/<uid>`, `/articles/<slug>`, …)
 * as an h-entry page, 410 Gone once deleted; and the handlers of `GET /admin/export` and
 * `POST /admin/import` (mounted behind the admin secret in admin.ts): every post as JSON (and the
 * export as an h-feed page too), taken back as it was given.
 */
import { MAX_STORED_PER_HOME } from "../conversations/limits.ts";
import { Hono } from "hono";
import { homeStore } from "../auth/grants.ts";
import { checkProperties, firstText, InvalidRequest, texts } from "../posts/mf2.ts";
import { absoluteHttp, contentHtml, photosOf, type PostContext } from "../posts/render.ts";
import { POST_FOLDERS, type StoredPost } from "../posts/types.ts";
import { MessagePage } from "../render/page.tsx";
import type { MentionView } from "../render/mentions.tsx";
import { PostPage, type PostView } from "../render/post-page.tsx";
import { objectOnAccept } from "./activitypub.ts";
import { cached } from "./cache.ts";
import type { AppContext, AppEnv } from "./context.ts";

/** The view of a stored post for its page: its HTML rendered and every URL checked. */
export function viewOf(post: StoredPost, home: string): PostView {
  const { properties } = post;
  const responses = (["in-reply-to", "like-of", "repost-of", "bookmark-of"] as const).flatMap((property) =>
    texts(properties, property).flatMap((value) => {
      const url = absoluteHttp(value, home);
      return url ? [{ property, url }] : [];
    }),
  );
  const name = post.kind === "article" ? firstText(properties, "name")?.trim() : undefined;
  const lang = firstText(properties, "lang");
  return {
    url: new URL(post.path, home).href,
    uid: post.uid,
    ...(name ? { name } : {}),
    contentHtml: contentHtml(properties, home),
    published: post.published,
    ...(post.updated ? { updated: post.updated } : {}),
    photos: photosOf(properties).flatMap((photo) => {
      const src = absoluteHttp(photo.url, home);
      return src ? [{ src, alt: photo.alt }] : [];
    }),
    responses,
    categories: texts(properties, "category"),
    ...(lang ? { lang } : {}),
  };
}

export const posts = new Hono<AppEnv>();

// The permalink changes with the post (its version is in the timeline's), with the language and
// with the Webmentions it received (their own version: posts' stays when only mentions change).
const permalink = cached((c, timeline) => ({ lang: c.get("lang"), timeline: timeline.version, mentions: c.get("timelines").mentions().version }));

const FOLDERS = Object.values(POST_FOLDERS).join("|");

// A post's URL is also its ActivityPub object's id: ActivityPub clients get its JSON, browsers the page.
posts.get(`/:folder{${FOLDERS}}/:name{[a-z0-9-]{1,80}}`, objectOnAccept, permalink, async (c) => {
  const site = c.get("site");
  const t = c.get("t");
  const store = homeStore(c.env, site.profile.url);
  const found = await store.get(c.req.path);
  if (!found || found.post.deleted) {
    const page = found ? <MessagePage title={t.postGoneTitle} message={t.postGone} t={t} stylesheet={site.stylesheet.path} /> : <MessagePage title={t.notFoundTitle} message={t.notFound} t={t} stylesheet={site.stylesheet.path} />;
    return c.html(await page.toString(), found ? 410 : 404);
  }
  const mentions: MentionView[] = (await store.mentionsOf(c.req.path)).map((mention) => ({
    kind: mention.kind,
    url: mention.url,
    author: mention.author,
    contentHtml: mention.contentHtml,
    contentText: mention.contentText,
    ...(mention.published ? { published: mention.published } : {}),
  }));
  const page = <PostPage post={viewOf(found.post, site.profile.url)} profile={site.profile} t={t} stylesheet={site.stylesheet.path} favicon={site.favicon.path} mentions={mentions} />;
  c.header("Cache-Control", "public, max-age=60");
  c.header("Vary", "Accept-Language, Accept");
  return c.html(await page.toString());
});

/** What an export holds: every post, deleted ones included, as the store keeps them. */
export interface PostsExport {
  home: string;
  exported: string;
  posts: StoredPost[];
}

const contextOf = (c: AppContext): PostContext => ({ home: c.get("site").profile.url, lang: c.get("site").profile.lang });

/** GET /admin/export: JSON by default, an h-feed page for `Accept: text/html`. */
export async function exportPosts(c: AppContext) {
  const site = c.get("site");
  const all = await homeStore(c.env, site.profile.url).list();
  if ((c.req.header("Accept") ?? "").includes("text/html")) {
    const t = c.get("t");
    const body = (
      <div class="h-feed">
        <h1 class="p-name">{site.profile.name}</h1>
        {all
          .filter((post) => !post.deleted)
          .map((post) => (
            <PostPage post={viewOf(post, site.profile.url)} profile={site.profile} t={t} stylesheet={site.stylesheet.path} />
          ))}
      </div>
    );
    return c.html(await body.toString());
  }
  // Everything the home holds that cannot be fetched again: the profile, the posts, the mentions received and sent.
  const { mentions, outbox } = await homeStore(c.env, site.profile.url).listMentions(MAX_EXPORTED_MENTIONS);
  c.header("Content-Disposition", 'attachment; filename="home.json"');
  return c.json({ home: site.profile.url, exported: new Date().toISOString(), profile: site.profile, posts: all, mentions, sent: outbox } satisfies PostsExport & Record<string, unknown>);
}

/** Mentions an export carries: every one a home may store. */
const MAX_EXPORTED_MENTIONS = MAX_STORED_PER_HOME;

/** POST /admin/import: an export taken back (all or nothing); a post already here at a later revision is kept. */
export async function importPosts(c: AppContext) {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return c.json({ error: "invalid_request", error_description: "send the JSON of GET /admin/export" }, 400);
  }
  const list = (body as Partial<PostsExport> | null)?.posts;
  if (!Array.isArray(list) || !list.every(isStoredPost)) return c.json({ error: "invalid_request", error_description: "posts must be a list of exported posts (uid, path, kind, properties, published, revision)" }, 400);
  let checked: StoredPost[];
  try {
    checked = list.map((post, index) => ({
      uid: post.uid,
      path: post.path,
      kind: post.kind,
      properties: checkProperties(post.properties, `posts[${index}].properties`),
      published: new Date(post.published).toISOString(),
      ...(typeof post.updated === "string" && !Number.isNaN(Date.parse(post.updated)) ? { updated: new Date(post.updated).toISOString() } : {}),
      ...(typeof post.deleted === "string" && !Number.isNaN(Date.parse(post.deleted)) ? { deleted: new Date(post.deleted).toISOString() } : {}),
      revision: post.revision,
    }));
  } catch (error) {
    if (error instanceof InvalidRequest) return c.json({ error: "invalid_request", error_description: error.message }, 400);
    throw error;
  }
  const result = await homeStore(c.env, c.get("site").profile.url).import(checked, contextOf(c));
  if ("refused" in result) return c.json({ error: "invalid_request", error_description: result.message }, 400);
  c.get("timelines").prime(result.snapshot);
  return c.json({ imported: result.imported, kept: result.kept });
}

const PATH = new RegExp(`^/(?:${FOLDERS})/[a-z0-9-]{1,80}$`);

function isStoredPost(value: unknown): value is StoredPost {
  if (value === null || typeof value !== "object") return false;
  const post = value as Record<string, unknown>;
  return (
    typeof post.uid === "string" &&
    /^[a-z0-9]{1,40}$/.test(post.uid) &&
    typeof post.path === "string" &&
    PATH.test(post.path) &&
    typeof post.properties === "object" &&
    post.properties !== null &&
    typeof post.published === "string" &&
    !Number.isNaN(Date.parse(post.published)) &&
    typeof post.revision === "number" &&
    Number.isInteger(post.revision) &&
    post.revision >= 1
  );
}
