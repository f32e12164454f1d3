/**
 * @module Micropub's two syntaxes (form-encoded and JSON) read into microformats 2 properties, the
 * kind of post they make (Post Type Discovery), the update operations (replace, add, delete), and
 * the bounds every written post stays within. Pure functions: the store and the routes call them.
 */
import type { Mf2Object, Mf2Properties, Mf2Value, PostKind } from "./types.ts";

/** The largest post, as JSON: a long article with its photos' alt texts fits ten times over. */
export const MAX_POST_JSON_BYTES = 262_144;
/** Values one property may hold (categories, photos…). */
export const MAX_VALUES_PER_PROPERTY = 100;
/** Properties one post may carry. */
export const MAX_PROPERTIES = 50;
/** How deep nested objects may go (a checkin's h-card's location…). */
export const MAX_NESTING = 4;
/** The longest property name. */
const MAX_NAME_CHARS = 64;
/** The longest slug in a path. */
export const MAX_SLUG_CHARS = 60;

/** A request the Micropub spec calls `invalid_request`: the message says which part, in English (it goes to a client). */
export class InvalidRequest extends Error {
  override name = "InvalidRequest";
}

/** Form fields that are commands or credentials, never properties of the post. */
const RESERVED = new Set(["h", "access_token", "action", "url"]);
const PROPERTY_NAME = /^[a-z0-9][a-z0-9-]*$/;

function checkName(name: string): void {
  if (name.length > MAX_NAME_CHARS || !PROPERTY_NAME.test(name)) throw new InvalidRequest(`"${name.slice(0, MAX_NAME_CHARS)}" is not a property name`);
}

/** One value as the JSON syntax may send it: a string, `{ html }`, `{ value, alt }`, or a nested h-* object. */
function checkValue(value: unknown, where: string, depth: number): Mf2Value {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new InvalidRequest(`${where}: a value must be a string or an object`);
  const object = value as Record<string, unknown>;
  if (Array.isArray(object.type)) {
    if (depth >= MAX_NESTING) throw new InvalidRequest(`${where}: objects are nested more than ${MAX_NESTING} deep`);
    return { type: object.type.map(String), properties: checkProperties(object.properties, where, depth + 1) } satisfies Mf2Object;
  }
  const plain: { html?: string; value?: string; alt?: string } = {};
  for (const key of ["html", "value", "alt"] as const) {
    if (object[key] === undefined) continue;
    if (typeof object[key] !== "string") throw new InvalidRequest(`${where}.${key} must be a string`);
    plain[key] = object[key];
  }
  if (plain.html === undefined && plain.value === undefined) throw new InvalidRequest(`${where}: an object value needs "html" or "value"`);
  return plain;
}

/** Properties of the JSON syntax: every value a list, within the bounds. */
export function checkProperties(input: unknown, where = "properties", depth = 0): Mf2Properties {
  if (input === null || typeof input !== "object" || Array.isArray(input)) throw new InvalidRequest(`${where} must be an object`);
  const entries = Object.entries(input as Record<string, unknown>);
  if (entries.length > MAX_PROPERTIES) throw new InvalidRequest(`${where}: more than ${MAX_PROPERTIES} properties`);
  const properties: Mf2Properties = {};
  for (const [name, values] of entries) {
    checkName(name);
    if (!Array.isArray(values)) throw new InvalidRequest(`${where}.${name} must be an array`);
    if (values.length > MAX_VALUES_PER_PROPERTY) throw new InvalidRequest(`${where}.${name}: more than ${MAX_VALUES_PER_PROPERTY} values`);
    properties[name] = values.map((value, index) => checkValue(value, `${where}.${name}[${index}]`, depth));
  }
  return properties;
}

/** The h-entry of a form-encoded (or multipart) create: `category[]` and `category` alike, files left to the caller. */
export function propertiesFromForm(fields: Iterable<[string, string]>): Mf2Properties {
  const properties: Mf2Properties = {};
  let count = 0;
  for (const [rawName, value] of fields) {
    const name = rawName.endsWith("[]") ? rawName.slice(0, -2) : rawName;
    if (RESERVED.has(name) || name.startsWith("mp-")) continue;
    checkName(name);
    const list = (properties[name] ??= []);
    if (list.length === 0 && ++count > MAX_PROPERTIES) throw new InvalidRequest(`more than ${MAX_PROPERTIES} properties`);
    if (list.length >= MAX_VALUES_PER_PROPERTY) throw new InvalidRequest(`${name}: more than ${MAX_VALUES_PER_PROPERTY} values`);
    list.push(value);
  }
  return properties;
}

/** The JSON body of a create: `{ "type": ["h-entry"], "properties": {…} }`. */
export function propertiesFromJson(body: unknown): Mf2Properties {
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw new InvalidRequest("the body must be a JSON object");
  const { type, properties } = body as { type?: unknown; properties?: unknown };
  if (!Array.isArray(type) || type[0] !== "h-entry") throw new InvalidRequest('only "type": ["h-entry"] can be created');
  return checkProperties(properties);
}

