/**
 * @module The Micropub endpoint (W3C Recommendation, https://www.w3.org/TR/micropub/), at
 * /micropub: create from form-encoded, multipart (photos uploaded with the post) and JSON
 * requests, update (replace / add / delete), delete and undelete, and the `config`, `source` and
 * `syndicate-to` queries; its media endpoint at /micropub/media, and the uploads at /media/<name>. The token
 * comes in the Authorization header or the form body (never both, never stored); each action
 * needs its scope. Errors are JSON `{ error, error_description }`.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { grantOf, homeStore } from "../auth/grants.ts";
import { checkOperations, InvalidRequest, propertiesFromForm, propertiesFromJson } from "../posts/mf2.ts";
import type { WriteResult } from "../posts/store.ts";
import { MAX_MEDIA_BYTES, mediaStoreOf } from "../posts/media.ts";
import type { Mf2Properties, PostKind } from "../posts/types.ts";
import type { AppContext, AppEnv } from "./context.ts";
import { createPost, deletePost, storePhoto, undeletePost, updatePost } from "./writes.ts";

/** The largest request body read (JSON or form-encoded; uploads go to the media endpoint). */
export const MAX_MICROPUB_BODY_BYTES = 1_048_576;
/** A multipart create may carry this many photos of at most `MAX_MEDIA_BYTES` each… */
export const MAX_UPLOADS_PER_POST = 10;
/** …in a body of at most 25 MiB all told (it is read whole, and an isolate has 128 MB). */
export const MAX_MULTIPART_BYTES = 25 * 1024 * 1024;
/** A media endpoint upload: one file and its part's headers. */
const MAX_UPLOAD_BODY_BYTES = MAX_MEDIA_BYTES + 64 * 1024;
/** The kinds `q=config` lists (Post Type Discovery's names). */
const POST_TYPES: { type: PostKind; name: string }[] = [
  { type: "note", name: "Note" },
  { type: "article", name: "Article" },
  { type: "photo", name: "Photo" },
  { type: "reply", name: "Reply" },
  { type: "like", name: "Like" },
  { type: "repost", name: "Repost" },
  { type: "bookmark", name: "Bookmark" },
];

type MicropubError = "invalid_request" | "unauthorized" | "forbidden" | "insufficient_scope" | "not_found";

const STATUS: Record<MicropubError, ContentfulStatusCode> = { invalid_request: 400, unauthorized: 401, forbidden: 403, insufficient_scope: 401, not_found: 400 };

function failure(c: AppContext, error: MicropubError, description: string, scope?: string) {
  if (error === "unauthorized" || error === "insufficient_scope") {
    c.header("WWW-Authenticate", `Bearer realm="m2", error="${error === "unauthorized" ? "invalid_token" : "insufficient_scope"}"${scope ? `, scope="${scope}"` : ""}`);
  }
  // A missing post is `invalid_request` for Micropub clients; the description says it is missing.
  return c.json({ error: error === "not_found" ? "invalid_request" : error, error_description: description }, STATUS[error]);
}

/** A request body as Micropub reads it: JSON, or fields (form-encoded or multipart). */
type Body = { kind: "json"; value: Record<string, unknown> } | { kind: "form"; fields: [string, string][]; files: [string, File][] };

