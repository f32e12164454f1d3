/**
 * @module The Hono app: security headers, the site and caches every route reads, route mounting
 * and error handling. `createWorker` takes the profile as data, so tests can build a home for any
 * profile; the Worker (src/index.ts) passes profile.json.
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { etag } from "hono/etag";
import { secureHeaders } from "hono/secure-headers";
import { messagesFor } from "./i18n/languages.ts";
import { IdentityState } from "./identity/schedule.ts";
import { pageLanguage } from "./i18n/negotiate.ts";
import { runCron } from "./cron.ts";
import type { RefreshOptions } from "./ingest/refresh.ts";
import { ConfigErrorPage, MessagePage } from "./render/page.tsx";
import { STYLESHEET_PATH } from "./render/style.ts";
import { admin } from "./routes/admin.ts";
import { indieAuth, type AuthOptions } from "./routes/auth.ts";
import { AnswerCache } from "./routes/answers.ts";
import { compose } from "./routes/compose.tsx";
import type { OverlayState, ProfileOverlay } from "./config/overlay.ts";
import { profileEditor } from "./routes/profile-edit.tsx";
import type { AppEnv } from "./routes/context.ts";
import { CONTENT_SECURITY_POLICY } from "./routes/csp.ts";
import { feeds } from "./routes/feeds.ts";
import { identity } from "./routes/identity.ts";
import { allowedMethods } from "./routes/methods.ts";
import { micropub } from "./routes/micropub.ts";
import { pages } from "./routes/pages.tsx";
import { posts } from "./routes/posts.tsx";
import { status } from "./routes/status.ts";
import { conversationsOf, WEBMENTION_PATH, webmention } from "./routes/webmention.ts";
import { CRON_CONVERSATION_SUBREQUESTS, MAX_HUB_PINGS } from "./conversations/limits.ts";
import { cronConversations } from "./conversations/work.ts";
import { pingHub } from "./conversations/websub.ts";
import { buildSite } from "./site.ts";
import { SubrequestBudget } from "./ingest/budget.ts";
import { SUBREQUEST_BUDGET } from "./ingest/refresh.ts";
import { TimelineCache } from "./timeline-cache.ts";
import { activityPub } from "./routes/activitypub.ts";
import { federationFor, federationSettings, type FederationOptions } from "./federation/context.ts";
import { cronFederation } from "./federation/deliver.ts";
import { CRON_DELIVERY_SUBREQUESTS } from "./federation/limits.ts";
import { readTimeline } from "./store/index.ts";

export interface AppOptions {
  /** Passed to every refresh: tests inject a clock and a fetcher. */
  refresh?: RefreshOptions;
  /** The IndieAuth server's fetcher (client_id pages) and clock: tests inject both. */
  auth?: AuthOptions;
  /** The fetch of the conversations (Webmentions verified and sent, WebSub pings): tests inject one. */
  conversations?: { fetcher?: typeof fetch };
  /** The profile edited in the browser that `profileInput` includes (config/overlay.ts `overlaid`): shown on /status. */
  overlay?: OverlayState;
  /** profile.json as in the repository, the base of an edit at /new/profile; `{}` for a community member. Default: `profileInput`. */
  profileFile?: unknown;
  /** Called when /new/profile saved or restored a version, so this isolate can rebuild the app at once. */
  profileSaved?: (overlay: ProfileOverlay) => void;
  /** Federation's fetch (remote keys, deliveries; the conversations' by default) and clock: tests inject both. */
  federation?: FederationOptions;
}

/**
 * Builds the Worker for a profile (parsed profile.json, validated here): the Hono app and the
 * cron handler share one site and one timeline cache.
 *
 * @example
 * export default createWorker(profile) satisfies ExportedHandler<Env>;
 */
