/**
 * @module The community's own host (the host of community.json's `url`): its page, its planet
 * feeds (members who opted in), the homes' status, the invitations (`POST /admin/invites`, behind
 * the community admin's `ADMIN_TOKEN`) and the invitation page, where a home is made in one form.
 */
import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { bearerAuth } from "hono/bearer-auth";
import { HTTPException } from "hono/http-exception";
import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import { signInFormToken } from "../auth/session.ts";
import { sameSecret } from "../auth/secret.ts";
import { homeStore } from "../auth/home-store.ts";
import { validateProfile, type Profile } from "../config/index.ts";
import { accountLines, COMMUNITY_SHOWN, formProblems, profileFromForm, type FormProblems, type ProfileForm } from "../config/profile-form.ts";
import { communityMessages, type CommunityMessages } from "../i18n/community.ts";
import { messagesFor, type Messages } from "../i18n/languages.ts";
import type { Item, Source } from "../model.ts";
import { policyWithFormAction, CONTENT_SECURITY_POLICY } from "../routes/csp.ts";
import { FORMATS } from "../routes/feeds.ts";
import type { FeedDocument } from "../render/feeds.ts";
import { CommunityMessagePage, CommunityPage, CommunityStatusPage, JoinPage, WelcomePage, type HomeHealth } from "../render/community.tsx";
import { CSS, STYLESHEET_PATH } from "../render/style.ts";
import { itemSources } from "../site.ts";
import { handleProblem as handleProblemOf, memberUrl, type Community } from "./config.ts";
import { communityStore, type DirectoryCache } from "./directory.ts";
import { memberEnv } from "./member-env.ts";
import type { Homes } from "../homes.ts";
import { cardOf, createMemberProfile, memberWorker } from "./members.ts";
import type { JoinResult } from "./store.ts";

/** Items the planet carries: its page and each feed. */
export const PLANET_ITEMS = 50;
/** How long an isolate keeps the planet it merged. */
const PLANET_MEMORY_SECONDS = 60;
/** The invitation form's body: five short fields. */
const MAX_JOIN_FORM_BYTES = 16_384;
/** Account lines the invitation form reads (the profile's own limit is checked by its schema). */
const MAX_ACCOUNT_LINES = 60;

type HubEnv = { Bindings: Env; Variables: { t: Messages; c: CommunityMessages } };

export interface HubContext {
  community: Community;
  directory: DirectoryCache;
  homes: Homes;
}

interface Planet {
  items: Item[];
  sources: Map<string, Source>;
  updated: string;
  version: string;
}

