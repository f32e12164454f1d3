/**
 * @module Bytes → text for feeds: BOM, then the Content-Type charset, then the XML declaration,
 * then UTF-8; and the repairs rss-parser needs (a bare `&` in text) before parsing.
 */

const BOMS: [number[], string][] = [
  [[0xef, 0xbb, 0xbf], "utf-8"],
  [[0xfe, 0xff], "utf-16be"],
  [[0xff, 0xfe], "utf-16le"],
];

function labelIsKnown(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

/** The charset a Content-Type header names, if any (`text/xml; charset="ISO-8859-1"` → iso-8859-1). */
export function charsetOf(contentType: string | null | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? "");
  return match?.[1]?.toLowerCase();
}

/** Decodes a feed body; invalid sequences become U+FFFD rather than failing the whole feed. */
export function decodeFeed(bytes: Uint8Array, contentType?: string | null): string {
  for (const [bom, label] of BOMS) {
    if (bom.every((byte, index) => bytes[index] === byte)) {
      return new TextDecoder(label).decode(bytes.subarray(bom.length));
    }
  }
  let label = charsetOf(contentType);
  if (!label || !labelIsKnown(label)) {
    // The declaration is ASCII in every encoding a feed uses, so peek at it as latin1.
    const head = new TextDecoder("latin1").decode(bytes.subarray(0, 200));
    const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1];
    label = declared && labelIsKnown(declared) ? declared : "utf-8";
  }
  return new TextDecoder(label).decode(bytes);
}

/**
 * Makes common breakage parseable: a bare `&` that starts no entity becomes `&amp;`, and
 * anything before the first `<` (whitespace, stray BOMs) is dropped. Other entities
 * (`&rsquo;`…) are left to the parser, which accepts them in non-strict mode.
 */
export function repairXml(text: string): string {
  const start = text.indexOf("<");
  const body = start > 0 ? text.slice(start) : text;
  // Most feeds have no bare `&` at all (inside CDATA or out): nothing to repair, no copy made.
  if (!BARE_AMPERSAND_ANYWHERE.test(body)) return body;
  // CDATA sections and comments are literal: only the text between them is repaired.
  const parts: string[] = [];
  let from = 0;
  for (const [start, end] of literalSections(body)) {
    parts.push(body.slice(from, start).replace(BARE_AMPERSAND, "&amp;"), body.slice(start, end));
    from = end;
  }
  parts.push(body.slice(from).replace(BARE_AMPERSAND, "&amp;"));
  return parts.join("");
}

/**
 * `[start, end)` of each CDATA section and comment, left to right, as `<!\[CDATA\[[\s\S]*?\]\]>` and
 * `<!--[\s\S]*?-->` would find them, with indexOf only: those patterns rescan the rest of the text
 * from every opening that is never closed (40 000 `<!--` took seconds). An opening is closed when
 * the last closer of the text lies after it; once one is not, none after it is.
 */
function* literalSections(text: string): Generator<[number, number]> {
  const kinds = [
    { open: "<![CDATA[", close: "]]>", next: text.indexOf("<![CDATA["), last: text.lastIndexOf("]]>") },
    { open: "<!--", close: "-->", next: text.indexOf("<!--"), last: text.lastIndexOf("-->") },
  ];
  for (;;) {
    for (const kind of kinds) if (kind.next !== -1 && kind.next + kind.open.length > kind.last) kind.next = -1;
    const open = kinds.filter((kind) => kind.next !== -1).sort((a, b) => a.next - b.next)[0];
    if (!open) return;
    const start = open.next;
    const end = text.indexOf(open.close, start + open.open.length) + open.close.length;
    yield [start, end];
    for (const kind of kinds) if (kind.next !== -1 && kind.next < end) kind.next = text.indexOf(kind.open, end);
  }
}

const BARE_AMPERSAND = /&(?!(?:[A-Za-z][A-Za-z0-9]{0,31}|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});)/g;
const BARE_AMPERSAND_ANYWHERE = new RegExp(BARE_AMPERSAND.source);
