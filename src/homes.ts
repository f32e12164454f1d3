/**
 * @module The homes an isolate serves, built from their profiles: profile.json with the profile
 * edited in the browser over it (single-home mode), or a member's saved profile (community mode).
 * Each home's Worker (app.tsx `createWorker`) is built once per profile version and kept; the
 * saved profile is read from KV at most once a minute per home (KV itself takes about as long to
 * propagate), and the isolate that saved it rebuilds at once.
 */
import { createWorker, type AppOptions } from "./app.tsx";
import { validateProfile } from "./config/index.ts";
import { overlaid, type ProfileOverlay } from "./config/overlay.ts";
import { PROFILE_KEY } from "./store/index.ts";

export type HomeWorker = ReturnType<typeof createWorker>;

/** How long a home's saved profile is trusted before KV is read again. */
export const PROFILE_MEMORY_SECONDS = 60;
/** Homes one isolate keeps built; the least recently used goes first. */
export const MAX_HOMES_IN_MEMORY = 64;

interface Built {
  version: number | null;
  worker: HomeWorker;
  readAt: number;
}

/** Reads a saved profile (`null` when none was saved: profile.json alone). */
export async function readOverlay(kv: KVNamespace): Promise<ProfileOverlay | null> {
  const stored = await kv.get<ProfileOverlay>(PROFILE_KEY, "json");
  return stored && typeof stored.version === "number" && stored.profile ? stored : null;
}

export class Homes {
  private readonly built = new Map<string, Built>();
  private readonly options: AppOptions;
  /** What every home's profile goes through before it is built (a community's terms). */
  private readonly adjust: (input: unknown, key: string) => unknown;

  constructor(options: AppOptions = {}, adjust: (input: unknown, key: string) => unknown = (input) => input) {
    this.options = options;
    this.adjust = adjust;
  }

  /**
   * The Worker of the home `key` (its KV is `kv`), from `file` (profile.json; `{}` for a member)
   * with the saved profile over it.
   */
  async worker(key: string, file: unknown, kv: KVNamespace, options: { fallback?: () => Promise<ProfileOverlay | null>; now?: number } = {}): Promise<HomeWorker> {
    const now = options.now ?? Date.now();
    const known = this.built.get(key);
    if (known && now - known.readAt < PROFILE_MEMORY_SECONDS * 1000) return this.touch(key, known);
    const read = readOverlay(kv).then((stored) => stored ?? options.fallback?.() ?? null);
    const overlay = await read.catch((error: unknown) => {
      // KV failing must not take the home down: the profile this isolate has (or the file) serves.
      console.error("reading the saved profile failed:", error instanceof Error ? error.message : String(error));
      return undefined;
    });
    const current = this.built.get(key);
    if (overlay === undefined && current) return this.touch(key, { ...current, readAt: now });
    // A profile older than the one this isolate saved (KV not caught up yet) is not taken back.
    if (current && (overlay?.version ?? null) !== null && current.version !== null && overlay!.version <= current.version) {
      return this.touch(key, { ...current, readAt: now });
    }
    if (current && current.version === (overlay?.version ?? null)) return this.touch(key, { ...current, readAt: now });
    return this.build(key, file, overlay ?? null, now);
  }

  /** A home whose profile was just saved in this isolate: built again now. */
  saved(key: string, file: unknown, overlay: ProfileOverlay, now = Date.now()): HomeWorker {
    return this.build(key, file, overlay, now);
  }

  /** Forgets a home (a member who left). */
  forget(key: string): void {
    this.built.delete(key);
  }

  private build(key: string, file: unknown, overlay: ProfileOverlay | null, now: number): HomeWorker {
    const { input: merged, conflicts } = overlaid(file, overlay);
    let input = this.adjust(merged, key);
    let setAside: string[] | undefined;
    // An edit that a later profile.json makes invalid must not take the home down: the file alone serves, and /status says why.
    if (overlay) {
      const checked = validateProfile(input);
      const fileAlone = this.adjust(file, key);
      if (!checked.ok && validateProfile(fileAlone).ok) {
        setAside = checked.problems;
        input = fileAlone;
      }
    }
    const worker = createWorker(input, {
      ...this.options,
      profileFile: file,
      ...(overlay ? { overlay: { version: overlay.version, savedAt: overlay.savedAt, conflicts, ...(setAside ? { setAside } : {}) } } : {}),
      profileSaved: (saved: ProfileOverlay) => {
        this.saved(key, file, saved);
      },
    });
    return this.touch(key, { version: overlay?.version ?? null, worker, readAt: now });
  }

  private touch(key: string, built: Built): HomeWorker {
    this.built.delete(key);
    this.built.set(key, built);
    while (this.built.size > MAX_HOMES_IN_MEMORY) this.built.delete(this.built.keys().next().value!);
    return built.worker;
  }
}

/**
 * The single home of profile.json, with the profile edited in the browser over it (KV `profile`,
 * read at most once a minute per isolate).
 *
 * @example
 * export default createHomeWorker(profile) satisfies ExportedHandler<Env>;
 */
export function createHomeWorker(profile: unknown, options: AppOptions = {}) {
  const homes = new Homes(options);
  const current = (env: Env) => homes.worker("home", profile, env.M2_KV);
  return {
    homes,
    async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
      return (await current(env)).fetch(request, env, ctx);
    },
    async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
      (await current(env)).scheduled(controller, env, ctx);
    },
  };
}
