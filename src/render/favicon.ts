/**
 * @module The favicon: a monogram of the profile's initials on its accent colour, as SVG (served
 * by the Worker at a fingerprinted path, so the page makes no third-party request for it).
 */
import { stableHash } from "../hash.ts";
import { accentPalette } from "./accent.ts";

/** "Camille Exemple" → "CE"; "camille" → "C"; at most two letters. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter((word) => /\p{L}|\p{N}/u.test(word));
  const letters = words.length > 1 ? [words[0]!, words[words.length - 1]!] : words.slice(0, 1);
  return letters.map((word) => [...word.replace(/^[^\p{L}\p{N}]+/u, "")][0] ?? "").join("").toUpperCase();
}

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface Favicon {
  path: string;
  svg: string;
}

const made = new Map<string, Favicon>();

/** The monogram favicon for a profile (built once per name and accent). */
export function faviconFor(profile: { name: string; accent?: string | undefined }): Favicon {
  const key = `${profile.name}\n${profile.accent ?? ""}`;
  const cached = made.get(key);
  if (cached) return cached;
  const palette = accentPalette(profile.accent);
  const letters = initials(profile.name);
  const size = letters.length > 1 ? 27 : 34;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">` +
    `<rect width="64" height="64" rx="16" fill="${palette.light}"/>` +
    `<text x="32" y="32" dy=".35em" text-anchor="middle" font-family="system-ui,-apple-system,Segoe UI,Roboto,sans-serif" font-size="${size}" font-weight="700" fill="${palette.ink}">${escapeXml(letters)}</text>` +
    `</svg>`;
  const favicon = { path: `/favicon.${stableHash(svg)}.svg`, svg };
  made.set(key, favicon);
  return favicon;
}
