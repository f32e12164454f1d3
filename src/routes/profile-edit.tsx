/**
 * @module The profile edited in the browser (no script): GET /new/profile (the form filled from
 * the effective profile: profile.json with the newest saved version over it), POST /new/profile
 * (`action=preview` draws the page's card and saves nothing; `action=save` saves a new version
 * against the one the form was loaded at, refused with 409 when another was saved meanwhile),
 * POST /new/profile/restore (an old version saved again as the newest) and GET
 * /new/profile/export (the effective profile as a profile.json to download). Validation is
 * `validateProfile`'s, its problems placed on the form's fields. Sessions and CSRF as /new's.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { ownerOf } from "../auth/owner.ts";
import { validateProfile } from "../config/index.ts";
import { baseForSave, MAX_PROFILE_BYTES, MAX_PROFILE_VERSIONS, overlaid, type ProfileOverlay } from "../config/overlay.ts";
import { COMMUNITY_SHOWN, formFromProfile, formProblems, PROFILE_FORM_FIELDS, profileFromForm, type FormProblems, type ProfileForm, type ProfileFormField } from "../config/profile-form.ts";
import { fill } from "../i18n/languages.ts";
import type { HomeEnv } from "../model.ts";
import { ProfileEditPage, type ProfileEditData } from "../render/profile-edit.tsx";
import { profileStore } from "../posts/profile-versions.ts";
import { buildSite } from "../site.ts";
import { limited, messagePage, sessionFor, signedForm, signInPage } from "./compose.tsx";
import type { AppContext, AppEnv } from "./context.ts";
import { policyWithFormAction } from "./csp.ts";

/** The profile form's body: the profile's JSON bound, with room for the form's encoding. */
export const MAX_PROFILE_FORM_BYTES = 2 * MAX_PROFILE_BYTES;
/** A version number as the forms carry it. */
const MAX_VERSION_DIGITS = 9;

export interface ProfileEditorOptions {
  /** profile.json as in the repository (`{}` for a community member): what an overlay is laid on. */
  file: unknown;
  /** Called after a save or a restore, with the new version. */
  saved?: ((overlay: ProfileOverlay) => void) | undefined;
}

const ownersPage: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  c.res.headers.set("Cache-Control", "no-store");
  c.res.headers.set("Content-Security-Policy", policyWithFormAction(["'self'"]));
};

