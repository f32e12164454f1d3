/**
 * @module A post's permalink page: one h-entry that microformats parsers read without guessing
 * (u-url, u-uid, dt-published, dt-updated, p-author h-card, p-name for articles only, e-content,
 * u-photo, p-category, u-in-reply-to / u-like-of / u-repost-of / u-bookmark-of), and the
 * conversation it received (mentions.tsx) inside it.
 */
import type { Child } from "hono/jsx";
import { raw } from "hono/html";
import type { Profile } from "../config/index.ts";
import type { Messages } from "../i18n/languages.ts";
import { exactDate } from "../i18n/dates.ts";
import { Conversation, type MentionView } from "./mentions.tsx";
import { Document } from "./page.tsx";

/** What the page shows of a post: everything already made safe (HTML sanitised, URLs absolute http(s)). */
export interface PostView {
  url: string;
  uid: string;
  /** Articles only: the p-name. */
  name?: string;
  contentHtml: string;
  published: string;
  updated?: string;
  photos: { src: string; alt: string }[];
  /** The post answers these URLs, by microformats property. */
  responses: { property: "in-reply-to" | "like-of" | "repost-of" | "bookmark-of"; url: string }[];
  categories: string[];
  lang?: string;
}

const RESPONSE_WORDS = { "in-reply-to": "postInReplyTo", "like-of": "postLikeOf", "repost-of": "postRepostOf", "bookmark-of": "postBookmarkOf" } as const;

export function PostPage({ post, profile, t, stylesheet, favicon, mentions = [] }: { post: PostView; profile: Profile; t: Messages; stylesheet: string; favicon?: string; mentions?: readonly MentionView[] }) {
  const title = post.name ?? (post.contentHtml ? `${profile.name} — ${t.postPublished.toLowerCase()} ${exactDate(post.published, t.code)}` : profile.name);
  return (
    <Document
      lang={t.code}
      title={title}
      stylesheet={stylesheet}
      favicon={favicon}
      head={
        <>
          <link rel="canonical" href={post.url} />
          <link rel="alternate" type="application/rss+xml" title={`${profile.name} — RSS`} href="/feed.xml" />
          <link rel="alternate" type="application/atom+xml" title={`${profile.name} — Atom`} href="/atom.xml" />
          <link rel="alternate" type="application/feed+json" title={`${profile.name} — JSON Feed`} href="/feed.json" />
        </>
      }
    >
      <div class="page">
        <main id="content">
          <PostArticle post={post} profile={profile} t={t}>
            <Conversation mentions={mentions} t={t} />
          </PostArticle>
          <p>
            <a href="/">{t.postBack}</a>
          </p>
        </main>
      </div>
    </Document>
  );
}

/**
 * The post's h-entry, as its permalink shows it; the compose page's preview draws the same one,
 * its title a level below the page's and its date not linked (the post is not there yet).
 */
export function PostArticle({ post, profile, t, level = 1, linked = true, children }: { post: PostView; profile: Profile; t: Messages; level?: 1 | 3; linked?: boolean; children?: Child }) {
  return (
    <article class="h-entry post" lang={post.lang && post.lang !== t.code ? post.lang : undefined}>
      {post.responses.map((response) => (
        <p class="post-response">
          {t[RESPONSE_WORDS[response.property]]}{" "}
          <a class={`u-${response.property}`} href={response.url}>
            {response.url}
          </a>
        </p>
      ))}
      {post.name ? level === 1 ? <h1 class="p-name">{post.name}</h1> : <h3 class="p-name">{post.name}</h3> : null}
      <div class="e-content">{raw(post.contentHtml)}</div>
      {post.photos.map((photo) => (
        <img class="u-photo" src={photo.src} alt={photo.alt} loading="lazy" decoding="async" />
      ))}
      {post.categories.length > 0 ? (
        <p class="post-categories">
          {t.postCategories} :{" "}
          {post.categories.map((category, index) => (
            <>
              {index > 0 ? ", " : null}
              <span class="p-category">{category}</span>
            </>
          ))}
        </p>
      ) : null}
      <footer class="post-meta">
        {linked ? (
          <a class="u-url u-uid" href={post.url}>
            {t.postPublished}{" "}
            <time class="dt-published" datetime={post.published}>
              {exactDate(post.published, t.code)}
            </time>
          </a>
        ) : (
          <span>
            {t.postPublished}{" "}
            <time class="dt-published" datetime={post.published}>
              {exactDate(post.published, t.code)}
            </time>
          </span>
        )}
        {post.updated ? (
          <>
            {" "}
            ({t.postUpdated}{" "}
            <time class="dt-updated" datetime={post.updated}>
              {exactDate(post.updated, t.code)}
            </time>
            )
          </>
        ) : null}{" "}
        {t.postBy}{" "}
        <a class="p-author h-card" href={profile.url}>
          {profile.photo ? <img class="u-photo" src={profile.photo} alt="" width="24" height="24" /> : null}
          <span class="p-name">{profile.name}</span>
        </a>
      </footer>
      {/* What the post received (mentions.tsx): inside the h-entry, so parsers see the conversation. */}
      {children}
    </article>
  );
}
