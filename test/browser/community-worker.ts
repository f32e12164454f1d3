/**
 * The community Worker the browser tests drive ("a home in five minutes"): the real community
 * mode for a test community at communaute.localhost, whose homes' refreshes and conversations
 * read the fixture feeds from the FIXTURES binding instead of the network (the runner also gives
 * Miniflare an outbound service that refuses everything).
 */
import { createCommunityWorker } from "../../src/community/worker.tsx";
import { fixtureFetcher, type BrowserEnv } from "./fixtures-fetch.ts";

export { HomeStore } from "../../src/posts/store.ts";
export { CommunityStore } from "../../src/community/store.ts";

/** The test community: its page at communaute.localhost, members' homes at <handle>.communaute.localhost. */
export const COMMUNITY = {
  name: "Communauté test",
  url: "https://communaute.localhost/",
  domain: "communaute.localhost",
  lang: "fr",
  note: "Une communauté pour les tests dans le navigateur : une maison en cinq minutes.",
} as const;

let worker: ReturnType<typeof createCommunityWorker> | undefined;

function workerFor(env: BrowserEnv) {
  const fromFixtures = fixtureFetcher(env);
  worker ??= createCommunityWorker(COMMUNITY, { refresh: { fetcher: fromFixtures }, conversations: { fetcher: fromFixtures } });
  return worker;
}

export default {
  fetch: (request, env, ctx) => workerFor(env).fetch(request, env, ctx),
  scheduled: (controller, env, ctx) => workerFor(env).scheduled(controller, env, ctx),
} satisfies ExportedHandler<BrowserEnv>;
