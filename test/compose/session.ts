/**
 * What the compose tests share: a home, signing in through the form as a browser would (the
 * sign-in form's token, then the secret), the session cookie, and the CSRF token of a page.
 */
import { expect } from "vitest";
import { HOME, profileWith, request, workerFor, type Worker } from "../helpers.ts";

export const SECRET = "test-admin-token";

export function home(): Worker {
  return workerFor(profileWith([{ url: "https://github.com/camille" }]));
}

/** The value of the first `<input name=… value=…>` of that name in a page, or undefined. */
export function fieldValue(html: string, name: string): string | undefined {
  const marker = `name="${name}" value="`;
  const start = html.indexOf(marker);
  if (start < 0) return undefined;
  const from = start + marker.length;
  return html.slice(from, html.indexOf('"', from));
}

/** POSTs the sign-in form as shown by GET /new. */
export async function postSignIn(worker: Worker, secret: string): Promise<Response> {
  const page = await (await request(worker, "/new")).text();
  const csrf = fieldValue(page, "csrf");
  expect(csrf).toBeTruthy();
  return request(worker, "/new/session", { method: "POST", body: new URLSearchParams({ csrf: csrf!, username: HOME, secret }) });
}

/** The `name=value` of the session cookie a response sets. */
export function sessionCookie(response: Response): string {
  const header = response.headers.get("Set-Cookie") ?? "";
  expect(header).toContain("__Host-m2-session=");
  return header.split(";")[0]!;
}

export interface Signed {
  cookie: string;
  /** The CSRF token of the session's forms. */
  csrf: string;
  token: string;
}

/** Signs in and reads the compose page's CSRF token. */
export async function signIn(worker: Worker): Promise<Signed> {
  const response = await postSignIn(worker, SECRET);
  expect(response.status).toBe(303);
  const cookie = sessionCookie(response);
  const page = await (await request(worker, "/new", { headers: { Cookie: cookie } })).text();
  const csrf = fieldValue(page, "csrf");
  expect(csrf).toBeTruthy();
  return { cookie, csrf: csrf!, token: cookie.slice(cookie.indexOf("=") + 1) };
}

/** A compose form (multipart, as the page sends it). */
export function composeForm(fields: Record<string, string | string[]>, files: File[] = []): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) for (const one of Array.isArray(value) ? value : [value]) form.append(name, one);
  for (const file of files) form.append("photo", file);
  return form;
}

/** POSTs a form with the session's cookie. */
export function post(worker: Worker, path: string, signed: Pick<Signed, "cookie"> | undefined, body: FormData | URLSearchParams): Promise<Response> {
  return request(worker, path, { method: "POST", headers: signed ? { Cookie: signed.cookie } : {}, body });
}

/** GETs a page with the session's cookie. */
export function get(worker: Worker, path: string, signed: Pick<Signed, "cookie">): Promise<Response> {
  return request(worker, path, { headers: { Cookie: signed.cookie } });
}