const typeOf = (c: AppContext) => (c.req.header("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();

/** Hono's body limit, which counts the bytes as they stream (a body without Content-Length too). */
const limited = (maxSize: number) => bodyLimit({ maxSize, onError: (c) => c.json({ error: "invalid_request", error_description: `the body is over ${maxSize} bytes` }, 413) });
const smallBody = limited(MAX_MICROPUB_BODY_BYTES);
const multipartBody = limited(MAX_MULTIPART_BYTES);

/** A post with its photos may be larger than any other body. */
const boundedBody: MiddlewareHandler<AppEnv> = (c, next) => (typeOf(c) === "multipart/form-data" ? multipartBody : smallBody)(c, next);

async function readBody(c: AppContext): Promise<Body> {
  const type = typeOf(c);
  if (type === "application/json") {
    const text = await c.req.text();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new InvalidRequest("the body is not JSON");
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new InvalidRequest("the body must be a JSON object");
    return { kind: "json", value: value as Record<string, unknown> };
  }
  if (type === "application/x-www-form-urlencoded") {
    const text = await c.req.text();
    return { kind: "form", fields: [...new URLSearchParams(text)], files: [] };
  }
  if (type === "multipart/form-data") {
    const form = await c.req.formData();
    const fields: [string, string][] = [];
    const files: [string, File][] = [];
    for (const [name, value] of form) {
      if (typeof value === "string") fields.push([name, value]);
      else files.push([name, value]);
    }
    if (files.length > MAX_UPLOADS_PER_POST) throw new InvalidRequest(`at most ${MAX_UPLOADS_PER_POST} files per post`);
    return { kind: "form", fields, files };
  }
  throw new InvalidRequest("send application/json, application/x-www-form-urlencoded or multipart/form-data");
}

/** The token of a request: the Authorization header's or the form body's `access_token`; both at once is an error (RFC 6750 2). */
function tokenOf(c: AppContext, body: Body | undefined): { token?: string; error?: string } {
  const header = c.req.header("Authorization");
  const inHeader = header?.startsWith("Bearer ") ? header.slice("Bearer ".length).trim() : undefined;
  const inBody = body?.kind === "form" ? body.fields.find(([name]) => name === "access_token")?.[1] : undefined;
  if (inHeader !== undefined && inBody !== undefined) return { error: "send the token in the Authorization header or in the body, not both" };
  return { token: inHeader ?? inBody };
}

/** The path of a post URL on this home, or undefined for another site's. */
function pathOf(url: unknown, home: string): string | undefined {
  if (typeof url !== "string") return undefined;
  try {
    const parsed = new URL(url, home);
    return parsed.origin === new URL(home).origin ? parsed.pathname : undefined;
  } catch {
    return undefined;
  }
}

/** What a write answers: the post's URL, or the refusal (the write path already showed the change in this isolate). */
function answer(c: AppContext, result: WriteResult, status: 200 | 201 | 204) {
  if ("refused" in result) {
    if (result.refused === "not-found") return failure(c, "not_found", result.message);
    if (result.refused === "conflict") return c.json({ error: "invalid_request", error_description: result.message }, 409);
    return failure(c, "invalid_request", result.message);
  }
  const location = new URL(result.post.path, c.get("site").profile.url).href;
  c.header("Location", location);
  if (status === 201) return c.body(null, 201);
  return status === 204 ? c.body(null, 204) : c.json({ url: location }, 200);
}

export const micropub = new Hono<AppEnv>();

micropub.get("/micropub", async (c) => {
  const { token, error } = tokenOf(c, undefined);
  if (error) return failure(c, "invalid_request", error);
  if (!token) return failure(c, "unauthorized", "send Authorization: Bearer <token>");
  const home = c.get("site").profile.url;
  const grant = await grantOf(c.env, c.get("site").profile, token);
  if (!grant) return failure(c, "unauthorized", "the token is unknown, expired or revoked");
  const q = c.req.query("q");
  switch (q) {
    case "config":
      return c.json({ "media-endpoint": new URL("/micropub/media", home).href, "syndicate-to": [], "post-types": POST_TYPES, q: ["config", "source", "syndicate-to"] });
    case "syndicate-to":
      return c.json({ "syndicate-to": [] });
    case "source": {
      const path = pathOf(c.req.query("url"), home);
      if (!path) return failure(c, "invalid_request", "q=source needs the url of a post on this home");
      const found = await homeStore(c.env, home).get(path);
      if (!found || found.post.deleted) return failure(c, "not_found", `no post at ${path}`);
      const wanted = [...(c.req.queries("properties[]") ?? []), ...(c.req.queries("properties") ?? [])];
      if (wanted.length === 0) return c.json({ type: ["h-entry"], properties: withPublished(found.post.properties, found.post.published) });
      const properties: Mf2Properties = {};
      const all = withPublished(found.post.properties, found.post.published);
      for (const name of wanted) if (all[name]) properties[name] = all[name];
      return c.json({ properties });
    }
    default:
      return failure(c, "invalid_request", q ? `unknown query q=${q.slice(0, 40)}; known: config, source, syndicate-to` : "a GET needs q=config, q=source or q=syndicate-to");
  }
});

/** The properties with `published` as stored (set by the server when the client sent none). */
function withPublished(properties: Mf2Properties, published: string): Mf2Properties {
  return properties.published ? properties : { ...properties, published: [published] };
}

/** The scope an action needs; `post` is the scope older clients ask for to create. */
const SCOPES: Record<string, string[]> = { create: ["create", "post"], update: ["update"], delete: ["delete"], undelete: ["undelete", "delete"] };

micropub.post("/micropub", boundedBody, async (c) => {
  let body: Body;
  try {
    body = await readBody(c);
  } catch (error) {
    if (error instanceof InvalidRequest) return failure(c, "invalid_request", error.message);
    throw error;
  }
  const { token, error } = tokenOf(c, body);
  if (error) return failure(c, "invalid_request", error);
  if (!token) return failure(c, "unauthorized", "send Authorization: Bearer <token> (or access_token in the form)");
  const site = c.get("site");
  const home = site.profile.url;
  const grant = await grantOf(c.env, c.get("site").profile, token);
  if (!grant) return failure(c, "unauthorized", "the token is unknown, expired or revoked");

  const field = (name: string) => (body.kind === "json" ? body.value[name] : body.fields.find(([key]) => key === name)?.[1]);
  const action = String(field("action") ?? "create");
  const needed = SCOPES[action];
  if (!needed) return failure(c, "invalid_request", `unknown action "${action.slice(0, 40)}"; known: create, update, delete, undelete`);
  if (!needed.some((scope) => grant.scope.includes(scope))) return failure(c, "insufficient_scope", `this token's scope (${grant.scope.join(" ") || "none"}) does not allow ${action}`, needed[0]);

  try {
    if (action === "create") {
      if (body.kind === "form" && (field("h") ?? "entry") !== "entry") return failure(c, "invalid_request", "only h=entry can be created");
      const properties = body.kind === "json" ? propertiesFromJson(body.value) : propertiesFromForm(body.fields);
      // Photos sent with the post (micropub.rocks 300–301) go to the media store first; the post links them.
      for (const [name, file] of body.kind === "form" ? body.files : []) {
        const property = name.endsWith("[]") ? name.slice(0, -2) : name;
        if (property !== "photo") return failure(c, "invalid_request", `files are accepted as photo, not ${property.slice(0, 40)}`);
        const stored = await storePhoto(c, file);
        if ("refused" in stored) return failure(c, "invalid_request", `${file.name.slice(0, 80)}: ${stored.refused}`);
        (properties.photo ??= []).push(stored.url);
      }
      const slug = body.kind === "json" ? firstString(body.value.properties, "mp-slug") : (field("mp-slug") as string | undefined);
      return answer(c, await createPost(c, properties, slug), 201);
    }
    const path = pathOf(field("url"), home);
    if (!path) return failure(c, "invalid_request", `${action} needs the url of a post on this home`);
    if (action === "update") {
      if (body.kind !== "json") return failure(c, "invalid_request", "an update is sent as JSON");
      return answer(c, await updatePost(c, path, checkOperations(body.value)), 204);
    }
    return answer(c, action === "delete" ? await deletePost(c, path) : await undeletePost(c, path), 204);
  } catch (error) {
    if (error instanceof InvalidRequest) return failure(c, "invalid_request", error.message);
    throw error;
  }
});

function firstString(properties: unknown, name: string): string | undefined {
  const value = (properties as Record<string, unknown> | undefined)?.[name];
  return Array.isArray(value) && typeof value[0] === "string" ? value[0] : undefined;
}

/** The media endpoint (Micropub 3.6): one `file` per request, 201 with its URL in Location. */
micropub.post("/micropub/media", limited(MAX_UPLOAD_BODY_BYTES), async (c) => {
  const authorization = c.req.header("Authorization");
  if (!authorization?.startsWith("Bearer ")) return failure(c, "unauthorized", "send Authorization: Bearer <token>");
  const grant = await grantOf(c.env, c.get("site").profile, authorization.slice("Bearer ".length).trim());
  if (!grant) return failure(c, "unauthorized", "the token is unknown, expired or revoked");
  if (!grant.scope.some((scope) => scope === "media" || scope === "create")) return failure(c, "insufficient_scope", "uploading needs the media scope", "media");
  if (!(c.req.header("Content-Type") ?? "").toLowerCase().startsWith("multipart/form-data")) return failure(c, "invalid_request", "send the file as multipart/form-data, in a part named file");
  const file = (await c.req.formData()).get("file");
  if (!file || typeof file === "string") return failure(c, "invalid_request", "send the file in a part named file");
  const stored = await storePhoto(c, file);
  if ("refused" in stored) return failure(c, "invalid_request", stored.refused);
  c.header("Location", stored.url);
  return c.json({ url: stored.url }, 201);
});

/** An upload, by its content address: the same name is always the same bytes, cached for a year. */
micropub.get("/media/:name{[0-9a-f]{64}\\.(?:jpg|png|gif|webp)}", async (c) => {
  const found = await mediaStoreOf(c.env).get(c.req.param("name"));
  if (!found) return c.json({ error: "not_found" }, 404);
  c.header("Content-Type", found.type);
  c.header("Cache-Control", "public, max-age=31536000, immutable");
  c.header("X-Content-Type-Options", "nosniff");
  return c.body(found.body);
});
