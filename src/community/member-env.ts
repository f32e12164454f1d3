/**
 * @module A member's bindings: the Worker's own, narrowed to one home. KV is under the member's
 * prefix, `HOME` reaches only the member's Durable Object whatever name is asked for, the photo
 * bucket (when bound) is under the same prefix, `COMMUNITY` is gone and `ADMIN_TOKEN` (the
 * community admin's) is empty. Isolation is by construction: the home's code is the single
 * home's code, and it cannot name another home's keys or objects.
 */
import type { HomeEnv } from "../model.ts";
import { memberPrefix, memberStoreName, prefixedKV } from "../store/prefixed.ts";

/** `HOME` pinned to one object: every name asked for maps to the member's. */
function pinnedHomes(inner: Env["HOME"], handle: string): unknown {
  const id = inner.idFromName(memberStoreName(handle));
  return {
    idFromName: () => id,
    get: () => inner.get(id),
    getByName: () => inner.get(id),
    idFromString: () => id,
    newUniqueId: () => {
      throw new Error("a home has one store");
    },
    jurisdiction: () => pinnedHomes(inner, handle),
  };
}

/** An R2 bucket whose object names are all under `prefix`. */
function prefixedBucket(bucket: R2Bucket, prefix: string) {
  return {
    get: (key: string, options?: R2GetOptions) => bucket.get(`${prefix}${key}`, options),
    head: (key: string) => bucket.head(`${prefix}${key}`),
    put: (key: string, value: Parameters<R2Bucket["put"]>[1], options?: R2PutOptions) => bucket.put(`${prefix}${key}`, value, options),
    delete: (keys: string | string[]) => bucket.delete(Array.isArray(keys) ? keys.map((key) => `${prefix}${key}`) : `${prefix}${keys}`),
    list: (options: R2ListOptions = {}) => bucket.list({ ...options, prefix: `${prefix}${options.prefix ?? ""}` }),
  };
}

/**
 * The bindings of the member `handle`'s home.
 *
 * @example
 * return homeApp.fetch(request, memberEnv(env, "camille"), ctx);
 */
export function memberEnv(env: Env, handle: string): HomeEnv {
  const prefix = memberPrefix(handle);
  const media = (env as Env & { MEDIA?: R2Bucket }).MEDIA;
  const { COMMUNITY: _community, ...rest } = env;
  return {
    ...rest,
    ADMIN_TOKEN: "",
    M2_MEMBER: handle,
    M2_KV: prefixedKV(env.M2_KV, prefix),
    HOME: pinnedHomes(env.HOME, handle) as Env["HOME"],
    ...(media ? { MEDIA: prefixedBucket(media, prefix) as unknown as R2Bucket } : {}),
  } as HomeEnv;
}
