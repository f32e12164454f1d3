/**
 * @module The profile as an HTML form (no script): what the fields hold, the profile a submitted
 * form makes, and the schema's problems mapped back to the field each belongs to. Validation is
 * `validateProfile`, the same schema and messages as profile.json; nothing here checks a value.
 *
 * The accounts are a textarea, one account a line: its URL, then optionally a space and the link's
 * label (`https://blog.example/ My blog`). Blank lines are skipped. An account whose URL was already
 * in the base profile keeps its other settings (`feed`, `id`, `identity`, `authn`); its label is
 * the one written on its line (the form shows it there, so erasing it removes it).
 *
 * @example
 * const input = profileFromForm({ name: "Camille", note: "", lang: "fr", photo: "", accounts: "https://github.com/camille" }, current);
 * const result = validateProfile(input);
 * if (!result.ok) problems = formProblems(result.problems, form); // { accounts: [{ line: 1, message: "expected …" }] }
 */
import type { ProfileInput } from "./schema.ts";

/** The fields of the profile form, by their `name`. */
export const PROFILE_FORM_FIELDS = ["name", "handle", "note", "lang", "photo", "accounts", "community"] as const;
export type ProfileFormField = (typeof PROFILE_FORM_FIELDS)[number];

/** The hidden field saying the community checkbox was shown (an unchecked box sends nothing). */
export const COMMUNITY_SHOWN = "community-shown";

/** A form as submitted: each field's text (the community checkbox is "on" when checked). */
export type ProfileForm = Record<string, string>;

/** One problem of the schema, placed: its field (`form` when it belongs to none), and the accounts' line. */
export interface FormProblem {
  /** The schema's path, as validateProfile wrote it (`accounts[2].url`). */
  path: string;
  /** The schema's message, without its path. */
  message: string;
  /** The line of the accounts textarea (from 1), for an account's problem. */
  line?: number;
}

export type FormProblems = Partial<Record<ProfileFormField | "form", FormProblem[]>>;

type Json = Record<string, unknown>;

/** The lines of the accounts textarea that hold an account, with their line number (from 1). */
export function accountLines(text: string): { line: number; url: string; label: string }[] {
  const lines: { line: number; url: string; label: string }[] = [];
  text.split(/\r\n|\r|\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === "") return;
    const space = trimmed.search(/\s/);
    const url = space < 0 ? trimmed : trimmed.slice(0, space);
    const label = space < 0 ? "" : trimmed.slice(space).trim();
    lines.push({ line: index + 1, url, label });
  });
  return lines;
}

/** An account URL as the schema compares them for duplicates: case and trailing slashes aside. */
const sameAccount = (url: string) => url.trim().toLowerCase().replace(/\/+$/, "");

const isRecord = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The profile a submitted form makes, on top of `base` (the profile being edited: every field the
 * form does not show is kept as it is). Empty `note` or `photo` removes the field. `lang` keeps
 * the base's region ("fr-CA") when its language was left as it was. `handle` is not a profile
 * field and is not read here (the sign-up page turns it into the home's `url`).
 * The result is for `validateProfile`: nothing is checked here.
 */
export function profileFromForm(form: ProfileForm, base: ProfileInput | Json = {}): unknown {
  const profile: Json = { ...(base as Json) };
  const text = (name: string) => (form[name] ?? "").trim();
  if ("name" in form) profile.name = text("name");
  for (const field of ["note", "photo"] as const) {
    if (!(field in form)) continue;
    if (text(field) === "") delete profile[field];
    else profile[field] = text(field);
  }
  if ("lang" in form) {
    const baseLang = typeof profile.lang === "string" ? profile.lang : undefined;
    const chosen = text("lang");
    if (!(baseLang && baseLang.toLowerCase().split("-")[0] === chosen.toLowerCase())) profile.lang = chosen;
  }
  if ("accounts" in form) {
    const known = new Map<string, Json>();
    for (const account of Array.isArray(profile.accounts) ? profile.accounts : []) {
      if (isRecord(account) && typeof account.url === "string") known.set(sameAccount(account.url), account);
    }
    profile.accounts = accountLines(form.accounts ?? "").map(({ url, label }) => {
      const { label: _label, url: _url, ...settings } = known.get(sameAccount(url)) ?? {};
      return { url, ...settings, ...(label ? { label } : {}) };
    });
  }
  if (COMMUNITY_SHOWN in form) {
    if (form.community) profile.community = true;
    else delete profile.community;
  }
  return profile;
}

/** The form's fields filled from a profile (parsed profile.json or its validated form). */
export function formFromProfile(profile: ProfileInput | Json): ProfileForm {
  const source = profile as Json;
  const string = (value: unknown) => (typeof value === "string" ? value : "");
  const accounts = (Array.isArray(source.accounts) ? source.accounts : [])
    .filter(isRecord)
    .map((account) => [string(account.url), string(account.label)].filter(Boolean).join(" "))
    .join("\n");
  return {
    name: string(source.name),
    note: string(source.note),
    lang: string(source.lang).toLowerCase().split("-")[0] || "fr",
    photo: string(source.photo),
    accounts,
    ...(source.community === true ? { community: "on" } : {}),
  };
}

/** The field of a top-level profile key; `url` is the handle's (a member's URL is made from it). */
const FIELD_OF: Record<string, ProfileFormField> = { name: "name", note: "note", lang: "lang", photo: "photo", accounts: "accounts", community: "community", url: "handle" };

/**
 * Places validateProfile's problems (`accounts[2].url: expected …`) on the form: each under its
 * field, an account's with the textarea line it came from (pass the submitted `form` so blank
 * lines are counted). A problem of a field the form does not show (or of `url` when it shows no
 * handle) goes under `form`, to be shown above the fields.
 */
export function formProblems(problems: readonly string[], form?: ProfileForm, shown: readonly ProfileFormField[] = PROFILE_FORM_FIELDS): FormProblems {
  const lines = form ? accountLines(form.accounts ?? "").map((entry) => entry.line) : [];
  const placed: FormProblems = {};
  for (const problem of problems) {
    const colon = problem.indexOf(": ");
    const path = colon < 0 ? "profile" : problem.slice(0, colon);
    const message = colon < 0 ? problem : problem.slice(colon + 2);
    const top = /^[A-Za-z$_][\w$]*/.exec(path)?.[0] ?? "";
    const index = /^accounts\[(\d+)\]/.exec(path)?.[1];
    const candidate = FIELD_OF[top];
    const field = candidate && shown.includes(candidate) ? candidate : "form";
    const entry: FormProblem = { path, message };
    if (field === "accounts" && index !== undefined) entry.line = lines[Number(index)] ?? Number(index) + 1;
    (placed[field] ??= []).push(entry);
  }
  return placed;
}
