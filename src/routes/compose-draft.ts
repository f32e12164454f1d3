/**
 * @module The compose form read into a `Draft` (every field bounded, kept as typed so it can be
 * shown again), what is wrong with a draft (the first problem, as words of the page's language),
 * and a draft as microformats 2 properties: the properties of a create, or the replace / delete
 * operations of an edit. A stored post read back into a draft prefills the edit form. No regular
 * expression reads what was posted: dates and language tags are checked character by character.
 */
import { fill, type Messages } from "../i18n/languages.ts";
import { MAX_TAG_CHARS } from "../ingest/limits.ts";
import { firstText, MAX_VALUES_PER_PROPERTY, texts, type UpdateOperations } from "../posts/mf2.ts";
import { photosOf } from "../posts/render.ts";
import type { Mf2Properties, StoredPost } from "../posts/types.ts";
import type { Draft, DraftBounds, DraftKind } from "../render/compose.tsx";
import { MAX_URL_CHARS } from "../auth/limits.ts";
import { MAX_UPLOADS_PER_POST } from "./micropub.ts";

/** The longest title. */
export const MAX_TITLE_CHARS = 300;
/** The longest text: a long article, well under `MAX_POST_JSON_BYTES` (the store checks the whole post). */
export const MAX_TEXT_CHARS = 100_000;
/** The categories field, commas included. */
export const MAX_CATEGORIES_CHARS = 2_000;
/** One photo's alternative text. */
export const MAX_ALT_CHARS = 1_000;
/** A language tag (BCP 47's longest common form fits). */
export const MAX_LANG_CHARS = 35;
/** `YYYY-MM-DDTHH:MM:SS`, as a datetime-local input sends it. */
export const MAX_DATE_CHARS = 19;

export const DRAFT_BOUNDS: DraftBounds = {
  name: MAX_TITLE_CHARS,
  content: MAX_TEXT_CHARS,
  categories: MAX_CATEGORIES_CHARS,
  lang: MAX_LANG_CHARS,
  alt: MAX_ALT_CHARS,
  newAlts: MAX_UPLOADS_PER_POST * (MAX_ALT_CHARS + 1),
};

/** A problem with a draft, in the page's language. */
export type DraftProblem = string;

const KINDS: readonly DraftKind[] = ["note", "article", "photo"];

