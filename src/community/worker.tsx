/**
 * @module Community mode: many homes on one Worker. The hostname chooses the home — the
 * community's own host serves its page (hub.tsx), `<handle>.<domain>` and members' custom
 * hostnames serve that member's home, built from their saved profile and run with bindings that
 * reach only their keys (member-env.ts); any other hostname gets a 404 page, never a home. The
 * cron shares the invocation's subrequests and CPU between homes, a few homes per run in turn.
 */
import { HTTPException } from "hono/http-exception";
import type { AppOptions } from "../app.tsx";
import { Homes } from "../homes.ts";
import { communityMessages } from "../i18n/community.ts";
import { messagesFor } from "../i18n/languages.ts";
import { CommunityMessagePage } from "../render/community.tsx";
import { ConfigErrorPage } from "../render/page.tsx";
import { STYLESHEET_PATH } from "../render/style.ts";
import { handleProblem, memberUrl, validateCommunity, type Community } from "./config.ts";
import { communityStore, DirectoryCache } from "./directory.ts";
import { homeStore } from "../auth/home-store.ts";
import { ownerOf } from "../auth/owner.ts";
import type { HomeEnv } from "../model.ts";
import { readUpTo } from "../stream.ts";
import { communityHub } from "./hub.tsx";
import { memberEnv } from "./member-env.ts";
import { memberWorker, underTerms } from "./members.ts";
import type { Directory, Member } from "./store.ts";

/** What one cron invocation may spend (Workers Free: 50 subrequests, 10 ms of CPU). */
export const CRON_SUBREQUESTS = 50;
/** Homes one cron run serves on Workers Free; each gets its share of the 50 subrequests and 10 ms. */
export const HOMES_PER_RUN = 2;
/** The cron's interval (wrangler.toml), which turns the clock into the rotation's position. */
const CRON_INTERVAL_MS = 30 * 60_000;

/** The body of a leave: `{"confirm": "<handle>"}`. */
const MAX_LEAVE_BODY_BYTES = 1_024;

/** A member's own route to leave the community with their home deleted. */
export const LEAVE_PATH = "/admin/leave";

/** Deletes every key of a member's home: their KV keys, their photos, their store; then their row. */
async function eraseHome(env: Env, own: HomeEnv, member: Member): Promise<{ kvKeys: number; directory: Directory | null }> {
  let kvKeys = 0;
  for (let cursor: string | undefined; ; ) {
    const page = await own.M2_KV.list(cursor ? { cursor } : {});
    await Promise.all(page.keys.map((key) => own.M2_KV.delete(key.name)));
    kvKeys += page.keys.length;
    if (page.list_complete) break;
    cursor = page.cursor;
  }
  const media = (own as HomeEnv & { MEDIA?: R2Bucket }).MEDIA;
  if (media) {
    for (let cursor: string | undefined; ; ) {
      const page = await media.list(cursor ? { cursor } : {});
      if (page.objects.length > 0) await media.delete(page.objects.map((object) => object.key));
      if (!page.truncated) break;
      cursor = page.cursor;
    }
  }
  await homeStore(own, member.card.url).erase();
  return { kvKeys, directory: await communityStore(env).removeMember(member.handle) };
}

/** Where a hostname leads. */
export type Place = { kind: "community" } | { kind: "member"; handle: string } | { kind: "custom"; host: string };

/**
 * The place of a request's hostname: the community's hosts, a member's subdomain, or a custom
 * hostname to look up. Locally (`npm start`), `localhost` is the community and
 * `<handle>.localhost` a member's home.
 */
export function placeOf(hostname: string, community: Community): Place {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (host === new URL(community.url).hostname || host === community.domain || host === "localhost" || host === "127.0.0.1") return { kind: "community" };
  for (const parent of [community.domain, "localhost"]) {
    if (host.endsWith(`.${parent}`)) {
      const label = host.slice(0, -(parent.length + 1));
      if (!label.includes(".")) return { kind: "member", handle: label };
    }
  }
  return { kind: "custom", host };
}

export interface CommunityOptions extends AppOptions {
  /** Homes per cron run (default `HOMES_PER_RUN`); Workers Paid affords many more. */
  homesPerRun?: number;
  /** The CPU one cron invocation may spend, shared by its homes (default 10 ms, Workers Free). */
  cronCpuMs?: number;
}

/**
 * The Worker of a community.
 *
 * @example
 * export default createCommunityWorker(community) satisfies ExportedHandler<Env>;
 */
