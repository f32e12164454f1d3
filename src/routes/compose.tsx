/**
 * @module Writing on the home from a browser, with no script: GET /new (the sign-in form, or the
 * compose form and the owner's posts), POST /new/session (sign in: the owner's secret, through
 * the store's rate limit, then a session cookie), POST /new/session/end (sign out), POST /new
 * (preview or publish), GET and POST /new/edit (an edit against the revision it was loaded at),
 * POST /new/delete and /new/restore; GET /new/mentions (the received Webmentions, held first) and
 * POST /new/mentions/approve, /delete and /block, through the JSON admin routes' own functions
 * (mentions-admin.ts). Every POST needs the session cookie (checked before the body
 * is read) and its form's CSRF token; every write goes through the Micropub endpoint's own write
 * path (writes.ts). Every answer is `no-store`, with a CSP whose `form-action` is 'self'.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { issuerOf } from "../auth/endpoints.ts";
import { homeStore } from "../auth/grants.ts";
import { ownerOf } from "../auth/owner.ts";
import { MAX_FORM_BYTES, MAX_SECRET_CHARS } from "../auth/limits.ts";
import { endSession, isSessionForm, isSignInFormToken, sessionOf, SESSION_COOKIE, SESSION_TTL_SECONDS, signInFormToken, startSession, type Session } from "../auth/session.ts";
import { fill } from "../i18n/languages.ts";
import { sanitisedText, truncate } from "../ingest/sanitise.ts";
import { MAX_MEDIA_BYTES } from "../posts/media.ts";
import { firstText, kindOf } from "../posts/mf2.ts";
import type { StoredPost } from "../posts/types.ts";
import { ComposePage, MentionsPage, SignInPage, type Draft, type ListedPost, type ModeratedMention } from "../render/compose.tsx";
import type { StoredMention } from "../conversations/mention-store.ts";
import { MessagePage } from "../render/page.tsx";
import type { PostView } from "../render/post-page.tsx";
import { DRAFT_BOUNDS, draftOf, draftOfPost, filesOf, isEditable, newAltsOf, operationsOf, problemOf, propertiesOf, publishedOf, textOf } from "./compose-draft.ts";
import type { AppContext, AppEnv } from "./context.ts";
import { policyWithFormAction } from "./csp.ts";
import { domainOf, listedMentions, mentionIdOf, moderateMention, type Moderation } from "./mentions-admin.ts";
import { MAX_MULTIPART_BYTES, MAX_UPLOADS_PER_POST } from "./micropub.ts";
import { viewOf } from "./posts.tsx";
import { createPost, deletePost, storePhoto, undeletePost, updatePost } from "./writes.ts";

/** The owner's posts listed under the form: the newest ones. */
export const MAX_LISTED_POSTS = 100;
/** A title in the list: the post's name, or its text's first words. */
const LISTED_TITLE_CHARS = 80;
/** The longest compose form: its text fields and every photo it may carry. */
export const MAX_COMPOSE_BODY_BYTES = MAX_MULTIPART_BYTES;
/** A mention's excerpt on the moderation page. */
const EXCERPT_CHARS = 280;
/** A revision number as the form carries it. */
const MAX_REVISION_DIGITS = 9;

const COOKIE_OPTIONS = { httpOnly: true, secure: true, sameSite: "Strict", path: "/", prefix: "host" } as const;

export const compose = new Hono<AppEnv>();

/** Pages with the owner's forms: never stored by a cache, and their forms may be sent here only. */
const ownersPage: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  c.res.headers.set("Cache-Control", "no-store");
  c.res.headers.set("Content-Security-Policy", policyWithFormAction(["'self'"]));
};
compose.use("/new", ownersPage);
compose.use("/new/*", ownersPage);

export const limited = (maxSize: number) =>
  bodyLimit({ maxSize, onError: (c) => messagePage(c as AppContext, c.get("t").composeForbiddenTitle, fill(c.get("t").composeTooLarge, { max: String(maxSize) }), 413) });
const smallForm = limited(MAX_FORM_BYTES);
const composeForm = limited(MAX_COMPOSE_BODY_BYTES);

const homeOf = (c: AppContext) => c.get("site").profile.url;
const nowSeconds = () => Math.floor(Date.now() / 1000);

export async function messagePage(c: AppContext, title: string, message: string, status: 400 | 403 | 404 | 413 | 429 | 503): Promise<Response> {
  const t = c.get("t");
  return c.html(await (<MessagePage title={title} message={message} t={t} stylesheet={c.get("site").stylesheet.path} />).toString(), status);
}

