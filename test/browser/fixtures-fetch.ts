/**
 * The fake network of the browser tests' Workers: every URL a refresh or a conversation asks for
 * is answered from the FIXTURES binding (the runner's fixture feeds and mention pages), or refused.
 */

export interface BrowserEnv extends Env {
  /** URL → { body, type, status? }: the feeds of test/fixtures/feeds and the mentions' source pages. */
  FIXTURES: Record<string, { body: string; type: string; status?: number }>;
}

/** A fetch answering from `env.FIXTURES` only (anything else is a 599, never the network). */
export function fixtureFetcher(env: BrowserEnv): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = new Request(input).url;
    const fixture = env.FIXTURES[url];
    if (!fixture) return new Response(`no fixture for ${url}`, { status: 599 });
    return new Response(fixture.body, { status: fixture.status ?? 200, headers: { "Content-Type": fixture.type } });
  }) as typeof fetch;
}
