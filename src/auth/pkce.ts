/**
 * @module PKCE with S256 (RFC 7636), required for every code (IndieAuth §5.2): the challenge is
 * the base64url SHA-256 of the verifier, which is 43 to 128 unreserved characters.
 */
import { base64url, sha256 } from "./secret.ts";

/** RFC 7636 §4.1: a verifier's length bounds. */
export const MIN_VERIFIER_CHARS = 43;
export const MAX_VERIFIER_CHARS = 128;
/** base64url of 32 bytes, unpadded. */
export const CHALLENGE_CHARS = 43;

const UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const onlyOf = (input: string, alphabet: string): boolean => [...input].every((ch) => alphabet.includes(ch));

export function isCodeChallenge(input: string | undefined): input is string {
  return input !== undefined && input.length === CHALLENGE_CHARS && onlyOf(input, BASE64URL);
}

export function isCodeVerifier(input: string | undefined): input is string {
  return input !== undefined && input.length >= MIN_VERIFIER_CHARS && input.length <= MAX_VERIFIER_CHARS && onlyOf(input, UNRESERVED);
}

/** The S256 challenge of a verifier. */
export async function challengeOf(verifier: string): Promise<string> {
  return base64url(await sha256(verifier));
}
