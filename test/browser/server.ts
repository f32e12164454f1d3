/**
 * Starts the Worker for the browser tests: wrangler bundles test/browser/worker.ts exactly as it
 * bundles the deployed Worker, then Miniflare hosts it on 127.0.0.1 with an empty in-memory KV,
 * the fixture feeds as a binding, and an outbound service that refuses every request (the Worker
 * cannot reach the internet). The same binding answers the conversations' fetches: two source
 * pages (a reply with its author's card, a like) of test/fixtures/webmention/sources that link to
 * the article `CONVERSATION_POST`, which a test creates before sending their Webmentions and
 * running the cron (`scheduled()`). One admin refresh seeds KV, so no refresh is due while tests run.
 * `startCommunityWorker()` hosts the community Worker (test/browser/community-worker.ts) the same
 * way, over https, for the sign-up test (join.spec.ts).
 */
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";

const ROOT = new URL("../..", import.meta.url).pathname;
const OUT = join(ROOT, ".wrangler", "browser-bundle");
export const ADMIN_TOKEN = "browser-test-token";

/** The article the fixture mentions point at (an article's path is /articles/<slug of its name>). */
export const CONVERSATION_POST = { name: "Une conversation", url: "https://camille.example/articles/une-conversation" };
/** Source URL → its page under test/fixtures/webmention/sources (`{{target}}` is the article). */
export const MENTION_SOURCES: Record<string, string> = {
  "https://alex.example/replies/1": "reply.html",
  "https://sam.example/likes/7": "like.html",
};

const TYPES: Record<string, string> = { rss: "application/rss+xml", atom: "application/atom+xml", json: "application/feed+json" };
const FEEDS: Record<string, string> = {
  "https://mastodon.social/@camille.rss": "mastodon.rss",
  "https://github.com/camille.atom": "github.atom",
  "https://bsky.app/profile/camille.example/rss": "bluesky.rss",
  "https://www.youtube.com/feeds/videos.xml?channel_id=UCmTW0bGCOTzGHh2MQBv3DJw": "youtube.atom",
  "https://blog.camille.example/feed/": "wordpress.rss",
};

function fixtures(): Record<string, { body: string; type: string; status?: number }> {
  // One account whose feed answers 404, so the status page shows a failure in plain words.
  const table: Record<string, { body: string; type: string; status?: number }> = {
    "https://codeberg.org/camille.rss": { body: "Not found", type: "text/plain", status: 404 },
  };
  for (const [url, file] of Object.entries(FEEDS)) {
    table[url] = { body: readFileSync(join(ROOT, "test/fixtures/feeds", file), "utf8"), type: TYPES[file.split(".").pop()!]! };
  }
  for (const [url, file] of Object.entries(MENTION_SOURCES)) {
    const page = readFileSync(join(ROOT, "test/fixtures/webmention/sources", file), "utf8");
    table[url] = { body: page.replaceAll("{{target}}", CONVERSATION_POST.url), type: "text/html; charset=utf-8" };
  }
  return table;
}

/** Bundles a test Worker with wrangler (no network, no login: a dry run) into its own folder. */
function bundle(entry = "test/browser/worker.ts", out = OUT): string {
  execFileSync(join(ROOT, "node_modules/.bin/wrangler"), ["deploy", entry, "--dry-run", "--outdir", out], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
  });
  const main = readdirSync(out).find((file) => file.endsWith(".js"));
  if (!main) throw new Error(`wrangler wrote no bundle to ${out}`);
  return join(out, main);
}

function compatibilityDate(): string {
  const wrangler = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  return /compatibility_date\s*=\s*"([^"]+)"/.exec(wrangler)?.[1] ?? "2026-11-01";
}

export interface RunningWorker {
  url: string;
  /** Feed and other URLs the Worker tried to reach (and was refused). */
  outbound: string[];
  /** Runs the Worker's cron handler once (the conversations' verification, then the refresh). */
  scheduled(): Promise<void>;
  dispose(): Promise<void>;
}

