/**
 * @module The answers the cached routes keep (routes/cache.ts), in isolate memory: whole bodies by
 * variant key, least recently used first, bounded by bytes.
 */

/**
 * Bytes of bodies the answer cache holds per isolate (8 MiB; Workers give an isolate 128 MB). The
 * least recently used answers go first; an answer larger than this is served but not kept.
 */
export const ANSWER_CACHE_BYTES = 8 * 1024 * 1024;

interface StoredAnswer {
  /**
   * Kept as `Headers`: workerd builds a Response from a `Headers` several times faster than from
   * an array of pairs (~20 µs against ~90 µs for eleven headers, measured in workerd).
   */
  headers: Headers;
  body: ArrayBuffer;
  /** What this entry counts against `ANSWER_CACHE_BYTES` (body and key). */
  bytes: number;
}

/** Answers by variant key, least recently used first, bounded by bytes. */
export class AnswerCache {
  private readonly entries = new Map<string, StoredAnswer>();
  private held = 0;
  private readonly capacity: number;

  constructor(capacity = ANSWER_CACHE_BYTES) {
    this.capacity = capacity;
  }

  /** How many answers are kept. */
  get size(): number {
    return this.entries.size;
  }

  /** Bytes the kept answers count (bodies and keys). */
  get bytes(): number {
    return this.held;
  }

  /** A fresh Response of the answer kept under `key` (the stored one is never handed out), or undefined. */
  replay(key: string): Response | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    // Most recently used last: eviction takes the first.
    this.entries.delete(key);
    this.entries.set(key, hit);
    return new Response(hit.body, { headers: hit.headers });
  }

  /** Keeps a 200's body and headers under `key`, evicting the least recently used to fit. */
  keep(key: string, headers: Headers, body: ArrayBuffer): void {
    const bytes = body.byteLength + key.length * 2;
    if (bytes > this.capacity) return;
    const previous = this.entries.get(key);
    if (previous) {
      this.entries.delete(key);
      this.held -= previous.bytes;
    }
    for (const [oldest, entry] of this.entries) {
      if (this.held + bytes <= this.capacity) break;
      this.entries.delete(oldest);
      this.held -= entry.bytes;
    }
    this.entries.set(key, { headers: new Headers(headers), body, bytes });
    this.held += bytes;
  }
}
