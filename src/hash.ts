/** @module A short, stable, synchronous string hash (cyrb53) for ids, versions and fingerprints. */

/**
 * cyrb53 fed piece by piece: hashing several strings through one hasher gives the same digest as
 * hashing their concatenation, without building it.
 */
export class StableHasher {
  private h1 = 0xdeadbeef;
  private h2 = 0x41c6ce57;

  /** Feeds `text`, or only its characters from `start` to `end` (a slice would be slower to read). */
  update(text: string, start = 0, end = text.length): this {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = start; i < end; i++) {
      const ch = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    this.h1 = h1;
    this.h2 = h2;
    return this;
  }

  /** 53 bits in base 36. */
  digest(): string {
    let h1 = this.h1;
    let h2 = this.h2;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
  }
}

/** 53 bits of cyrb53 in base 36: not cryptographic, but stable across runs and runtimes. */
export function stableHash(text: string): string {
  return new StableHasher().update(text).digest();
}

/** Bytes (a digest) as lowercase hex. */
export function hexOf(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}
