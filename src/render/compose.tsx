/**
 * @module The owner's pages at /new (no script): the sign-in form (the home URL as a read-only
 * username and the secret as a password, so password managers fill them, as on the IndieAuth
 * consent page), and the compose form: kind, title, Markdown text, photos with their alternative
 * texts, categories, language, date; a preview drawn by the permalink's own `PostArticle`; and
 * the owner's posts with Edit, Delete and Restore; and the moderation of received Webmentions
 * (/new/mentions: held first, each with Approve, Delete and Block its domain). Every form carries
 * the session's CSRF token.
 */
import { exactDate } from "../i18n/dates.ts";
import { fill, type Messages } from "../i18n/languages.ts";
import type { Profile } from "../config/index.ts";
import { SecretFields } from "./consent.tsx";
import { Document } from "./page.tsx";
import { PostArticle, type PostView } from "./post-page.tsx";

export type DraftKind = "note" | "article" | "photo";

/** A photo already in the media store, carried from one submit to the next by its URL. */
export interface DraftPhoto {
  url: string;
  alt: string;
}

/** Everything the form holds, as typed: re-shown whole after a preview, a problem or a conflict. */
export interface Draft {
  kind: DraftKind;
  name: string;
  content: string;
  categories: string;
  lang: string;
  published: string;
  photos: DraftPhoto[];
  /** The alternative texts typed for files not uploaded yet (one line per file). */
  newAlts: string;
}

/** The form's longest values (maxlength), as the server bounds them. */
export interface DraftBounds {
  name: number;
  content: number;
  categories: number;
  lang: number;
  alt: number;
  newAlts: number;
}

/** One line of the owner's list. */
export interface ListedPost {
  url: string;
  path: string;
  title: string;
  published: string;
  deleted: boolean;
  /** Notes, articles and photos: what this form writes. */
  editable: boolean;
}

interface Frame {
  t: Messages;
  stylesheet: string;
  favicon?: string | undefined;
}

export function SignInPage({ t, stylesheet, favicon, home, csrf, problem }: Frame & { home: string; csrf: string; problem?: string | undefined }) {
  return (
    <Document lang={t.code} title={t.composeSignInTitle} stylesheet={stylesheet} favicon={favicon}>
      <main id="content" class="error-page consent compose">
        <h1>{t.composeSignInTitle}</h1>
        <p>{fill(t.composeSignInLead, { home })}</p>
        {problem ? (
          <p class="problem" role="alert">
            {problem}
          </p>
        ) : null}
        <form method="post" action="/new/session">
          <input type="hidden" name="csrf" value={csrf} />
          <SecretFields home={home} t={t} />
          <p>
            <button type="submit">{t.composeSignIn}</button>
          </p>
        </form>
      </main>
    </Document>
  );
}

export interface ComposeData extends Frame {
  profile: Profile;
  csrf: string;
  draft: Draft;
  bounds: DraftBounds;
  maxPhotos: number;
  /** Editing a stored post: its URL and the revision the form was loaded at. */
  editing?: { url: string; revision: number } | undefined;
  problem?: string | undefined;
  preview?: PostView | undefined;
  /** The owner's newest posts (shown under a new post's form). */
  posts?: ListedPost[] | undefined;
}

const KINDS = [
  ["note", "composeKindNote"],
  ["article", "composeKindArticle"],
  ["photo", "composeKindPhoto"],
] as const satisfies [DraftKind, keyof Messages][];

function Field({ id, label, hint, children }: { id: string; label: string; hint?: string; children: unknown }) {
  return (
    <p>
      <label for={id}>{label}</label>
      {hint ? (
        <>
          <br />
          <span class="hint" id={`${id}-hint`}>
            {hint}
          </span>
        </>
      ) : null}
      <br />
      {children}
    </p>
  );
}

function Photos({ t, photos, bounds }: { t: Messages; photos: DraftPhoto[]; bounds: DraftBounds }) {
  return (
    <ul class="draft-photos">
      {photos.map((photo, index) => {
        const n = String(index + 1);
        return (
          <li>
            <img class="photo-thumb" src={photo.url} alt="" width="96" />
            <input type="hidden" name="photo-url" value={photo.url} />
            <label for={`photo-alt-${n}`}>{fill(t.composePhotoAlt, { n })}</label>
            <br />
            <input id={`photo-alt-${n}`} type="text" name="photo-alt" value={photo.alt} maxlength={bounds.alt} />
            <br />
            <input id={`photo-remove-${n}`} type="checkbox" name="photo-remove" value={String(index)} /> <label for={`photo-remove-${n}`}>{fill(t.composePhotoRemove, { n })}</label>
          </li>
        );
      })}
    </ul>
  );
}

