/**
 * @module A linear scanner of the HTTP `Link` header (RFC 8288): `<uri>; param=value; param="quoted", …`.
 * One pass over the characters, no regular expression (the header is fetched text), the input cut
 * at `MAX_LINK_HEADER_CHARS` first.
 */
import { MAX_LINK_HEADER_CHARS } from "./limits.ts";

export interface LinkValue {
  uri: string;
  /** The `rel` tokens, lowercased. */
  rels: string[];
}

const isSpace = (char: string | undefined) => char === " " || char === "\t";

/**
 * Every link of a `Link` header value (several headers arrive joined by ", ").
 *
 * @example
 * parseLinkHeader('<a>; rel="other", </wm>; rel=webmention') // → [{ uri: "a", rels: ["other"] }, { uri: "/wm", rels: ["webmention"] }]
 */
export function parseLinkHeader(header: string | null): LinkValue[] {
  if (!header) return [];
  const text = header.slice(0, MAX_LINK_HEADER_CHARS);
  const links: LinkValue[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    // Up to the next `<`: anything else between links (commas, spaces, junk) is skipped.
    while (i < n && text[i] !== "<") i++;
    if (i >= n) break;
    const close = text.indexOf(">", i + 1);
    if (close < 0) break;
    const uri = text.slice(i + 1, close).trim();
    i = close + 1;
    const rels: string[] = [];
    // Parameters until the comma that ends this link (a comma inside quotes does not).
    for (;;) {
      while (i < n && isSpace(text[i])) i++;
      if (text[i] !== ";") break;
      i++;
      while (i < n && isSpace(text[i])) i++;
      const nameStart = i;
      while (i < n && text[i] !== "=" && text[i] !== ";" && text[i] !== "," && !isSpace(text[i])) i++;
      const name = text.slice(nameStart, i).toLowerCase();
      while (i < n && isSpace(text[i])) i++;
      let value = "";
      if (text[i] === "=") {
        i++;
        while (i < n && isSpace(text[i])) i++;
        if (text[i] === '"') {
          i++;
          let out = "";
          while (i < n && text[i] !== '"') {
            if (text[i] === "\\" && i + 1 < n) i++;
            out += text[i];
            i++;
          }
          i++;
          value = out;
        } else {
          const start = i;
          while (i < n && text[i] !== ";" && text[i] !== "," && !isSpace(text[i])) i++;
          value = text.slice(start, i);
        }
      }
      if (name === "rel") rels.push(...value.toLowerCase().split(/[ \t]+/).filter(Boolean));
    }
    links.push({ uri, rels });
  }
  return links;
}