export function createCommunityWorker(input: unknown, options: CommunityOptions = {}) {
  const validated = validateCommunity(input);
  if (!validated.ok) {
    console.error(`community.json is invalid:\n${validated.problems.map((problem) => `  - ${problem}`).join("\n")}`);
    return {
      async fetch(request: Request): Promise<Response> {
        const t = messagesFor(request.headers.get("Accept-Language") ?? undefined);
        const body = await (<ConfigErrorPage problems={validated.problems} t={t} stylesheet={STYLESHEET_PATH} />).toString();
        return new Response(body, { status: 500, headers: { "Content-Type": "text/html; charset=utf-8" } });
      },
      async scheduled() {
        console.error("cron skipped: community.json is invalid");
      },
    };
  }
  const { community } = validated;
  // Workers Free by default; Workers Paid says so in community.json ("cron": { "homesPerRun": 20, "cpuMs": 30000, "subrequests": 1000 }).
  const homesPerRun = Math.max(1, options.homesPerRun ?? community.cron.homesPerRun ?? HOMES_PER_RUN);
  const cpuShare = Math.max(1, Math.floor((options.cronCpuMs ?? community.cron.cpuMs ?? 10) / homesPerRun));
  const homes = new Homes(options, (profile, handle) => underTerms(profile, { url: memberUrl(community, handle), cpuMsPerRun: cpuShare }));
  const directory = new DirectoryCache();
  const hub = communityHub({ community, directory, homes });

  async function unknownHost(request: Request): Promise<Response> {
    const t = messagesFor(request.headers.get("Accept-Language") ?? community.lang);
    const c = communityMessages(t.code);
    const body = await (<CommunityMessagePage title={c.unknownHostTitle} message={c.unknownHost} community={community} c={c} t={t} stylesheet={STYLESHEET_PATH} />).toString();
    return new Response(body, { status: 404, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "Content-Security-Policy": "default-src 'none'; style-src 'self'; form-action 'none'; frame-ancestors 'none'" } });
  }

  /** The member a hostname belongs to, or null. */
  async function memberOf(place: Place, env: Env): Promise<Member | null> {
    if (place.kind === "community") return null;
    // A label that cannot be a handle is answered without asking the community's store.
    if (place.kind === "member" && handleProblem(place.handle) !== null) return null;
    const handle = place.kind === "member" ? place.handle : await directory.hostOwner(env, place.host);
    return handle ? directory.member(env, handle) : null;
  }

  /**
   * A member leaves: with their secret and `{"confirm": "<handle>"}`, every key of their home
   * (KV, photos, their Durable Object) is deleted and the handle leaves the directory. They take
   * `GET /admin/export` first: the profile, the posts and the mentions.
   */
  async function leave(request: Request, env: Env, own: HomeEnv, member: Member): Promise<Response> {
    const bearer = request.headers.get("Authorization")?.match(/^Bearer ([A-Za-z0-9._~+/=-]{1,512})$/)?.[1];
    if (!bearer || !(await ownerOf(own)?.isSecret(bearer))) return Response.json({ error: "Missing or wrong token: send Authorization: Bearer <your home's secret>." }, { status: 401, headers: { "WWW-Authenticate": 'Bearer realm="m2"' } });
    const bytes = await readUpTo(request.body, request.headers.get("content-length"), MAX_LEAVE_BODY_BYTES);
    let body: { confirm?: unknown } | null = null;
    try {
      body = bytes === "too-large" ? null : (JSON.parse(new TextDecoder().decode(bytes)) as { confirm?: unknown } | null);
    } catch {
      body = null;
    }
    if (body?.confirm !== member.handle) return Response.json({ error: `to delete this home and everything in it, send {"confirm": "${member.handle}"}` }, { status: 400 });
    const removed = await eraseHome(env, own, member);
    directory.prime(removed.directory ?? (await directory.directory(env)));
    homes.forget(member.handle);
    return Response.json({ deleted: member.handle, kvKeys: removed.kvKeys });
  }

  return {
    community,
    homes,
    directory,
    async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
      const place = placeOf(new URL(request.url).hostname, community);
      if (place.kind === "community") return hub.fetch(request, env, ctx);
      const member = await memberOf(place, env);
      if (!member) return unknownHost(request);
      const own = memberEnv(env, member.handle);
      if (request.method === "POST" && new URL(request.url).pathname === LEAVE_PATH) return leave(request, env, own, member);
      const worker = await memberWorker(homes, env, member);
      if (!worker) return unknownHost(request);
      return worker.fetch(request, own, ctx);
    },
    async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
      const members = (await directory.directory(env)).members;
      if (members.length === 0) return;
      const turn = Math.floor(controller.scheduledTime / CRON_INTERVAL_MS);
      const count = Math.min(homesPerRun, members.length);
      const share = Math.floor((community.cron.subrequests ?? CRON_SUBREQUESTS) / count);
      for (let index = 0; index < count; index++) {
        const member = members[(turn * count + index) % members.length]!;
        try {
          const worker = await memberWorker(homes, env, member);
          if (!worker?.site) continue;
          // One home after the other, each within its share: the invocation's limits are the sum.
          await worker.runCron(controller, memberEnv(env, member.handle), share);
        } catch (error) {
          if (!(error instanceof HTTPException)) console.error(`cron of ${member.handle} failed:`, error instanceof Error ? error.message : String(error));
        }
      }
      void ctx;
    },
  };
}
