/**
 * @module One home's view of the shared KV namespace: every key it reads, writes, lists or deletes
 * is under its own prefix (`member:<handle>:` in community mode), so a home's code cannot name
 * another home's keys, by design or by bug. The single home of profile.json has no prefix: its
 * keys stay where earlier versions wrote them.
 */

/** The prefix of a community member's keys (a handle is `[a-z0-9-]`, so no prefix is another's start). */
export function memberPrefix(handle: string): string {
  return `member:${handle}:`;
}

type GetType = "text" | "json" | "arrayBuffer" | "stream";

/**
 * A `KVNamespace` whose keys are all under `prefix`. Only the calls m2 makes are mapped (get of
 * one key or many, getWithMetadata, put, delete, list); anything else is absent (a call to it
 * throws) rather than reaching the shared namespace unprefixed.
 *
 * @example
 * const kv = prefixedKV(env.M2_KV, memberPrefix("camille")); // kv.get("timeline") reads member:camille:timeline
 */
export function prefixedKV(inner: KVNamespace, prefix: string): KVNamespace {
  if (!prefix) return inner;
  const key = (name: string) => `${prefix}${name}`;
  const view = {
    get(name: string | string[], options?: GetType | { type?: GetType; cacheTtl?: number }) {
      if (Array.isArray(name)) {
        return (inner.get as (keys: string[], options?: unknown) => Promise<Map<string, unknown>>)(name.map(key), options).then(
          (values) => new Map([...values].map(([stored, value]) => [stored.slice(prefix.length), value])),
        );
      }
      return (inner.get as (key: string, options?: unknown) => Promise<unknown>)(key(name), options);
    },
    getWithMetadata(name: string, options?: GetType | { type?: GetType; cacheTtl?: number }) {
      return (inner.getWithMetadata as (key: string, options?: unknown) => Promise<unknown>)(key(name), options);
    },
    put(name: string, value: string | ArrayBuffer | ArrayBufferView | ReadableStream, options?: KVNamespacePutOptions) {
      return inner.put(key(name), value, options);
    },
    delete(name: string) {
      return inner.delete(key(name));
    },
    async list(options: KVNamespaceListOptions = {}) {
      const listed = await inner.list({ ...options, prefix: key(options.prefix ?? "") });
      return { ...listed, keys: listed.keys.map((entry) => ({ ...entry, name: entry.name.slice(prefix.length) })) };
    },
  };
  return view as unknown as KVNamespace;
}

/** The name of a member's Durable Object (the single home's is its URL). */
export function memberStoreName(handle: string): string {
  return `member:${handle}`;
}

/** True for a member's Durable Object name. */
export function isMemberStore(name: string | undefined): boolean {
  return name?.startsWith("member:") === true;
}

/** The KV prefix of the home whose Durable Object has this name. */
export function kvPrefixOfStore(name: string | undefined): string {
  return isMemberStore(name) ? memberPrefix(name!.slice("member:".length)) : "";
}