export async function signInPage(c: AppContext, status: 200 | 401, problem?: string): Promise<Response> {
  const site = c.get("site");
  const page = <SignInPage t={c.get("t")} stylesheet={site.stylesheet.path} favicon={site.favicon.path} home={issuerOf(site.profile)} csrf={await signInFormToken(await ownerOf(c.env)!.formKey(), nowSeconds())} problem={problem} />;
  return c.html(await page.toString(), status);
}

const staleForm = (c: AppContext) => messagePage(c, c.get("t").composeForbiddenTitle, c.get("t").composeStaleForm, 403);

/** The session of the request's cookie, or null. */
export const sessionFor = (c: AppContext) => sessionOf(c.env, homeOf(c), getCookie(c, SESSION_COOKIE, "host"));

/**
 * A POST's session and form, or the answer that refuses it: no session → the sign-in page (the
 * body is not read); a missing or wrong CSRF token → 403. Either way nothing is written.
 */
export async function signedForm(c: AppContext): Promise<{ session: Session; form: FormData } | Response> {
  if (!ownerOf(c.env)) return messagePage(c, c.get("t").authErrorTitle, c.get("t").authDisabled, 503);
  const session = await sessionFor(c);
  if (!session) return signInPage(c, 401, c.get("t").composeSignedOut);
  let form: FormData;
  try {
    form = await c.req.formData();
  } catch {
    return staleForm(c);
  }
  if (!isSessionForm(session, textOf(form, "csrf"))) return staleForm(c);
  return { session, form };
}

/** The path of a post URL on this home, or undefined. */
function pathOf(url: string, home: string): string | undefined {
  try {
    const parsed = new URL(url, home);
    return parsed.origin === new URL(home).origin ? parsed.pathname : undefined;
  } catch {
    return undefined;
  }
}

function listed(post: StoredPost, home: string): ListedPost {
  const text = post.kind === "article" ? firstText(post.properties, "name") : firstText(post.properties, "content") || firstText(post.properties, "name");
  return {
    url: new URL(post.path, home).href,
    path: post.path,
    title: truncate(text ?? "", LISTED_TITLE_CHARS) || post.path,
    published: post.published,
    deleted: post.deleted !== undefined,
    editable: isEditable(post),
  };
}

/** What the draft will look like, drawn by the permalink's own view. */
function previewOf(c: AppContext, draft: Draft, editing?: StoredPost): PostView {
  const properties = propertiesOf(draft, editing !== undefined);
  const post: StoredPost = editing
    ? { ...editing, kind: kindOf(properties), properties }
    : { uid: "preview", path: "/new", kind: kindOf(properties), properties, published: publishedOf(draft.published) ?? new Date().toISOString(), revision: 0 };
  return viewOf(post, homeOf(c));
}

interface FormState {
  editing?: { url: string; revision: number };
  problem?: string | undefined;
  preview?: PostView | undefined;
}

async function composePage(c: AppContext, session: Session, draft: Draft, state: FormState = {}, status: 200 | 400 | 404 | 409 = 200): Promise<Response> {
  const site = c.get("site");
  const home = homeOf(c);
  const posts = state.editing ? undefined : (await homeStore(c.env, home).list(MAX_LISTED_POSTS)).map((post) => listed(post, home));
  const page = (
    <ComposePage
      t={c.get("t")}
      stylesheet={site.stylesheet.path}
      favicon={site.favicon.path}
      profile={site.profile}
      csrf={session.csrf}
      draft={draft}
      bounds={DRAFT_BOUNDS}
      maxPhotos={MAX_UPLOADS_PER_POST}
      editing={state.editing}
      problem={state.problem}
      preview={state.preview}
      posts={posts}
    />
  );
  return c.html(await page.toString(), status);
}

const emptyDraft = (lang: string): Draft => ({ kind: "note", name: "", content: "", categories: "", lang, published: "", photos: [], newAlts: "" });

/**
 * The files chosen with this submit go to the media store now, so a preview, a problem or a
 * conflict loses none of them: from here on the form carries each one's URL (and its own
 * alternative text field). The n-th line of the alternative texts is the n-th file's.
 */
async function uploadChosen(c: AppContext, draft: Draft, files: File[]): Promise<string | undefined> {
  if (files.length === 0) return undefined;
  const t = c.get("t");
  if (draft.photos.length + files.length > MAX_UPLOADS_PER_POST) return fill(t.composeTooManyPhotos, { max: String(MAX_UPLOADS_PER_POST) });
  const alts = newAltsOf(draft);
  let problem: string | undefined;
  for (const [index, file] of files.entries()) {
    const stored = file.size > MAX_MEDIA_BYTES ? { refused: "too large" } : await storePhoto(c, file);
    if ("refused" in stored) problem ??= fill(t.composePhotoRefused, { file: truncate(file.name, LISTED_TITLE_CHARS) });
    else draft.photos.push({ url: stored.url, alt: alts[index] ?? "" });
  }
  draft.newAlts = "";
  return problem;
}