export function communityHub({ community, directory, homes }: HubContext) {
  const hub = new Hono<HubEnv>();
  let planet: { value: Promise<Planet>; readAt: number } | undefined;

  hub.use(secureHeaders({ contentSecurityPolicy: CONTENT_SECURITY_POLICY, overwrite: false, referrerPolicy: false, crossOriginEmbedderPolicy: false, crossOriginResourcePolicy: false, xFrameOptions: false, xXssProtection: false, xDownloadOptions: false, xPermittedCrossDomainPolicies: false, xDnsPrefetchControl: false, originAgentCluster: false }));
  hub.use(async (c, next) => {
    const asked = c.req.query("lang") ?? c.req.header("Accept-Language")?.split(",")[0]?.trim() ?? community.lang;
    const t = messagesFor(asked);
    c.set("t", t);
    c.set("c", communityMessages(t.code));
    c.header("Vary", "Accept-Language");
    await next();
  });

  /** Every opted-in member's items, merged newest first; sources renamed `<handle>/<id>` so two members' never collide. */
  async function mergePlanet(env: Env): Promise<Planet> {
    const members = (await directory.directory(env)).members.filter((member) => member.card.planet);
    const sources = new Map<string, Source>();
    const items: Item[] = [];
    const versions: string[] = [];
    await Promise.all(
      members.map(async (member) => {
        const worker = await memberWorker(homes, env, member).catch(() => null);
        if (!worker?.site) return;
        const timeline = await worker.timelines.current(memberEnv(env, member.handle).M2_KV);
        versions.push(`${member.handle}:${timeline.version}`);
        for (const [id, source] of itemSources(worker.site)) {
          sources.set(`${member.handle}/${id}`, { ...source, id: `${member.handle}/${id}`, label: `${worker.site.profile.name} · ${source.label}` });
        }
        for (const item of timeline.items.slice(0, PLANET_ITEMS)) items.push({ ...item, source: `${member.handle}/${item.source}` });
      }),
    );
    items.sort((a, b) => (a.published < b.published ? 1 : a.published > b.published ? -1 : 0));
    const kept = items.slice(0, PLANET_ITEMS);
    return { items: kept, sources, updated: kept[0]?.published ?? new Date().toISOString(), version: versions.sort().join(",") };
  }

  function planetOf(env: Env): Promise<Planet> {
    const now = Date.now();
    if (planet && now - planet.readAt < PLANET_MEMORY_SECONDS * 1000) return planet.value;
    const entry = { value: mergePlanet(env), readAt: now };
    planet = entry;
    entry.value.catch(() => {
      if (planet === entry) planet = undefined;
    });
    return entry.value;
  }

  const html = async (c: Context<HubEnv>, page: { toString(): string | Promise<string> }, status: ContentfulStatusCode = 200) => c.html(await page.toString(), status);

  hub.get(STYLESHEET_PATH, (c) => {
    c.header("Content-Type", "text/css; charset=utf-8");
    c.header("Cache-Control", "public, max-age=31536000, immutable");
    return c.body(CSS);
  });

  hub.get("/", async (c) => {
    const [members, current] = await Promise.all([directory.directory(c.env), planetOf(c.env)]);
    c.header("Cache-Control", "public, max-age=60");
    return html(c, <CommunityPage community={community} members={members.members} items={current.items.slice(0, 20)} sources={current.sources} c={c.get("c")} t={c.get("t")} stylesheet={STYLESHEET_PATH} now={Date.now()} />);
  });

  for (const format of FORMATS) {
    hub.get(format.path, async (c) => {
      const current = await planetOf(c.env);
      const document: FeedDocument = {
        title: community.name,
        description: community.note || community.name,
        homeUrl: community.url,
        selfUrl: new URL(format.path, community.url).href,
        lang: community.lang,
        author: { name: community.name, url: community.url },
        updated: current.updated,
        items: current.items,
        sources: current.sources,
        sourceFeeds: new Map([...current.sources].flatMap(([id, source]) => (source.feed ? [[id, source.feed] as [string, string]] : []))),
      };
      c.header("Content-Type", format.contentType);
      c.header("Cache-Control", "public, max-age=300");
      return c.body(format.render(document));
    });
  }

  async function health(env: Env): Promise<HomeHealth[]> {
    const members = (await directory.directory(env)).members;
    return Promise.all(
      members.map(async (member) => {
        const worker = await memberWorker(homes, env, member).catch(() => null);
        const timeline = worker?.site ? await worker.timelines.current(memberEnv(env, member.handle).M2_KV) : null;
        return {
          handle: member.handle,
          url: member.card.url,
          name: member.card.name,
          sources: worker?.site?.sources.length ?? 0,
          failing: timeline?.sources.filter((source) => source.failure !== undefined).length ?? 0,
          items: timeline?.items.length ?? 0,
          checkedAt: timeline && timeline.checkedAt !== new Date(0).toISOString() ? timeline.checkedAt : null,
        };
      }),
    );
  }

  hub.get("/status.json", async (c) => {
    c.header("Cache-Control", "no-cache");
    return c.json({ community: community.name, url: community.url, members: await health(c.env) });
  });

  hub.get("/status", async (c) => {
    c.header("Cache-Control", "no-cache");
    return html(c, <CommunityStatusPage community={community} homes={await health(c.env)} c={c.get("c")} t={c.get("t")} stylesheet={STYLESHEET_PATH} />);
  });

  // The community admin's routes: ADMIN_TOKEN here, and only here.
  hub.use("/admin/*", async (c, next) => {
    if (!c.env.ADMIN_TOKEN) return c.json({ error: "Admin routes are disabled: set the ADMIN_TOKEN secret (`npx wrangler secret put ADMIN_TOKEN`, or .dev.vars locally)." }, 403);
    await next();
  });
  const refused = { wwwAuthenticateHeader: 'Bearer realm="m2 community"', message: { error: "Missing or wrong token: send Authorization: Bearer <ADMIN_TOKEN>." } };
  hub.use("/admin/*", bearerAuth({ verifyToken: (token, c) => sameSecret(token, (c.env as Env).ADMIN_TOKEN), noAuthenticationHeader: refused, invalidAuthenticationHeader: refused, invalidToken: refused }));

  hub.post("/admin/invites", bodyLimit({ maxSize: 1024, onError: (c) => c.json({ error: "body too large" }, 413) }), async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { days?: unknown };
    const days = typeof body.days === "number" && Number.isFinite(body.days) && body.days > 0 ? body.days : undefined;
    const invite = await communityStore(c.env).createInvite(days ? days * 86_400_000 : undefined);
    if (!invite) return c.json({ error: "too many open invitations; wait for some to be used or to expire" }, 429);
    c.header("Cache-Control", "no-store");
    return c.json({ url: new URL(`/join/${invite.token}`, community.url).href, expires: invite.expiresAt }, 201);
  });

  hub.post("/admin/hosts", bodyLimit({ maxSize: 1024, onError: (c) => c.json({ error: "body too large" }, 413) }), async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { handle?: unknown; host?: unknown };
    const host = typeof body.host === "string" ? body.host.trim().toLowerCase() : "";
    const handle = typeof body.handle === "string" ? body.handle : "";
    if (!/^[a-z0-9.-]{4,200}$/.test(host) || !host.includes(".") || host.endsWith(`.${community.domain}`) || host === community.domain) {
      return c.json({ error: "host: expected the member's own host name, such as \"camille.example\"" }, 400);
    }
    const result = await communityStore(c.env).addHost(handle, host);
    if ("refused" in result) return c.json({ error: result.refused === "unknown" ? `no member ${JSON.stringify(handle)}` : result.refused === "taken" ? "this host belongs to another member" : "this member has too many hosts" }, result.refused === "unknown" ? 404 : 409);
    directory.prime(result.directory);
    return c.json({ host, handle }, 201);
  });

  // A member who lost their secret: a new one, shown once to the admin, who passes it on; every session of the home ends.
  hub.post("/admin/members/:handle{[a-z0-9-]{2,30}}/secret", async (c) => {
    const member = await directory.member(c.env, c.req.param("handle"));
    if (!member) return c.json({ error: `no member ${JSON.stringify(c.req.param("handle"))}` }, 404);
    const secret = await homeStore(memberEnv(c.env, member.handle), member.card.url).resetOwner();
    if (!secret) return c.json({ error: "this home has no owner yet" }, 409);
    c.header("Cache-Control", "no-store");
    return c.json({ handle: member.handle, home: member.card.url, secret });
  });

  const inviteRefusal = (c: CommunityMessages, state: "used" | "expired" | "unknown") => (state === "used" ? c.inviteUsed : state === "expired" ? c.inviteExpired : c.inviteUnknown);

  hub.get("/join/:token{[A-Za-z0-9_-]{20,100}}", async (c) => {
    const state = await communityStore(c.env).inviteState(c.req.param("token"));
    const messages = c.get("c");
    c.header("Cache-Control", "no-store");
    if (state !== "open") return html(c, <CommunityMessagePage title={messages.inviteUsedTitle} message={inviteRefusal(messages, state)} community={community} c={messages} t={c.get("t")} stylesheet={STYLESHEET_PATH} />, 410);
    const values: ProfileForm = { name: "", handle: "", note: "", lang: c.get("t").code, photo: "", accounts: "" };
    c.header("Content-Security-Policy", policyWithFormAction(["'self'"]));
    return html(c, <JoinPage community={community} values={values} problems={{}} c={messages} t={c.get("t")} stylesheet={STYLESHEET_PATH} action={c.req.path} />);
  });

  hub.post("/join/:token{[A-Za-z0-9_-]{20,100}}", bodyLimit({ maxSize: MAX_JOIN_FORM_BYTES, onError: (c) => c.text("The form is too large.", 413) }), async (c) => {
    const token = c.req.param("token");
    const messages = c.get("c");
    const t = c.get("t");
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const text = (name: string, max: number) => (typeof form[name] === "string" ? (form[name] as string).slice(0, max) : "");
    // Each field as typed, cut to a length no valid profile exceeds (the schema says what is wrong).
    const values: ProfileForm = { [COMMUNITY_SHOWN]: "1" };
    for (const field of ["name", "handle", "note", "lang", "photo", "accounts", "community"] as const) values[field] = text(field, field === "accounts" ? 20_000 : 1_000);
    values.handle = (values.handle ?? "").trim().toLowerCase();
    c.header("Cache-Control", "no-store");
    const again = (problems: FormProblems, status: 400 | 409) => {
      c.header("Content-Security-Policy", policyWithFormAction(["'self'"]));
      return html(c, <JoinPage community={community} values={values} problems={problems} c={messages} t={t} stylesheet={STYLESHEET_PATH} action={c.req.path} />, status);
    };
    const handle = values.handle;
    const home = memberUrl(community, handle);
    const drafted = draftProfile(values, home, messages);
    if ("problems" in drafted) return again(drafted.problems, 400);
    const result: JoinResult = await communityStore(c.env).join(token, handle, cardOf(drafted.profile));
    if ("refused" in result) {
      const refusal = result.refused;
      if (refusal === "used" || refusal === "expired" || refusal === "unknown") {
        return html(c, <CommunityMessagePage title={messages.inviteUsedTitle} message={inviteRefusal(messages, refusal)} community={community} c={messages} t={t} stylesheet={STYLESHEET_PATH} />, 410);
      }
      if (refusal === "full") return html(c, <CommunityMessagePage title={messages.inviteUsedTitle} message={messages.communityFull} community={community} c={messages} t={t} stylesheet={STYLESHEET_PATH} />, 409);
      return again({ handle: [{ path: "handle", message: refusal === "taken" ? messages.handleTaken : refusal === "reserved" ? messages.handleReserved : messages.handleFormat }] }, 409);
    }
    directory.prime(result.directory);
    const env = memberEnv(c.env, handle);
    const store = homeStore(env, home);
    const secret = await store.claimOwner();
    if (!secret) return html(c, <CommunityMessagePage title={messages.inviteUsedTitle} message={messages.inviteUsed} community={community} c={messages} t={t} stylesheet={STYLESHEET_PATH} />, 409);
    const worker = await createMemberProfile(homes, env, result.joined, drafted.input);
    // The new home's feeds start refreshing now, after the answer.
    if (worker.site) c.executionCtx.waitUntil(worker.timelines.run(env.M2_KV).catch((error: unknown) => console.error("first refresh failed:", error instanceof Error ? error.message : String(error))));
    const signIn = { action: new URL("/new/session", home).href, csrf: await signInFormToken(await store.formKey(), Math.floor(Date.now() / 1000)) };
    c.header("Content-Security-Policy", policyWithFormAction([new URL(home).origin]));
    return html(c, <WelcomePage home={home} handle={handle} secret={secret} signIn={signIn} accounts={drafted.profile.accounts.map((account) => account.url)} c={messages} t={t} stylesheet={STYLESHEET_PATH} />, 201);
  });

  hub.notFound(async (c) => {
    const messages = c.get("c");
    return html(c, <CommunityMessagePage title={c.get("t").notFoundTitle} message={c.get("t").notFound} community={community} c={messages} t={c.get("t")} stylesheet={STYLESHEET_PATH} />, 404);
  });

  hub.onError((error, c) => {
    // hono/bearer-auth's 401 carries its own answer.
    if (error instanceof HTTPException) return error.getResponse();
    console.error("unexpected error:", error instanceof Error ? (error.stack ?? error.message) : String(error));
    return c.json({ error: "internal error" }, 500);
  });

  return hub;
}

/**
 * The invitation form as a profile (config/profile-form.ts, as /new/profile reads it), checked by
 * the same schema as profile.json: each problem goes next to its field, an account's with its
 * line; the handle's own rules too.
 */
export function draftProfile(form: ProfileForm, home: string, messages: CommunityMessages): { profile: Profile; input: Record<string, unknown> } | { problems: FormProblems } {
  const lines = accountLines(form.accounts ?? "");
  const kept: ProfileForm = lines.length > MAX_ACCOUNT_LINES ? { ...form, accounts: lines.slice(0, MAX_ACCOUNT_LINES).map((line) => line.url).join("\n") } : form;
  const input = profileFromForm(kept, { url: home }) as Record<string, unknown>;
  const checked = validateProfile(input);
  const problems: FormProblems = checked.ok ? {} : formProblems(checked.problems, kept);
  const handle = handleProblemOf(form.handle ?? "");
  // The handle's own rule says it better than the URL made from it.
  if (handle) problems.handle = [{ path: "handle", message: handle === "format" ? messages.handleFormat : messages.handleReserved }];
  if (Object.keys(problems).length > 0 || !checked.ok) return { problems };
  return { profile: checked.profile, input };
}
