/**
 * @module The community's directory as requests read it: KV's copy (`community:directory`), kept a
 * minute per isolate; a handle or hostname it does not know is asked of the community's store
 * itself (a sign-up newer than the copy), and an unknown one is remembered a minute, so a flood of
 * made-up hostnames costs one store call per name per isolate and minute at most.
 */
import { DIRECTORY_KEY, type CommunityStore, type Directory, type Member } from "./store.ts";

/** How long an isolate trusts its copy of the directory (KV takes about as long to propagate). */
export const DIRECTORY_MEMORY_SECONDS = 60;
/** Unknown names remembered per isolate (then forgotten oldest first). */
const MAX_UNKNOWN_REMEMBERED = 1_000;

/** The community's store: one Durable Object for the whole community. */
export function communityStore(env: Env): DurableObjectStub<CommunityStore> {
  return env.COMMUNITY.get(env.COMMUNITY.idFromName("community"));
}

export class DirectoryCache {
  private memory: { directory: Promise<Directory>; readAt: number } | undefined;
  private readonly unknown = new Map<string, number>();
  private readonly found = new Map<string, Member>();

  /** The directory, from memory when read less than a minute ago. */
  directory(env: Env, now = Date.now()): Promise<Directory> {
    if (this.memory && now - this.memory.readAt < DIRECTORY_MEMORY_SECONDS * 1000) return this.memory.directory;
    const read: Promise<Directory> = env.M2_KV.get<Directory>(DIRECTORY_KEY, "json").then((stored) => stored ?? (communityStore(env).directory() as Promise<Directory>));
    const entry = { directory: read, readAt: now };
    this.memory = entry;
    read.catch(() => {
      if (this.memory === entry) this.memory = undefined;
    });
    return read;
  }

  /** This isolate just changed the directory (a sign-up, a departure): its requests see it at once. */
  prime(directory: Directory, now = Date.now()): void {
    this.memory = { directory: Promise.resolve(directory), readAt: now };
    this.found.clear();
    this.unknown.clear();
  }

  /** The member `handle`, or null. */
  async member(env: Env, handle: string, now = Date.now()): Promise<Member | null> {
    const directory = await this.directory(env, now);
    const listed = directory.members.find((member) => member.handle === handle) ?? this.found.get(handle);
    if (listed) return listed;
    if (this.remembered(`member:${handle}`, now)) return null;
    const member = await communityStore(env).member(handle);
    if (member) this.found.set(handle, member);
    else this.remember(`member:${handle}`, now);
    return member;
  }

  /** The member a custom hostname belongs to, or null. */
  async hostOwner(env: Env, host: string, now = Date.now()): Promise<string | null> {
    const directory = await this.directory(env, now);
    const listed = directory.hosts[host];
    if (listed) return listed;
    if (this.remembered(`host:${host}`, now)) return null;
    const owner = await communityStore(env).hostOwner(host);
    if (!owner) this.remember(`host:${host}`, now);
    return owner;
  }

  private remembered(key: string, now: number): boolean {
    const at = this.unknown.get(key);
    return at !== undefined && now - at < DIRECTORY_MEMORY_SECONDS * 1000;
  }

  private remember(key: string, now: number): void {
    this.unknown.set(key, now);
    while (this.unknown.size > MAX_UNKNOWN_REMEMBERED) this.unknown.delete(this.unknown.keys().next().value!);
  }
}
