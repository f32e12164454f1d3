/**
 * Test helpers: fixture feeds served by a mocked fetch (no test touches the network), a profile
 * builder, and a way to run the Worker's fetch and cron handlers with a real ExecutionContext.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import bluesky from "./fixtures/feeds/bluesky.rss?raw";
import github from "./fixtures/feeds/github.atom?raw";
import jsonfeed from "./fixtures/feeds/jsonfeed.json?raw";
import mastodon from "./fixtures/feeds/mastodon.rss?raw";
import wordpress from "./fixtures/feeds/wordpress.rss?raw";
import youtube from "./fixtures/feeds/youtube.atom?raw";
import { createWorker, type AppOptions } from "../src/app.tsx";
import type { ProfileInput } from "../src/config/index.ts";

export const FIXTURES = { bluesky, github, jsonfeed, mastodon, wordpress, youtube };

export const FEED_TYPES = {
  rss: "application/rss+xml; charset=utf-8",
  atom: "application/atom+xml; charset=utf-8",
  json: "application/feed+json",
} as const;

/** A route of the fake internet: a Response, or a function making one per request. */
export type Route = Response | ((request: Request) => Response | Promise<Response>);

export interface FakeNet {
  fetcher: typeof fetch;
  /** Every request made, in order. */
  requests: Request[];
  /** Replaces or adds a route. */
  set(url: string, route: Route): void;
}

/** A fetch that answers only the given URLs (anything else is a 599 failure, never the network). */
export function fakeNet(routes: Record<string, Route> = {}): FakeNet {
  const table = new Map(Object.entries(routes));
  const requests: Request[] = [];
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request);
    const route = table.get(request.url);
    if (!route) return new Response(`no fixture for ${request.url}`, { status: 599 });
    const response = typeof route === "function" ? await route(request) : route.clone();
    return response;
  }) as typeof fetch;
  return { fetcher, requests, set: (url, route) => table.set(url, route) };
}

export function feedResponse(body: string, type: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { headers: { "Content-Type": type, ...headers } });
}

export const HOME = "https://camille.example/";

/**
 * The CPU of Workers Paid (`cpuMsPerRun`), under which a run reads every source whole: for tests
 * about something else than how Workers Free's 10 ms (the default) spreads a fill over runs.
 */
export const WORKERS_PAID = { cpuMsPerRun: 30_000 } as const;

/** A valid profile with the given accounts. */
export function profileWith(accounts: ProfileInput["accounts"], extra: Partial<ProfileInput> = {}): ProfileInput {
  return { name: "Camille Exemple", url: HOME, lang: "fr", note: "Développeuse web à Lyon.", accounts, ...extra };
}

/** The three-account home of the end-to-end tests, and the fake net serving their feeds. */
export function threeAccountHome() {
  const net = fakeNet({
    "https://mastodon.social/@camille.rss": feedResponse(mastodon, FEED_TYPES.rss),
    "https://github.com/camille.atom": feedResponse(github, FEED_TYPES.atom),
    "https://blog.camille.example/feed/": feedResponse(wordpress, FEED_TYPES.rss),
  });
  const profile = profileWith([
    { url: "https://mastodon.social/@camille" },
    { url: "https://github.com/camille" },
    { url: "https://blog.camille.example/", feed: "https://blog.camille.example/feed/", label: "Blog" },
  ]);
  return { net, profile };
}

export type Worker = ReturnType<typeof createWorker>;

export function workerFor(profile: unknown, options: AppOptions = {}): Worker {
  return createWorker(profile, options);
}

/** Sends a request through the Worker's fetch handler and waits for its background work. */
export async function request(worker: Worker, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(new URL(path, "https://camille.example"), init), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** Runs the Worker's cron handler once and waits for the refresh to finish. */
export async function runCron(worker: Worker): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled({ cron: "*/30 * * * *", scheduledTime: Date.now(), noRetry() {} } as ScheduledController, env, ctx);
  await waitOnExecutionContext(ctx);
}

/** Refreshes now through the admin route. */
export async function adminRefresh(worker: Worker, token = "test-admin-token"): Promise<Response> {
  return request(worker, "/admin/refresh", { method: "POST", headers: { Authorization: `Bearer ${token}` } });
}

export { env };