compose.get("/new", async (c) => {
  if (!ownerOf(c.env)) return messagePage(c, c.get("t").authErrorTitle, c.get("t").authDisabled, 503);
  const session = await sessionFor(c);
  if (!session) return signInPage(c, 200);
  return composePage(c, session, emptyDraft(c.get("site").profile.lang));
});

compose.post("/new/session", smallForm, async (c) => {
  const t = c.get("t");
  if (!ownerOf(c.env)) return messagePage(c, t.authErrorTitle, t.authDisabled, 503);
  const form = await c.req.formData().catch(() => undefined);
  if (!form || !(await isSignInFormToken(await ownerOf(c.env)!.formKey(), textOf(form, "csrf"), nowSeconds()))) return staleForm(c);
  const secret = textOf(form, "secret");
  const home = homeOf(c);
  const signIn = secret.length > MAX_SECRET_CHARS ? "wrong" : await homeStore(c.env, home).signIn(secret, Date.now());
  if (signIn === "limited") return messagePage(c, t.signInLimitedTitle, t.signInLimited, 429);
  if (signIn === "wrong") return signInPage(c, 401, t.consentWrongSecret);
  const session = await startSession(c.env, home, issuerOf(c.get("site").profile));
  setCookie(c, SESSION_COOKIE, session.token, { ...COOKIE_OPTIONS, maxAge: SESSION_TTL_SECONDS });
  return c.redirect("/new", 303);
});

compose.post("/new/session/end", smallForm, async (c) => {
  const signed = await signedForm(c);
  if (signed instanceof Response) return signed;
  await endSession(c.env, homeOf(c), signed.session);
  deleteCookie(c, SESSION_COOKIE, COOKIE_OPTIONS);
  return c.redirect("/new", 303);
});

compose.post("/new", composeForm, async (c) => {
  const signed = await signedForm(c);
  if (signed instanceof Response) return signed;
  const { session, form } = signed;
  const t = c.get("t");
  const draft = draftOf(form, c.get("site").profile.lang);
  const problem = (await uploadChosen(c, draft, filesOf(form))) ?? problemOf(draft, t, false);
  if (problem) return composePage(c, session, draft, { problem }, 400);
  if (textOf(form, "intent") !== "publish") return composePage(c, session, draft, { preview: previewOf(c, draft) });
  const result = await createPost(c, propertiesOf(draft));
  if ("refused" in result) return composePage(c, session, draft, { problem: fill(t.composeRefused, { reason: result.message }) }, 400);
  return c.redirect(result.post.path, 303);
});

compose.get("/new/edit", async (c) => {
  if (!ownerOf(c.env)) return messagePage(c, c.get("t").authErrorTitle, c.get("t").authDisabled, 503);
  const session = await sessionFor(c);
  if (!session) return signInPage(c, 401, c.get("t").composeSignedOut);
  const home = homeOf(c);
  const path = pathOf(c.req.query("url") ?? "", home);
  const found = path ? await homeStore(c.env, home).get(path) : null;
  if (!found || found.post.deleted || !isEditable(found.post)) return messagePage(c, c.get("t").notFoundTitle, c.get("t").composeNotEditable, 404);
  const editing = { url: new URL(found.post.path, home).href, revision: found.post.revision };
  return composePage(c, session, draftOfPost(found.post, c.get("site").profile.lang), { editing });
});

/** The revision a form was loaded at: digits only, or undefined. */
function revisionOf(value: string): number | undefined {
  if (value.length === 0 || value.length > MAX_REVISION_DIGITS) return undefined;
  for (const char of value) if (char < "0" || char > "9") return undefined;
  return Number(value);
}

