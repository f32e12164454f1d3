/**
 * @module The profile as a vCard 4.0 (RFC 6350): FN, N, NOTE, PHOTO, URL (home first, then the
 * identity accounts), EMAIL from a mailto: account, LANG. Lines end in CRLF and are folded at 75
 * octets without splitting a UTF-8 character.
 */
import type { Profile } from "../config/schema.ts";
import type { Source } from "../model.ts";

/** Escapes a TEXT value: backslash, comma, semicolon and newlines (RFC 6350 §3.4). */
export function escapeText(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/,/g, "\\,").replace(/;/g, "\\;").replace(/\r\n|\r|\n/g, "\\n");
}

/** A URI value carries no line breaks; commas and semicolons in it are left as they are. */
function uriValue(value: string): string {
  return value.replace(/[\r\n]/g, "");
}

const encoder = new TextEncoder();

/**
 * Folds a content line: at most 75 octets per physical line, continuation lines starting with
 * one space (which counts in their 75), never inside a multi-octet UTF-8 sequence.
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = "";
  let octets = 0;
  for (const char of line) {
    const size = encoder.encode(char).length;
    const limit = parts.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      parts.push(current);
      current = "";
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join("\r\n ");
}

/** N from the display name: the last word as family name, the rest as given names. */
function structuredName(name: string): string {
  const words = name.trim().split(/\s+/);
  const family = words.length > 1 ? words.pop()! : "";
  return [family, words.join(" "), "", "", ""].map(escapeText).join(";");
}

/**
 * @example
 * renderVcard(profile, sources); // "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Camille Exemple\r\n…END:VCARD\r\n"
 */
export function renderVcard(profile: Profile, sources: readonly Source[]): string {
  const lines = ["BEGIN:VCARD", "VERSION:4.0", "KIND:individual", `FN:${escapeText(profile.name)}`, `N:${structuredName(profile.name)}`];
  if (profile.note) lines.push(`NOTE:${escapeText(profile.note)}`);
  if (profile.photo) lines.push(`PHOTO:${uriValue(profile.photo)}`);
  lines.push(`URL;PREF=1:${uriValue(profile.url)}`);
  for (const source of sources) {
    if (source.url.startsWith("mailto:")) {
      const address = decodeURIComponent(new URL(source.url).pathname);
      lines.push(`EMAIL:${escapeText(address)}`);
    } else if (source.identity) {
      lines.push(`URL:${uriValue(source.url)}`);
    }
  }
  lines.push(`LANG:${escapeText(profile.lang)}`);
  lines.push(`SOURCE:${uriValue(new URL("/card.vcf", profile.url).href)}`);
  lines.push("END:VCARD");
  return lines.map(foldLine).join("\r\n") + "\r\n";
}
