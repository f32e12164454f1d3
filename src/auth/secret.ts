/**
 * @module The few primitives every secret goes through: a constant-time comparison, random
 * tokens (base64url) and SHA-256 as hex or base64url. Nothing here logs or keeps what it is given.
 */

import { hexOf } from "../hash.ts";

const encoder = new TextEncoder();

/** Constant-time comparison of two strings (their SHA-256, so lengths leak nothing either). */
export async function sameSecret(a: string, b: string): Promise<boolean> {
  const [left, right] = await Promise.all([crypto.subtle.digest("SHA-256", encoder.encode(a)), crypto.subtle.digest("SHA-256", encoder.encode(b))]);
  return crypto.subtle.timingSafeEqual(left, right);
}

/** Bytes as base64url without padding (RFC 4648 §5), as PKCE and tokens use it. */
export function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** A new random secret of `bytes` random bytes (32: 256 bits), base64url. */
export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** SHA-256 of a string, as raw bytes. */
export async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/** SHA-256 of a string as lowercase hex: how tokens and codes are kept (a copy of the table grants nothing). */
export async function sha256Hex(text: string): Promise<string> {
  return hexOf(await sha256(text));
}