compose.post("/new/edit", composeForm, async (c) => {
  const signed = await signedForm(c);
  if (signed instanceof Response) return signed;
  const { session, form } = signed;
  const t = c.get("t");
  const home = homeOf(c);
  const path = pathOf(textOf(form, "url"), home);
  const revision = revisionOf(textOf(form, "revision"));
  const found = path ? await homeStore(c.env, home).get(path) : null;
  if (!path || revision === undefined || !found || found.post.deleted || !isEditable(found.post)) return messagePage(c, t.notFoundTitle, t.composeNotEditable, 404);
  const editing = { url: new URL(path, home).href, revision };
  const draft = draftOf(form, c.get("site").profile.lang);
  const problem = (await uploadChosen(c, draft, filesOf(form))) ?? problemOf(draft, t, true);
  if (problem) return composePage(c, session, draft, { editing, problem }, 400);
  if (textOf(form, "intent") !== "save") return composePage(c, session, draft, { editing, preview: previewOf(c, draft, found.post) });
  const result = await updatePost(c, path, operationsOf(draft), revision);
  if ("refused" in result) {
    if (result.refused === "not-found") return messagePage(c, t.notFoundTitle, t.composeNotEditable, 404);
    if (result.refused === "conflict") {
      // The post as it is now, beside what was typed: saving again is a choice made knowing both.
      const now = (await homeStore(c.env, home).get(path))?.post ?? found.post;
      return composePage(c, session, draft, { editing: { ...editing, revision: now.revision }, problem: t.composeConflict, preview: viewOf(now, home) }, 409);
    }
    return composePage(c, session, draft, { editing, problem: fill(t.composeRefused, { reason: result.message }) }, 400);
  }
  return c.redirect(result.post.path, 303);
});

for (const [route, write] of [
  ["/new/delete", deletePost],
  ["/new/restore", undeletePost],
] as const) {
  compose.post(route, smallForm, async (c) => {
    const signed = await signedForm(c);
    if (signed instanceof Response) return signed;
    const path = pathOf(textOf(signed.form, "url"), homeOf(c));
    const result = path ? await write(c, path) : undefined;
    if (!result || "refused" in result) return messagePage(c, c.get("t").notFoundTitle, c.get("t").notFound, 404);
    return c.redirect("/new#own-posts", 303);
  });
}

/** A stored mention as the moderation page shows it: its text as plain words, cut short. */
function moderated(mention: StoredMention, home: string): ModeratedMention {
  const text = mention.contentHtml ? sanitisedText(mention.contentHtml) : mention.contentText;
  return {
    id: mention.id,
    kind: mention.kind,
    status: mention.status,
    author: mention.author,
    excerpt: truncate(text, EXCERPT_CHARS),
    source: mention.source,
    target: mention.target,
    targetPath: pathOf(mention.target, home) ?? mention.path,
    date: mention.published ?? new Date(mention.verified).toISOString(),
    domain: new URL(mention.source).hostname.toLowerCase(),
  };
}

compose.get("/new/mentions", async (c) => {
  if (!ownerOf(c.env)) return messagePage(c, c.get("t").authErrorTitle, c.get("t").authDisabled, 503);
  const session = await sessionFor(c);
  if (!session) return signInPage(c, 401, c.get("t").composeSignedOut);
  const site = c.get("site");
  const { mentions, queued, outbox } = await listedMentions(c);
  const page = (
    <MentionsPage
      t={c.get("t")}
      stylesheet={site.stylesheet.path}
      favicon={site.favicon.path}
      csrf={session.csrf}
      mentions={mentions.map((mention) => moderated(mention, homeOf(c)))}
      queued={queued}
      sent={outbox.map((job) => ({ ...job, post: pathOf(job.source, homeOf(c)) ?? job.source }))}
    />
  );
  return c.html(await page.toString());
});

/** A form's action: its one field read (undefined when it cannot be an id or a domain), then named. */
const fieldAction =
  (name: "id" | "domain", read: (value: string) => string | undefined, make: (value: string) => Moderation) =>
  (form: FormData): Moderation | undefined => {
    const value = read(textOf(form, name));
    return value === undefined ? undefined : make(value);
  };

/** Each moderation form: its route, its action, and what a form naming no mention is told. */
const MODERATIONS: [string, (form: FormData) => Moderation | undefined, "moderationNotFound" | "moderationBadDomain"][] = [
  ["/new/mentions/approve", fieldAction("id", mentionIdOf, (id) => ({ approve: id })), "moderationNotFound"],
  ["/new/mentions/delete", fieldAction("id", mentionIdOf, (id) => ({ delete: id })), "moderationNotFound"],
  ["/new/mentions/block", fieldAction("domain", domainOf, (domain) => ({ block: domain })), "moderationBadDomain"],
];

for (const [route, actionOf, invalid] of MODERATIONS) {
  compose.post(route, smallForm, async (c) => {
    const signed = await signedForm(c);
    if (signed instanceof Response) return signed;
    const t = c.get("t");
    const action = actionOf(signed.form);
    if (!action) return messagePage(c, t.composeForbiddenTitle, t[invalid], 400);
    const done = await moderateMention(c, action);
    if (!done) return messagePage(c, t.notFoundTitle, t.moderationNotFound, 404);
    return c.redirect("/new/mentions", 303);
  });
}
