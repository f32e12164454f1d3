/**
 * @module schema.org `Person` as JSON-LD, safe to embed in a `<script type="application/ld+json">`
 * data block: every `<`, `>` and `&` is a JSON escape, so no `</script>` or comment can close it.
 */
import type { Profile } from "../config/schema.ts";
import type { Source } from "../model.ts";

export function personJsonLd(profile: Profile, sources: readonly Source[]): Record<string, unknown> {
  const sameAs = sources.filter((source) => source.identity && /^https?:/.test(source.url)).map((source) => source.url);
  const mailto = sources.find((source) => source.url.startsWith("mailto:"))?.url;
  const email = mailto ? decodeURIComponent(new URL(mailto).pathname) : undefined;
  return {
    "@context": "https://schema.org",
    "@type": "Person",
    name: profile.name,
    url: profile.url,
    ...(profile.photo ? { image: profile.photo } : {}),
    ...(profile.note ? { description: profile.note } : {}),
    ...(email ? { email } : {}),
    ...(sameAs.length > 0 ? { sameAs } : {}),
  };
}

/** JSON text that cannot end or break out of an HTML script data block. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