/** The first value of a property as text: a string, or an object's `value` (or its `html`). */
export function firstText(properties: Mf2Properties, name: string): string | undefined {
  const value = properties[name]?.[0];
  if (value === undefined) return undefined;
  if (typeof value === "string") return value;
  if ("properties" in value) return undefined;
  return value.value ?? value.html;
}

/** Every string value of a property (objects' `value`s included): categories, URLs. */
export function texts(properties: Mf2Properties, name: string): string[] {
  return (properties[name] ?? []).flatMap((value) => (typeof value === "string" ? [value] : "properties" in value ? [] : value.value !== undefined ? [value.value] : []));
}

/** Whitespace collapsed, for comparing a name with the content it may only repeat. */
const collapsed = (text: string) => text.split(/\s+/).filter(Boolean).join(" ");

/** Post Type Discovery: responses by their property, then photo, then article (a name that is not the content's start), else note. */
export function kindOf(properties: Mf2Properties): PostKind {
  if (properties["like-of"]?.length) return "like";
  if (properties["repost-of"]?.length) return "repost";
  if (properties["bookmark-of"]?.length) return "bookmark";
  if (properties["in-reply-to"]?.length) return "reply";
  if (properties.photo?.length) return "photo";
  const name = collapsed(firstText(properties, "name") ?? "");
  if (!name) return "note";
  const content = collapsed(firstText(properties, "content") ?? firstText(properties, "summary") ?? "");
  return content.startsWith(name) ? "note" : "article";
}

/** A slug from a name: lower case, accents dropped, words joined by "-", at most `MAX_SLUG_CHARS`; "" when nothing is left. */
export function slugOf(text: string): string {
  let slug = "";
  let dash = false;
  for (const char of text.normalize("NFKD").toLowerCase()) {
    if ((char >= "a" && char <= "z") || (char >= "0" && char <= "9")) {
      if (dash && slug) slug += "-";
      slug += char;
      dash = false;
    } else if (char.charCodeAt(0) < 0x300 || char.charCodeAt(0) > 0x36f) {
      // Combining accents (U+0300–U+036F) vanish; anything else separates words.
      dash = true;
    }
    if (slug.length >= MAX_SLUG_CHARS) break;
  }
  return slug.slice(0, MAX_SLUG_CHARS).replace(/-$/, "");
}

/** An update request's three operations (Micropub 3.3): each checked before any is applied. */
export interface UpdateOperations {
  replace?: Mf2Properties;
  add?: Mf2Properties;
  delete?: string[] | Mf2Properties;
}

export function checkOperations(body: Record<string, unknown>): UpdateOperations {
  const operations: UpdateOperations = {};
  if (body.replace !== undefined) operations.replace = checkProperties(body.replace, "replace");
  if (body.add !== undefined) operations.add = checkProperties(body.add, "add");
  if (body.delete !== undefined) {
    if (Array.isArray(body.delete)) {
      operations.delete = body.delete.map((name) => {
        if (typeof name !== "string") throw new InvalidRequest("delete: a list of property names must hold strings");
        checkName(name);
        return name;
      });
    } else {
      operations.delete = checkProperties(body.delete, "delete");
    }
  }
  if (!operations.replace && !operations.add && !operations.delete) throw new InvalidRequest("an update needs replace, add or delete");
  return operations;
}

const sameValue = (a: Mf2Value, b: Mf2Value) => JSON.stringify(a) === JSON.stringify(b);

/** The properties after an update: replace, then add, then delete, as the spec orders them. */
export function applyOperations(properties: Mf2Properties, operations: UpdateOperations): Mf2Properties {
  const next: Mf2Properties = { ...properties };
  for (const [name, values] of Object.entries(operations.replace ?? {})) next[name] = [...values];
  for (const [name, values] of Object.entries(operations.add ?? {})) next[name] = [...(next[name] ?? []), ...values];
  if (Array.isArray(operations.delete)) {
    for (const name of operations.delete) delete next[name];
  } else {
    for (const [name, values] of Object.entries(operations.delete ?? {})) {
      const kept = (next[name] ?? []).filter((value) => !values.some((gone) => sameValue(gone, value)));
      if (kept.length > 0) next[name] = kept;
      else delete next[name];
    }
  }
  for (const [name, values] of Object.entries(next)) if (values.length === 0) delete next[name];
  return next;
}

/** Throws when a post's properties are over `MAX_POST_JSON_BYTES` or over any per-property bound. */
export function checkPostSize(properties: Mf2Properties): void {
  if (Object.keys(properties).length > MAX_PROPERTIES) throw new InvalidRequest(`more than ${MAX_PROPERTIES} properties`);
  for (const [name, values] of Object.entries(properties)) {
    if (values.length > MAX_VALUES_PER_PROPERTY) throw new InvalidRequest(`${name}: more than ${MAX_VALUES_PER_PROPERTY} values`);
  }
  const bytes = new TextEncoder().encode(JSON.stringify(properties)).byteLength;
  if (bytes > MAX_POST_JSON_BYTES) throw new InvalidRequest(`the post is ${bytes} bytes; at most ${MAX_POST_JSON_BYTES}`);
}