export function createWorker(profileInput: unknown, options: AppOptions = {}) {
  const app = new Hono<AppEnv>();
  const built = buildSite(profileInput, options.overlay ?? null);
  const answers = new AnswerCache();

  // The headers that still protect a reader in a current browser, and only those (every answer
  // carries them). Left out as obsolete or redundant: X-Frame-Options (CSP
  // frame-ancestors supersedes it), X-XSS-Protection (the auditors it steered are gone),
  // X-Download-Options (IE 8), X-Permitted-Cross-Domain-Policies (Flash), X-DNS-Prefetch-Control
  // (browsers already skip it for links on https pages), Origin-Agent-Cluster (a process-isolation
  // hint; the page runs no script), Referrer-Policy (strict-origin-when-cross-origin is the
  // browsers' default; the HTML pages state it in a <meta> for older ones) and
  // Cross-Origin-Resource-Policy (its `cross-origin` value only grants, and nothing here needs it).
  app.use(
    secureHeaders({
      contentSecurityPolicy: CONTENT_SECURITY_POLICY,
      // A route may set its own policy (the IndieAuth consent page's form-action): it is kept.
      overwrite: false,
      referrerPolicy: false,
      crossOriginEmbedderPolicy: false,
      crossOriginOpenerPolicy: false,
      crossOriginResourcePolicy: false,
      xFrameOptions: false,
      xXssProtection: false,
      xDownloadOptions: false,
      xPermittedCrossDomainPolicies: false,
      xDnsPrefetchControl: false,
      originAgentCluster: false,
    }),
  );
  // A browsing-context header, for the answers that open one: HTML pages, not feeds or JSON.
  app.use(async (c, next) => {
    await next();
    if (c.res.headers.get("Content-Type")?.startsWith("text/html")) c.res.headers.set("Cross-Origin-Opener-Policy", "same-origin");
  });

  if (!built.ok) {
    // Never a half-configured page: every route explains what to fix in profile.json.
    console.error(`profile.json is invalid:\n${built.problems.map((problem) => `  - ${problem}`).join("\n")}`);
    app.all("*", async (c) => {
      const t = messagesFor(c.req.header("Accept-Language"));
      const body = await (<ConfigErrorPage problems={built.problems} t={t} stylesheet={STYLESHEET_PATH} />).toString();
      return c.html(body, 500);
    });
    const skipped = async () => {
      console.error("cron skipped: profile.json is invalid");
    };
    return { app, answers, site: undefined, timelines: undefined, fetch: app.fetch, runCron: skipped, scheduled: skipped };
  }

  const { site } = built;
  // The timeline requests read, and the one refresh (cron, admin, background) that renews it.
  const refresher = new TimelineCache(site, options.refresh);
  const identityState = new IdentityState(site);

  const outbound = options.conversations?.fetcher ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  // Every HTML page names the Webmention endpoint (W3C Webmention §3.1.2): in a Link header here, in a <link> of its head.
  const webmentionLink = `<${new URL(WEBMENTION_PATH, site.profile.url).href}>; rel="webmention"`;
  app.use(async (c, next) => {
    await next();
    if (c.res.headers.get("Content-Type")?.startsWith("text/html")) c.res.headers.append("Link", webmentionLink);
  });

  app.use(async (c, next) => {
    c.set("site", site);
    c.set("outbound", outbound);
    c.set("timelines", refresher);
    c.set("answers", answers);
    c.set("identity", identityState);
    await next();
  });
  // ?lang= first, then Accept-Language, else the profile's language; no cookie (pages are cached
  // per language, and Vary: Accept-Language is enough for shared caches).
  app.use(federationSettings(options.federation));
  app.use(pageLanguage(site.profile.lang));
  // The cached routes set their ETag from their variant (routes/cache.ts); the others get one from
  // their body. Either way a matching If-None-Match is a 304 here.
  app.use(etag());

  app.route("/", pages);
  app.route("/", feeds);
  app.route("/", status);
  app.route("/", admin);
  app.route("/", identity);
  app.route("/", indieAuth(options.auth));
  app.route("/", micropub);
  app.route("/", compose);
  app.route("/", profileEditor({ file: options.profileFile ?? profileInput, saved: options.profileSaved }));
  app.route("/", webmention);
  app.route("/", posts);
  app.route("/", activityPub);

  app.notFound(async (c) => {
    const allowed = allowedMethods(app.routes, c.req.path);
    // A route that exists for this method but found nothing (an old stylesheet fingerprint) is a 404.
    if (allowed.length > 0 && !allowed.includes(c.req.method)) {
      c.header("Allow", allowed.join(", "));
      if (c.req.method === "OPTIONS") return c.body(null, 204);
      return c.text(`${c.req.method} is not allowed here; use ${allowed.join(" or ")}.`, 405);
    }
    const t = c.get("t");
    const body = await (<MessagePage title={t.notFoundTitle} message={t.notFound} t={t} stylesheet={STYLESHEET_PATH} />).toString();
    return c.html(body, 404);
  });

  app.onError((error, c) => {
    // An HTTPException that carries its own answer (hono/bearer-auth's 401) is sent as it is.
    if (error instanceof HTTPException) return error.res ? error.getResponse() : c.json({ error: error.message }, error.status);
    console.error("unexpected error:", error instanceof Error ? (error.stack ?? error.message) : String(error));
    return c.json({ error: "internal error" }, 500);
  });

  /**
   * One cron run of this home, within `subrequests` of the invocation's (all 50 for a single
   * home; a community gives each of the run's homes its share).
   */
  const cronRun = (controller: ScheduledController, env: Env, subrequests = SUBREQUEST_BUDGET): Promise<void> => {
    const work = conversationsOf(site, env, outbound);
    return runCron({
      kv: env.M2_KV,
      scheduledTime: controller.scheduledTime,
      subrequests,
      verification: identityState,
      refresh: (run) => refresher.run(env.M2_KV, run),
      injected: options.refresh,
      conversations: {
        // Federation's deliveries and retries share this part of the cron's budget, after the Webmentions.
        limit: Math.min(CRON_CONVERSATION_SUBREQUESTS + CRON_DELIVERY_SUBREQUESTS, subrequests),
        run: async (limit) => {
          const run = await cronConversations(work, Math.min(limit, CRON_CONVERSATION_SUBREQUESTS));
          if (run.snapshot) refresher.prime(run.snapshot);
          if (run.verified + run.sent > 0) console.log(`conversations: ${run.verified} mentions verified, ${run.sent} sent, ${run.subrequests} subrequests`);
          const federation = federationFor(site, env, options.federation?.fetcher ?? outbound, options.federation?.now);
          const delivered = await cronFederation(federation, limit - run.subrequests, () => readTimeline(env.M2_KV)).catch((error: unknown) => {
            console.error("federation failed:", error instanceof Error ? error.message : String(error));
            return 0;
          });
          return run.subrequests + delivered;
        },
      },
      ...(work.hub ? { timelineChanged: { reserve: MAX_HUB_PINGS, run: (limit: number) => pingHub(work.hub!, work.home, new SubrequestBudget(limit, outbound).fetch, work.timeoutMs) } } : {}),
    });
  };

  return {
    app,
    /** The cache of whole answers (its size and bytes are read by tests). */
    answers,
    /** The validated site and its timeline cache (the community's page and planet read members' through them). */
    site,
    timelines: refresher,
    fetch: app.fetch,
    runCron: cronRun,
    async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext) {
      ctx.waitUntil(cronRun(controller, env));
    },
  };
}
