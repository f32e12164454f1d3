/**
 * The conversations' fixtures: webmention.rocks pages as raw HTTP answers (status line, headers,
 * blank line, body: `.http` files), the source pages of mentions (`{{target}}` stands for the
 * mentioned URL), and a home whose conversations fetch through a fake net.
 */
import { fakeNet, profileWith, request, workerFor, type FakeNet, type Worker } from "../helpers.ts";
import receiver1 from "../fixtures/webmention/sources/receiver-1.html?raw";
import reply from "../fixtures/webmention/sources/reply.html?raw";
import replyEdited from "../fixtures/webmention/sources/reply-edited.html?raw";
import like from "../fixtures/webmention/sources/like.html?raw";
import noLink from "../fixtures/webmention/sources/no-link.html?raw";
import type { ProfileInput } from "../../src/config/index.ts";

export const SOURCES = { receiver1, reply, replyEdited, like, noLink };

export const ADMIN = { Authorization: "Bearer test-admin-token" };

/** A raw HTTP answer read back as a Response (repeated headers kept, in order). */
export function httpResponse(raw: string): Response {
  const split = raw.indexOf("\n\n");
  const head = raw.slice(0, split).split("\n");
  const body = raw.slice(split + 2);
  const status = Number(head[0]!.split(" ")[1]);
  const headers = new Headers();
  for (const line of head.slice(1)) {
    const colon = line.indexOf(":");
    headers.append(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return new Response(status === 302 || status === 410 ? null : body, { status, headers });
}

/** A source page served as HTML, the mentioned URL filled in. */
export function sourcePage(template: string, target: string): Response {
  return new Response(template.replaceAll("{{target}}", target), { headers: { "Content-Type": "text/html; charset=utf-8" } });
}

let homes = 0;

/** A home of its own for each test (its own Durable Object), conversations fetched through `net`. */
export function conversationHome(extra: Partial<ProfileInput> = {}, net: FakeNet = fakeNet()): { worker: Worker; net: FakeNet; home: string } {
  const home = `https://camille-${++homes}-${Date.now().toString(36)}.example/`;
  const worker = workerFor(profileWith([{ url: "https://github.com/camille", identity: false }], { url: home, ...extra }), { conversations: { fetcher: net.fetcher }, refresh: { fetcher: net.fetcher } });
  return { worker, net, home };
}

/** Publishes a note through Micropub; its permalink URL. */
export async function publish(worker: Worker, properties: Record<string, unknown[]>): Promise<string> {
  const response = await request(worker, "/micropub", { method: "POST", headers: { ...ADMIN, "Content-Type": "application/json" }, body: JSON.stringify({ type: ["h-entry"], properties }) });
  if (response.status !== 201) throw new Error(`micropub answered ${response.status}: ${await response.text()}`);
  return response.headers.get("Location")!;
}

/** Sends a Webmention to the home's endpoint. */
export function mention(worker: Worker, source: string, target: string): Promise<Response> {
  return request(worker, "/webmention", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ source, target }).toString() });
}

export function admin(worker: Worker, path: string, body?: unknown): Promise<Response> {
  return request(worker, path, body === undefined ? { headers: ADMIN } : { method: "POST", headers: { ...ADMIN, "Content-Type": "application/json" }, body: JSON.stringify(body) });
}