function OwnPosts({ t, csrf, posts }: { t: Messages; csrf: string; posts: ListedPost[] }) {
  return (
    <section aria-labelledby="own-posts">
      <h2 id="own-posts">{t.composeOwnPosts}</h2>
      {posts.length === 0 ? (
        <p class="empty">{t.composeNoPosts}</p>
      ) : (
        <>
          <p class="muted">{t.composeOwnPostsLead}</p>
          <ul class="own-posts">
            {posts.map((post) => (
              <li>
                <p class="own-post-title">
                  {post.deleted ? (
                    <>
                      <span class="badge">{t.composeDeleted}</span> <span>{post.title}</span>
                    </>
                  ) : (
                    <a href={post.path}>{post.title}</a>
                  )}
                </p>
                <p class="muted">
                  <time datetime={post.published}>{exactDate(post.published, t.code)}</time>
                </p>
                <div class="own-post-actions">
                  {post.editable && !post.deleted ? (
                    <a href={`/new/edit?url=${encodeURIComponent(post.url)}`}>
                      {t.composeEdit}
                      <span class="vh"> — {post.title}</span>
                    </a>
                  ) : null}{" "}
                  <form method="post" action={post.deleted ? "/new/restore" : "/new/delete"}>
                    <input type="hidden" name="csrf" value={csrf} />
                    <input type="hidden" name="url" value={post.url} />
                    <button type="submit">
                      {post.deleted ? t.composeRestore : t.composeDelete}
                      <span class="vh"> — {post.title}</span>
                    </button>
                  </form>
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

export function ComposePage({ t, stylesheet, favicon, profile, csrf, draft, bounds, maxPhotos, editing, problem, preview, posts }: ComposeData) {
  const title = editing ? t.composeEditTitle : t.composeTitle;
  return (
    <Document lang={t.code} title={title} stylesheet={stylesheet} favicon={favicon}>
      <main id="content" class="error-page compose">
        <h1>{title}</h1>
        {problem ? (
          <p class="problem" role="alert">
            {problem}
          </p>
        ) : null}
        {preview ? (
          <section class="preview" aria-labelledby="preview-title">
            <h2 id="preview-title">{t.composePreviewTitle}</h2>
            <p class="muted">{t.composePreviewLead}</p>
            <PostArticle post={preview} profile={profile} t={t} level={3} linked={false} />
          </section>
        ) : null}
        <form method="post" action={editing ? "/new/edit" : "/new"} enctype="multipart/form-data">
          <input type="hidden" name="csrf" value={csrf} />
          {editing ? (
            <>
              <input type="hidden" name="url" value={editing.url} />
              <input type="hidden" name="revision" value={String(editing.revision)} />
            </>
          ) : null}
          <fieldset>
            <legend>{t.composeKind}</legend>
            {KINDS.map(([kind, words]) => (
              <span class="choice">
                <input id={`kind-${kind}`} type="radio" name="kind" value={kind} checked={draft.kind === kind} /> <label for={`kind-${kind}`}>{t[words]}</label>
              </span>
            ))}
          </fieldset>
          <Field id="name" label={t.composeName}>
            <input id="name" type="text" name="name" value={draft.name} maxlength={bounds.name} />
          </Field>
          {/* Not id="content": that is the page's main landmark (the skip links' target). */}
          <Field id="text" label={t.composeContent} hint={t.composeContentHint}>
            <textarea id="text" name="content" rows={10} maxlength={bounds.content} aria-describedby="text-hint">
              {/* The parser drops a textarea's first newline: this one, so the text's own stays. */}
              {`\n${draft.content}`}
            </textarea>
          </Field>
          <fieldset>
            <legend>{t.composePhotos}</legend>
            {draft.photos.length > 0 ? <Photos t={t} photos={draft.photos} bounds={bounds} /> : null}
            {draft.photos.length < maxPhotos ? (
              <>
                <Field id="photo" label={t.composeNewPhotos}>
                  <input id="photo" type="file" name="photo" accept="image/jpeg,image/png,image/gif,image/webp" multiple />
                </Field>
                <Field id="new-alts" label={t.composeNewAlts} hint={t.composeNewAltsHint}>
                  <textarea id="new-alts" name="new-alts" rows={2} maxlength={bounds.newAlts} aria-describedby="new-alts-hint">
                    {`\n${draft.newAlts}`}
                  </textarea>
                </Field>
              </>
            ) : null}
          </fieldset>
          <Field id="category" label={t.composeCategories}>
            <input id="category" type="text" name="category" value={draft.categories} maxlength={bounds.categories} />
          </Field>
          <Field id="lang" label={t.composeLang}>
            <input id="lang" type="text" name="lang" value={draft.lang} maxlength={bounds.lang} autocomplete="off" spellcheck={false} />
          </Field>
          {editing ? null : (
            <Field id="published" label={t.composePublished}>
              <input id="published" type="datetime-local" name="published" value={draft.published} step="1" />
            </Field>
          )}
          <p class="actions">
            <button type="submit" name="intent" value="preview">
              {t.composePreview}
            </button>{" "}
            <button type="submit" name="intent" value={editing ? "save" : "publish"} class="primary">
              {editing ? t.composeSave : t.composePublish}
            </button>
          </p>
        </form>
        {posts ? <OwnPosts t={t} csrf={csrf} posts={posts} /> : null}
        {editing ? null : (
          <>
            <p class="moderation-link">
              <a href="/new/mentions">{t.composeMentionsLink}</a>
            </p>
            <p>
              <a href="/new/profile">{t.profileEditLink}</a>
            </p>
          </>
        )}
        <SignOut t={t} csrf={csrf} />
      </main>
    </Document>
  );
}

/** A received mention as the moderation page lists it (every URL absolute http(s), the excerpt plain text). */
export interface ModeratedMention {
  id: string;
  kind: "reply" | "like" | "repost" | "bookmark" | "mention";
  status: "held" | "published";
  author: { name: string; url?: string; photo?: string };
  /** The mention's text, already sanitised and cut short. */
  excerpt: string;
  source: string;
  /** The mentioned page: its URL and its path on this home. */
  target: string;
  targetPath: string;
  /** ISO 8601: the source's date, else when it was verified. */
  date: string;
  /** The source's host: what Block blocks. */
  domain: string;
}

const MENTION_KINDS = {
  reply: "moderationKindReply",
  like: "moderationKindLike",
  repost: "moderationKindRepost",
  bookmark: "moderationKindBookmark",
  mention: "moderationKindMention",
} as const satisfies Record<ModeratedMention["kind"], keyof Messages>;

function ModerationForm({ action, csrf, name, value, children }: { action: string; csrf: string; name: string; value: string; children: unknown }) {
  return (
    <form method="post" action={action}>
      <input type="hidden" name="csrf" value={csrf} />
      <input type="hidden" name={name} value={value} />
      <button type="submit">{children}</button>
    </form>
  );
}

function Moderated({ t, csrf, mention }: { t: Messages; csrf: string; mention: ModeratedMention }) {
  const who = fill(t.moderationOf, { name: mention.author.name });
  const face = mention.author.photo ? <img class="moderation-photo" src={mention.author.photo} alt="" width="32" height="32" loading="lazy" decoding="async" /> : null;
  return (
    <li class={`moderated moderated-${mention.status}`} data-id={mention.id}>
      <p class="moderated-head">
        <span class="badge">{t[MENTION_KINDS[mention.kind]]}</span>{" "}
        {mention.author.url ? (
          <a class="moderated-author" href={mention.author.url}>
            {face}
            {mention.author.name}
          </a>
        ) : (
          <span class="moderated-author">
            {face}
            {mention.author.name}
          </span>
        )}
      </p>
      <p class="moderated-excerpt">{mention.excerpt || t.moderationNoText}</p>
      <dl class="moderated-facts">
        <dt>{t.moderationSource}</dt>
        <dd>
          <a href={mention.source}>{mention.source}</a>
        </dd>
        <dt>{t.moderationTarget}</dt>
        <dd>
          <a href={mention.targetPath}>{mention.targetPath}</a>
        </dd>
        <dt>{t.moderationDate}</dt>
        <dd>
          <time datetime={mention.date}>{exactDate(mention.date, t.code)}</time>
        </dd>
      </dl>
      <div class="own-post-actions">
        {mention.status === "held" ? (
          <ModerationForm action="/new/mentions/approve" csrf={csrf} name="id" value={mention.id}>
            {t.moderationApprove}
            <span class="vh"> — {who}</span>
          </ModerationForm>
        ) : null}
        <ModerationForm action="/new/mentions/delete" csrf={csrf} name="id" value={mention.id}>
          {t.moderationDelete}
          <span class="vh"> — {who}</span>
        </ModerationForm>
        <ModerationForm action="/new/mentions/block" csrf={csrf} name="domain" value={mention.domain}>
          {fill(t.moderationBlock, { domain: mention.domain })}
        </ModerationForm>
      </div>
    </li>
  );
}

function ModerationList({ t, csrf, id, title, empty, mentions }: { t: Messages; csrf: string; id: string; title: string; empty: string; mentions: ModeratedMention[] }) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>
        {title} ({String(mentions.length)})
      </h2>
      {mentions.length === 0 ? (
        <p class="empty">{empty}</p>
      ) : (
        <ul class="own-posts moderated-list">
          {mentions.map((mention) => (
            <Moderated t={t} csrf={csrf} mention={mention} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** One Webmention the home sent (or will send) for a post: where, and what came of it. */
export interface SentMention {
  post: string;
  target: string;
  /** pending (will be retried), sent, none (the target names no endpoint), failed. */
  state: string;
  endpoint: string | null;
  result: string | null;
  attempts: number;
  nextAt: number;
}

/** What the owner's posts sent: each target, its endpoint and the answer, or when it is tried again. */
function SentList({ t, sent }: { t: Messages; sent: readonly SentMention[] }) {
  const words: Record<string, string> = { pending: t.sentPending, sent: t.sentSent, none: t.sentNone, failed: t.sentFailed };
  return (
    <section aria-labelledby="sent">
      <h2 id="sent">{t.sentTitle}</h2>
      {sent.length === 0 ? (
        <p>{t.sentEmpty}</p>
      ) : (
        <table class="sent">
          <thead>
            <tr>
              <th scope="col">{t.sentPost}</th>
              <th scope="col">{t.sentTarget}</th>
              <th scope="col">{t.sentState}</th>
            </tr>
          </thead>
          <tbody>
            {sent.map((job) => (
              <tr>
                <td>
                  <a href={job.post}>{job.post}</a>
                </td>
                <td>
                  <a href={job.target}>{job.target}</a>
                </td>
                <td>
                  {words[job.state] ?? job.state}
                  {job.endpoint ? ` — ${job.endpoint}` : ""}
                  {job.result ? ` (${job.result})` : ""}
                  {job.state === "pending" && job.attempts > 0 ? ` — ${fill(t.sentRetry, { when: new Date(job.nextAt).toISOString().slice(0, 16).replace("T", " ") })}` : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function MentionsPage({ t, stylesheet, favicon, csrf, mentions, queued, sent = [] }: Frame & { csrf: string; mentions: ModeratedMention[]; queued: number; sent?: readonly SentMention[] }) {
  return (
    <Document lang={t.code} title={t.moderationTitle} stylesheet={stylesheet} favicon={favicon}>
      <main id="content" class="error-page compose">
        <h1>{t.moderationTitle}</h1>
        <p>{t.moderationLead}</p>
        {queued > 0 ? <p class="muted">{fill(t.moderationQueued, { n: String(queued) })}</p> : null}
        <p>
          <a href="/new">{t.moderationBack}</a>
        </p>
        <ModerationList t={t} csrf={csrf} id="held" title={t.moderationHeld} empty={t.moderationNoneHeld} mentions={mentions.filter((mention) => mention.status === "held")} />
        <ModerationList t={t} csrf={csrf} id="published" title={t.moderationPublished} empty={t.moderationNonePublished} mentions={mentions.filter((mention) => mention.status === "published")} />
        <SentList t={t} sent={sent} />
        <SignOut t={t} csrf={csrf} />
      </main>
    </Document>
  );
}

/** The sign-out button every signed-in page ends with. */
function SignOut({ t, csrf }: { t: Messages; csrf: string }) {
  return (
    <form method="post" action="/new/session/end" class="sign-out">
      <input type="hidden" name="csrf" value={csrf} />
      <button type="submit">{t.composeSignOut}</button>
    </form>
  );
}
