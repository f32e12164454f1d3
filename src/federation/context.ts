/**
 * @module What federation's work needs from a request or the cron: the options tests inject (the
 * fetch of remote keys and deliveries, the clock), handed to every route by `federationSettings`
 * (app.tsx mounts it once), and the work itself for a home (`federationFor`, `federationOf`).
 */
import type { MiddlewareHandler } from "hono";
import { homeStore } from "../auth/grants.ts";
import type { AppContext, AppEnv } from "../routes/context.ts";
import type { Site } from "../site.ts";
import type { Federation } from "./deliver.ts";

/** Federation's fetch (remote keys, deliveries) and clock; by default the conversations' fetch and Date.now. */
export interface FederationOptions {
  fetcher?: typeof fetch;
  now?: () => number;
}

declare module "hono" {
  interface ContextVariableMap {
    /** Set by `federationSettings` (app.tsx). */
    federation: FederationOptions;
  }
}

/** The middleware that hands every route federation's options (app.tsx mounts it once). */
export const federationSettings =
  (options: FederationOptions = {}): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    c.set("federation", options);
    await next();
  };

/** Federation's work for a home: its store, profile, accounts, fetch and clock. */
export function federationFor(site: Site, env: Env, fetcher: typeof fetch, now: () => number = Date.now): Federation {
  return { store: homeStore(env, site.profile.url), profile: site.profile, sources: site.sources, fetcher, now };
}

/** Federation's work for this request's home. */
export function federationOf(c: AppContext): Federation {
  const options = c.get("federation") ?? {};
  return federationFor(c.get("site"), c.env, options.fetcher ?? c.get("outbound"), options.now);
}