/** A version number of a form: digits only, or undefined. */
function versionOf(value: string | File | null): number | undefined {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_VERSION_DIGITS || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

/** The profile form's fields as submitted (a field not sent stays absent: the base's value is kept). */
function profileFormOf(form: FormData): ProfileForm {
  const fields: ProfileForm = {};
  for (const name of [...PROFILE_FORM_FIELDS, COMMUNITY_SHOWN]) {
    const value = form.get(name);
    if (typeof value === "string") fields[name] = value;
  }
  return fields;
}

/** The fields this home's form shows: a member's has the community checkbox, none has the handle. */
const shownFields = (c: AppContext): ProfileFormField[] => PROFILE_FORM_FIELDS.filter((field) => field !== "handle" && (field !== "community" || isMember(c)));
const isMember = (c: AppContext) => Boolean((c.env as HomeEnv).M2_MEMBER);

const storeOf = (c: AppContext) => profileStore(c.env, c.get("site").profile.url);

/** The routes of /new/profile, for profile.json `file` (passed by createWorker). */
export function profileEditor(options: ProfileEditorOptions): Hono<AppEnv> {
  const editor = new Hono<AppEnv>();
  editor.use("/new/profile", ownersPage);
  editor.use("/new/profile/*", ownersPage);
  const formLimit = limited(MAX_PROFILE_FORM_BYTES);

  /** The effective profile now: the file with the store's newest version over it. */
  async function current(c: AppContext): Promise<{ overlay: ProfileOverlay | null; input: unknown }> {
    const overlay = await storeOf(c).profileOverlay();
    return { overlay, input: overlaid(options.file, overlay).input };
  }

  async function page(c: AppContext, csrf: string, state: Pick<ProfileEditData, "values" | "version"> & Partial<ProfileEditData>, status: 200 | 400 | 409 | 413 = 200): Promise<Response> {
    const site = c.get("site");
    const versions = (await storeOf(c).profileVersions(MAX_PROFILE_VERSIONS)).map((entry) => ({
      version: entry.version,
      savedAt: entry.savedAt,
      name: typeof entry.profile.name === "string" ? entry.profile.name : "",
    }));
    const body = <ProfileEditPage t={c.get("t")} stylesheet={site.stylesheet.path} favicon={site.favicon.path} csrf={csrf} versions={versions} maxVersions={MAX_PROFILE_VERSIONS} community={isMember(c)} {...state} />;
    return c.html(await body.toString(), status);
  }

  const savedNow = (overlay: ProfileOverlay, c: AppContext) => {
    options.saved?.(overlay);
    return c.redirect(`/new/profile?saved=${overlay.version}`, 303);
  };

  editor.get("/new/profile", async (c) => {
    const t = c.get("t");
    if (!ownerOf(c.env)) return messagePage(c, t.authErrorTitle, t.authDisabled, 503);
    const session = await sessionFor(c);
    if (!session) return signInPage(c, 401, t.composeSignedOut);
    const { overlay, input } = await current(c);
    const saved = versionOf(c.req.query("saved") ?? null);
    const notice = saved !== undefined ? { text: fill(t.profileSaved, { version: String(saved) }), problem: false } : undefined;
    return page(c, session.csrf, { values: formFromProfile(input as Record<string, unknown>), version: overlay?.version ?? 0, notice });
  });

  editor.post("/new/profile", formLimit, async (c) => {
    const signed = await signedForm(c);
    if (signed instanceof Response) return signed;
    const { session, form } = signed;
    const t = c.get("t");
    const values = profileFormOf(form);
    const loadedAt = versionOf(form.get("version"));
    if (loadedAt === undefined) return messagePage(c, t.composeForbiddenTitle, t.composeStaleForm, 400);
    const now = await current(c);
    const input = profileFromForm(values, now.input as Record<string, unknown>);
    const result = validateProfile(input);
    if (!result.ok) {
      const problems: FormProblems = formProblems(result.problems, values, shownFields(c));
      return page(c, session.csrf, { values, version: loadedAt, problems, notice: { text: t.profileInvalid, problem: true } }, 400);
    }
    if (form.get("action") !== "save") {
      const built = buildSite(input);
      const preview = built.ok ? { profile: built.site.profile, sources: built.site.sources } : undefined;
      return page(c, session.csrf, { values, version: loadedAt, preview });
    }
    const saved = await storeOf(c).saveProfile({ profile: input as Record<string, unknown>, base: baseForSave(options.file, now.overlay) }, loadedAt);
    if ("saved" in saved) return savedNow(saved.saved, c);
    if (saved.refused === "conflict") {
      // What was typed stays in the form, now against the newest version: saving again is a choice made knowing it.
      return page(c, session.csrf, { values, version: saved.current?.version ?? 0, notice: { text: t.profileConflict, problem: true } }, 409);
    }
    const max = saved.refused === "too-large" ? saved.max : MAX_PROFILE_BYTES;
    return page(c, session.csrf, { values, version: loadedAt, notice: { text: fill(t.profileTooLarge, { max: String(max) }), problem: true } }, 413);
  });

  editor.post("/new/profile/restore", formLimit, async (c) => {
    const signed = await signedForm(c);
    if (signed instanceof Response) return signed;
    const t = c.get("t");
    const version = versionOf(signed.form.get("restore"));
    const old = version === undefined ? undefined : (await storeOf(c).profileVersions(MAX_PROFILE_VERSIONS)).find((entry) => entry.version === version);
    if (!old) return messagePage(c, t.notFoundTitle, t.profileVersionNotFound, 404);
    // profile.json may have changed since that version: restored over today's file, it must still be a valid profile.
    const result = validateProfile(overlaid(options.file, old).input);
    if (!result.ok) {
      const now = await current(c);
      const problems = formProblems(result.problems, undefined, []);
      return page(c, signed.session.csrf, { values: formFromProfile(now.input as Record<string, unknown>), version: now.overlay?.version ?? 0, problems, notice: { text: t.profileRestoreInvalid, problem: true } }, 400);
    }
    const restored = await storeOf(c).restoreProfile(old.version);
    if (!("saved" in restored)) return messagePage(c, t.notFoundTitle, t.profileVersionNotFound, 404);
    return savedNow(restored.saved, c);
  });

  editor.get("/new/profile/export", async (c) => {
    const t = c.get("t");
    if (!ownerOf(c.env)) return messagePage(c, t.authErrorTitle, t.authDisabled, 503);
    const session = await sessionFor(c);
    if (!session) return signInPage(c, 401, t.composeSignedOut);
    const { input } = await current(c);
    c.header("Content-Type", "application/json; charset=utf-8");
    c.header("Content-Disposition", 'attachment; filename="profile.json"');
    return c.body(`${JSON.stringify(input, null, 2)}\n`);
  });

  return editor;
}