/** A text field as sent (absent and file parts are ""). */
export function textOf(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

const textsOf = (form: FormData, name: string): string[] => form.getAll(name).map((value) => (typeof value === "string" ? value : ""));

/** The files chosen in the form's file input (an empty input sends one nameless, empty part). */
export function filesOf(form: FormData): File[] {
  return form.getAll("photo").filter((value): value is File => typeof value !== "string" && value.size > 0);
}

/** An http(s) URL of a photo carried in the form, or undefined. */
function photoUrl(value: string): string | undefined {
  if (value.length > MAX_URL_CHARS) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The draft a form holds, photos it carries included (those ticked for removal left out). */
export function draftOf(form: FormData, profileLang: string): Draft {
  const kind = textOf(form, "kind") as DraftKind;
  const urls = textsOf(form, "photo-url");
  const alts = textsOf(form, "photo-alt");
  const removed = new Set(textsOf(form, "photo-remove"));
  const photos = urls.slice(0, MAX_UPLOADS_PER_POST).flatMap((value, index) => {
    const url = photoUrl(value);
    return url && !removed.has(String(index)) ? [{ url, alt: alts[index] ?? "" }] : [];
  });
  return {
    kind: KINDS.includes(kind) ? kind : "note",
    name: textOf(form, "name"),
    content: textOf(form, "content"),
    categories: textOf(form, "category"),
    lang: form.has("lang") ? textOf(form, "lang") : profileLang,
    published: textOf(form, "published"),
    photos,
    newAlts: textOf(form, "new-alts"),
  };
}

/** The alternative texts typed for new files, one line each, in the files' order. */
export function newAltsOf(draft: Draft): string[] {
  return draft.newAlts.split("\n").map((line) => line.trim());
}

const isDigit = (char: string | undefined) => char !== undefined && char >= "0" && char <= "9";
const isLetter = (char: string) => (char >= "a" && char <= "z") || (char >= "A" && char <= "Z");

/** `YYYY-MM-DDTHH:MM` or `YYYY-MM-DDTHH:MM:SS` (a datetime-local value), read as UTC; undefined otherwise. */
export function publishedOf(value: string): string | undefined {
  if (value.length !== 16 && value.length !== MAX_DATE_CHARS) return undefined;
  const shape = value.length === 16 ? "dddd-dd-ddTdd:dd" : "dddd-dd-ddTdd:dd:dd";
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === "d" ? !isDigit(value[i]) : value[i] !== shape[i]) return undefined;
  }
  const time = Date.parse(`${value}Z`);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** A language tag's shape: a 2–8 letter language, then subtags of 1–8 letters or digits. */
export function isLanguageTag(value: string): boolean {
  if (value.length === 0 || value.length > MAX_LANG_CHARS) return false;
  const parts = value.split("-");
  return parts.every((part, index) => {
    if (part.length < (index === 0 ? 2 : 1) || part.length > 8) return false;
    for (const char of part) if (!(isLetter(char) || (index > 0 && isDigit(char)))) return false;
    return true;
  });
}

/** The categories typed: split at commas, trimmed, empty ones dropped. */
export function categoriesOf(draft: Draft): string[] {
  return draft.categories
    .split(",")
    .map((category) => category.trim())
    .filter(Boolean);
}

/** What is wrong with a draft about to be previewed or written, or undefined. */
export function problemOf(draft: Draft, t: Messages, editing: boolean): DraftProblem | undefined {
  const tooLong = (field: string, max: number) => fill(t.composeTooLong, { field, max: String(max) });
  if (draft.name.length > MAX_TITLE_CHARS) return tooLong(t.composeName, MAX_TITLE_CHARS);
  if (draft.content.length > MAX_TEXT_CHARS) return tooLong(t.composeContent, MAX_TEXT_CHARS);
  if (draft.categories.length > MAX_CATEGORIES_CHARS) return tooLong(t.composeCategories, MAX_CATEGORIES_CHARS);
  if (draft.newAlts.length > DRAFT_BOUNDS.newAlts) return tooLong(t.composeNewAlts, DRAFT_BOUNDS.newAlts);
  if (draft.photos.some((photo) => photo.alt.length > MAX_ALT_CHARS)) return tooLong(t.composePhotos, MAX_ALT_CHARS);
  if (draft.photos.length > MAX_UPLOADS_PER_POST) return fill(t.composeTooManyPhotos, { max: String(MAX_UPLOADS_PER_POST) });
  const categories = categoriesOf(draft);
  if (categories.length > MAX_VALUES_PER_PROPERTY) return fill(t.composeTooManyCategories, { max: String(MAX_VALUES_PER_PROPERTY) });
  if (categories.some((category) => category.length > MAX_TAG_CHARS)) return tooLong(t.composeCategories, MAX_TAG_CHARS);
  if (!isLanguageTag(draft.lang)) return t.composeBadLang;
  if (!editing && draft.published !== "" && !publishedOf(draft.published)) return t.composeBadDate;
  if (draft.kind === "article" && draft.name.trim() === "") return t.composeNeedsTitle;
  if (draft.kind === "photo" && draft.photos.length === 0) return t.composeNeedsPhoto;
  if (draft.kind !== "photo" && draft.content.trim() === "") return t.composeNeedsText;
  return undefined;
}

/** The properties a draft writes: a note has no title; photos are `{ value, alt }`. */
export function propertiesOf(draft: Draft, editing = false): Mf2Properties {
  const properties: Mf2Properties = {};
  const name = draft.name.trim();
  if (name && draft.kind !== "note") properties.name = [name];
  if (draft.content.trim()) properties.content = [draft.content];
  if (draft.photos.length > 0) properties.photo = draft.photos.map((photo) => ({ value: photo.url, alt: photo.alt.trim() }));
  const categories = categoriesOf(draft);
  if (categories.length > 0) properties.category = categories;
  properties.lang = [draft.lang];
  const published = editing ? undefined : publishedOf(draft.published);
  if (published) properties.published = [published];
  return properties;
}

/** The properties this form edits: replaced when filled, deleted when emptied; the others stay. */
const EDITED = ["name", "content", "photo", "category", "lang"] as const;

/** An edit as Micropub's operations: `replace` for what the form holds, `delete` for what it emptied. */
export function operationsOf(draft: Draft): UpdateOperations {
  const replace = propertiesOf(draft, true);
  const emptied = EDITED.filter((name) => !replace[name]);
  return { replace, ...(emptied.length > 0 ? { delete: [...emptied] } : {}) };
}

/** A stored note, article or photo as the form shows it to be edited. */
export function draftOfPost(post: StoredPost, profileLang: string): Draft {
  const { properties } = post;
  const content = properties.content?.[0];
  return {
    kind: post.kind === "article" || post.kind === "photo" ? post.kind : "note",
    name: firstText(properties, "name") ?? "",
    // Markdown as written; a client's `{ html }` is shown as its HTML source.
    content: typeof content === "string" ? content : content && !("properties" in content) ? (content.value ?? content.html ?? "") : "",
    categories: texts(properties, "category").join(", "),
    lang: firstText(properties, "lang") ?? profileLang,
    published: "",
    photos: photosOf(properties).map((photo) => ({ url: photo.url, alt: photo.alt })),
    newAlts: "",
  };
}

/** The kinds this form writes (a reply or a like keeps its Micropub client). */
export const isEditable = (post: StoredPost): boolean => post.kind === "note" || post.kind === "article" || post.kind === "photo";
