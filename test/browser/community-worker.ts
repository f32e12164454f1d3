/**
 * The community Worker the browser tests drive ("a home in five minutes"): the real community
 * mode for a test community at communaute.localhost, whose homes' refreshes and conversations
 * read the fixture feeds from the FIXTURES binding instead of the network (the runner also gives
 * Miniflare an outbound service that refuses everything).
 */
import { createCommunityWorker } from "../../src/community/worker.tsx";

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

interface BrowserEnv extends Env {
  /** URL → { body, type, status? }: the feeds of test/fixtures/feeds and the mentions' source pages. */
  FIXTURES: Record<string, { body: string; type: string; status?: number }>;
}

let worker: ReturnType<typeof createCommunityWorker> | undefined;

function workerFor(env: BrowserEnv) {
  const fromFixtures = (async (input: RequestInfo | URL) => {
    const url = new Request(input).url;
    const fixture = env.FIXTURES[url];
    if (!fixture) return new Response(`no fixture for ${url}`, { status: 599 });
    return new Response(fixture.body, { status: fixture.status ?? 200, headers: { "Content-Type": fixture.type } });
  }) as typeof fetch;
  worker ??= createCommunityWorker(COMMUNITY, { refresh: { fetcher: fromFixtures }, conversations: { fetcher: fromFixtures } });
  return worker;
}

export default {
  fetch: (request, env, ctx) => workerFor(env).fetch(request, env, ctx),
  scheduled: (controller, env, ctx) => workerFor(env).scheduled(controller, env, ctx),
} satisfies ExportedHandler<BrowserEnv>;
