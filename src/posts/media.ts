/**
 * @module Photos the owner uploads: their type read from their bytes (never from what the client
 * says), their metadata removed before anything is stored (EXIF, where cameras and phones write
 * the GPS position; XMP; IPTC), and stored content-addressed (SHA-256 of the cleaned bytes) in KV,
 * or in an R2 bucket when the `MEDIA` binding is configured. Every loop walks the file's own
 * structure once, bounded by its length: no regular expression reads uploaded bytes.
 */
import { hexOf } from "../hash.ts";


/** The largest upload: a phone photo at full size fits. KV values may be 25 MiB. */
export const MAX_MEDIA_BYTES = 10 * 1024 * 1024;

export type MediaType = "image/jpeg" | "image/png" | "image/gif" | "image/webp";

export const EXTENSIONS: Record<MediaType, string> = { "image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp" };

/** The image type of some bytes, by their signature; undefined for anything else. */
export function sniff(bytes: Uint8Array): MediaType | undefined {
  const starts = (...signature: number[]) => signature.every((byte, index) => bytes[index] === byte);
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (starts(0x47, 0x49, 0x46, 0x38)) return "image/gif";
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return "image/webp";
  return undefined;
}

/** Thrown for a file that says it is an image but whose structure is broken. */
export class BrokenImage extends Error {
  override name = "BrokenImage";
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/** JPEG without its APP1 (EXIF, XMP), APP13 (IPTC) and comment segments; the image data untouched. */
function cleanJpeg(bytes: Uint8Array): Uint8Array {
  const kept: Uint8Array[] = [bytes.subarray(0, 2)];
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) throw new BrokenImage("a JPEG segment does not start with 0xFF");
    const marker = bytes[offset + 1]!;
    // Start of scan: the compressed image runs to the end, kept as it is.
    if (marker === 0xda) {
      kept.push(bytes.subarray(offset));
      return concat(kept);
    }
    const length = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
    if (length < 2 || offset + 2 + length > bytes.length) throw new BrokenImage("a JPEG segment runs past the end of the file");
    const dropped = marker === 0xe1 || marker === 0xed || marker === 0xfe;
    if (!dropped) kept.push(bytes.subarray(offset, offset + 2 + length));
    offset += 2 + length;
  }
  throw new BrokenImage("the JPEG has no image data");
}

/** PNG without its eXIf chunk and its text chunks (tEXt, zTXt, iTXt: XMP lives there). */
function cleanPng(bytes: Uint8Array): Uint8Array {
  const kept: Uint8Array[] = [bytes.subarray(0, 8)];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  while (offset + 12 <= bytes.length) {
    const length = view.getUint32(offset);
    const end = offset + 12 + length;
    if (end > bytes.length) throw new BrokenImage("a PNG chunk runs past the end of the file");
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (type !== "eXIf" && type !== "tEXt" && type !== "zTXt" && type !== "iTXt") kept.push(bytes.subarray(offset, end));
    offset = end;
    if (type === "IEND") return concat(kept);
  }
  throw new BrokenImage("the PNG has no IEND chunk");
}

/** WebP without its EXIF and XMP chunks (and their flags in VP8X cleared). */
function cleanWebp(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kept: Uint8Array[] = [];
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const type = String.fromCharCode(...bytes.subarray(offset, offset + 4));
    const size = view.getUint32(offset + 4, true);
    const end = offset + 8 + size + (size % 2);
    if (offset + 8 + size > bytes.length) throw new BrokenImage("a WebP chunk runs past the end of the file");
    if (type === "VP8X") {
      const chunk = bytes.slice(offset, Math.min(end, bytes.length));
      // Flags byte: bit 3 EXIF, bit 2 XMP.
      chunk[8] = chunk[8]! & ~0b0000_1100;
      kept.push(chunk);
    } else if (type !== "EXIF" && type !== "XMP ") {
      kept.push(bytes.subarray(offset, Math.min(end, bytes.length)));
    }
    offset = end;
  }
  const body = concat(kept);
  const header = new Uint8Array(12);
  header.set(bytes.subarray(0, 12));
  new DataView(header.buffer).setUint32(4, body.byteLength + 4, true);
  return concat([header, body]);
}

/** The image with its location and other metadata removed (GIF carries none of EXIF's). */
export function withoutMetadata(bytes: Uint8Array, type: MediaType): Uint8Array {
  switch (type) {
    case "image/jpeg":
      return cleanJpeg(bytes);
    case "image/png":
      return cleanPng(bytes);
    case "image/webp":
      return cleanWebp(bytes);
    case "image/gif":
      return bytes;
  }
}

/** Where uploads are kept: KV by default, R2 when the Worker has a `MEDIA` bucket. */
export interface MediaStore {
  put(name: string, bytes: Uint8Array, type: MediaType): Promise<void>;
  get(name: string): Promise<{ body: ReadableStream | ArrayBuffer; type: string } | null>;
}

const mediaKey = (name: string) => `media:${name}`;

export function kvMedia(kv: KVNamespace): MediaStore {
  return {
    async put(name, bytes, type) {
      await kv.put(mediaKey(name), bytes, { metadata: { type } });
    },
    async get(name) {
      const { value, metadata } = await kv.getWithMetadata<{ type: string }>(mediaKey(name), "arrayBuffer");
      return value && metadata ? { body: value, type: metadata.type } : null;
    },
  };
}

export function r2Media(bucket: R2Bucket): MediaStore {
  return {
    async put(name, bytes, type) {
      await bucket.put(name, bytes, { httpMetadata: { contentType: type } });
    },
    async get(name) {
      const object = await bucket.get(name);
      return object ? { body: object.body, type: object.httpMetadata?.contentType ?? "application/octet-stream" } : null;
    },
  };
}

/** The store of this Worker: R2 when bound as `MEDIA`, else KV. */
export function mediaStoreOf(env: Env): MediaStore {
  const bucket = (env as Env & { MEDIA?: R2Bucket }).MEDIA;
  return bucket ? r2Media(bucket) : kvMedia(env.M2_KV);
}

/** Cleans and stores an upload; its name is the SHA-256 of the cleaned bytes and its extension. */
export async function storeMedia(store: MediaStore, bytes: Uint8Array): Promise<{ name: string; type: MediaType } | { refused: string }> {
  if (bytes.byteLength > MAX_MEDIA_BYTES) return { refused: `the file is over ${MAX_MEDIA_BYTES} bytes` };
  const type = sniff(bytes);
  if (!type) return { refused: "only JPEG, PNG, GIF and WebP images are accepted" };
  let clean: Uint8Array;
  try {
    clean = withoutMetadata(bytes, type);
  } catch (error) {
    if (error instanceof BrokenImage) return { refused: `the image is damaged: ${error.message}` };
    throw error;
  }
  const name = `${hexOf(new Uint8Array(await crypto.subtle.digest("SHA-256", clean)))}.${EXTENSIONS[type]}`;
  await store.put(name, clean, type);
  return { name, type };
}
