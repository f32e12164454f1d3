/**
 * A fleet of blog sources for budget counts (test/budget.test.ts and `npm run bench`): `count`
 * blogs, each serving the same fixture feed with an ETag and answering 304 to a matching
 * If-None-Match, and a way to publish a new post on one of them. Plain TypeScript: no Worker or
 * test-runner imports, so Node can run it too.
 */
import type { ProfileInput } from "../src/config/index.ts";
import type { Source } from "../src/model.ts";

/** The WordPress-style blog the pipeline tests and benchmark normalise. */
export const BLOG_SOURCE: Source = {
  id: "blog",
  url: "https://blog.camille.example/",
  label: "Blog",
  service: "web",
  serviceName: "Web",
  feed: "https://blog.camille.example/feed/",
  feedOrigin: "configured",
  identity: true,
  authn: false,
  icon: "web",
  fediverse: false,
};

export interface Fleet {
  profile: ProfileInput;
  fetcher: typeof fetch;
  /** URLs requested so far, in order. */
  requests: string[];
  /** Publishes a new post on blog `index`: its feed gets a new item and a new ETag. */
  publish(index: number): void;
}

export const blogFeedUrl = (index: number) => `https://blog${index}.example/feed/`;

export function blogFleet(count: number, feedText: string): Fleet {
  const versions = new Map<number, number>();
  const requests: string[] = [];
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    requests.push(url);
    const index = Number(/^https:\/\/blog(\d+)\.example\/feed\/$/.exec(url)?.[1] ?? NaN);
    if (!Number.isInteger(index) || index >= count) return new Response("no such blog", { status: 404 });
    const version = versions.get(index) ?? 0;
    const etag = `"v${version}"`;
    const headers = new Headers(init?.headers);
    if (headers.get("If-None-Match") === etag) return new Response(null, { status: 304, headers: { ETag: etag } });
    let body = feedText;
    for (let post = 1; post <= version; post++) {
      body = body.replace(
        "<item>",
        `<item><title>Nouveau billet ${post}</title><link>https://blog${index}.example/new-${post}/</link><guid>https://blog${index}.example/new-${post}/</guid><pubDate>Thu, 26 Nov 2026 0${post % 10}:00:00 +0000</pubDate><description>Billet ${post}</description></item>\n<item>`,
      );
    }
    return new Response(body, { headers: { "Content-Type": "application/rss+xml; charset=utf-8", ETag: etag } });
  }) as typeof fetch;
  const accounts = Array.from({ length: count }, (_, index) => ({ url: `https://blog${index}.example/`, feed: blogFeedUrl(index), label: `Blog ${index}` }));
  return {
    // Workers Paid: these fleets test the subrequest budget and the rotation, which its CPU leaves whole.
    profile: { name: "Camille Exemple", url: "https://camille.example/", lang: "fr", accounts, settings: { cpuMsPerRun: 30_000 } },
    fetcher,
    requests,
    publish: (index) => versions.set(index, (versions.get(index) ?? 0) + 1),
  };
}