export async function startWorker(port = Number(process.env.M2_BROWSER_PORT ?? 8801)): Promise<RunningWorker> {
  const outbound: string[] = [];
  // This Miniflare (a 5.x beta) takes its 4.x-style options through convertV4MiniflareOptions.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port,
      modules: true,
      scriptPath: bundle(),
      compatibilityDate: compatibilityDate(),
      compatibilityFlags: ["nodejs_compat"],
      kvNamespaces: ["M2_KV"],
      durableObjects: { HOME: { className: "HomeStore", useSQLite: true }, COMMUNITY: { className: "CommunityStore", useSQLite: true } },
      bindings: { ADMIN_TOKEN, FIXTURES: fixtures() },
      outboundService: (request: Request) => {
        outbound.push(request.url);
        return new Response("the browser tests have no network", { status: 599 });
      },
    }),
  );
  const url = (await mf.ready).toString().replace(/\/$/, "");
  const seeded = await fetch(`${url}/admin/refresh`, { method: "POST", headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
  if (!seeded.ok) throw new Error(`seeding refresh failed: ${seeded.status} ${await seeded.text()}`);
  const scheduled = async () => {
    const result = await (await mf.getWorker()).scheduled({ scheduledTime: new Date(), cron: "*/30 * * * *" });
    if (result.outcome !== "ok") throw new Error(`the cron handler ended with ${result.outcome}`);
  };
  return { url, outbound, scheduled, dispose: () => mf.dispose() };
}

/** The community Worker's host names (test/browser/community-worker.ts). */
export const COMMUNITY_HOST = "communaute.localhost";

export interface RunningCommunity {
  /** Miniflare's own URL, https://127.0.0.1:<port> (its built-in self-signed certificate). */
  url: string;
  /**
   * Chromium's `--host-resolver-rules`: the community's host and every `<handle>.communaute.localhost`
   * lead to Miniflare's port, so the browser opens the pages' own https URLs.
   */
  hostResolverRules: string;
  /** Feed and other URLs the Worker tried to reach (and was refused). */
  outbound: string[];
  /** Fetches a public URL (https://communaute.localhost/…, https://<handle>.communaute.localhost/…) from Node. */
  fetch(url: string, init?: RequestInit): Promise<Response>;
  dispose(): Promise<void>;
}

/**
 * Starts the community Worker (test/browser/community-worker.ts): same fixtures, same refusing
 * outbound service, the homes' and the community's Durable Objects, an empty KV, no member yet.
 *
 * Host names and https: the Worker chooses the home by `new URL(request.url).hostname`, and its
 * pages carry https URLs (built from the home's URL, never the request's scheme), which Chromium
 * follows, forms and redirects included; the `__Host-` session cookie needs a secure origin too.
 * So Miniflare serves https (`https: true`, its built-in certificate: the browser context ignores
 * the name mismatch) and Chromium maps the community's names to its port: workerd builds each
 * request's URL from the TLS socket and the Host header, so the Worker sees exactly
 * `https://camille.communaute.localhost/new`, as in production. (Playwright's `route.fetch` +
 * `route.fulfill` proxying was tried first: Chromium's requests after a fulfilled redirect, such
 * as the 303 of the sign-in, are continued to the network without reaching any route handler.)
 * Node's side uses Miniflare's `dispatchFetch`, which carries any URL to the Worker as is.
 */
export async function startCommunityWorker(port = Number(process.env.M2_BROWSER_COMMUNITY_PORT ?? 8802)): Promise<RunningCommunity> {
  const outbound: string[] = [];
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port,
      https: true,
      modules: true,
      scriptPath: bundle("test/browser/community-worker.ts", join(ROOT, ".wrangler", "browser-community-bundle")),
      compatibilityDate: compatibilityDate(),
      compatibilityFlags: ["nodejs_compat"],
      kvNamespaces: ["M2_KV"],
      durableObjects: { HOME: { className: "HomeStore", useSQLite: true }, COMMUNITY: { className: "CommunityStore", useSQLite: true } },
      bindings: { ADMIN_TOKEN, FIXTURES: fixtures() },
      outboundService: (request: Request) => {
        outbound.push(request.url);
        return new Response("the browser tests have no network", { status: 599 });
      },
    }),
  );
  const url = (await mf.ready).toString().replace(/\/$/, "");
  const { host } = new URL(url);
  const hostResolverRules = `MAP ${COMMUNITY_HOST} ${host}, MAP *.${COMMUNITY_HOST} ${host}`;
  const fetchFrom = async (publicUrl: string, init: RequestInit = {}) => (await mf.dispatchFetch(publicUrl, { ...init, redirect: "manual" } as never)) as unknown as Response;
  return { url, hostResolverRules, outbound, fetch: fetchFrom, dispose: () => mf.dispose() };
}
