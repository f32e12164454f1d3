/**
 * The Worker the browser tests drive: the real app for test/browser/profile.json, whose refresh
 * reads the fixture feeds from a binding instead of the network (the runner also gives Miniflare
 * an outbound service that refuses everything).
 */
import { createWorker } from "../../src/app.tsx";

export { HomeStore } from "../../src/posts/store.ts";
import profile from "./profile.json";

interface BrowserEnv extends Env {
  /** Feed URL → { body, type, status? }, from test/fixtures/feeds. */
  FIXTURES: Record<string, { body: string; type: string; status?: number }>;
}

let worker: ReturnType<typeof createWorker> | undefined;

function workerFor(env: BrowserEnv) {
  worker ??= createWorker(profile, {
    refresh: {
      fetcher: (async (input: RequestInfo | URL) => {
        const url = new Request(input).url;
        const fixture = env.FIXTURES[url];
        if (!fixture) return new Response(`no fixture for ${url}`, { status: 599 });
        return new Response(fixture.body, { status: fixture.status ?? 200, headers: { "Content-Type": fixture.type } });
      }) as typeof fetch,
    },
  });
  return worker;
}

export default {
  fetch: (request, env, ctx) => workerFor(env).fetch(request, env, ctx),
  scheduled: (controller, env, ctx) => workerFor(env).scheduled(controller, env, ctx),
} satisfies ExportedHandler<BrowserEnv>;
