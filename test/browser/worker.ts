/**
 * The Worker the browser tests drive: the real app for test/browser/profile.json, whose refresh
 * reads the fixture feeds from a binding instead of the network, and whose conversations (the
 * verification of received Webmentions, the sends) read the same binding (the runner also gives
 * Miniflare an outbound service that refuses everything).
 */
import { createWorker } from "../../src/app.tsx";
import { fixtureFetcher, type BrowserEnv } from "./fixtures-fetch.ts";

export { HomeStore } from "../../src/posts/store.ts";
// wrangler.toml declares the community's Durable Object too (unused by a single home): exported so wrangler bundles this entry.
export { CommunityStore } from "../../src/community/store.ts";
import profile from "./profile.json";

let worker: ReturnType<typeof createWorker> | undefined;

function workerFor(env: BrowserEnv) {
  const fromFixtures = fixtureFetcher(env);
  worker ??= createWorker(profile, { refresh: { fetcher: fromFixtures }, conversations: { fetcher: fromFixtures } });
  return worker;
}

export default {
  fetch: (request, env, ctx) => workerFor(env).fetch(request, env, ctx),
  scheduled: (controller, env, ctx) => workerFor(env).scheduled(controller, env, ctx),
} satisfies ExportedHandler<BrowserEnv>;
