/**
 * @module A feed document cut into its entries without parsing them: where each `<item>` or
 * `<entry>` the feed parser would read starts and ends. A refresh hashes each entry's bytes,
 * recognises the ones it read on an earlier run, and hands the parser a copy of the document that
 * holds only the new ones: a feed with one new post costs one post's parse, not the whole feed's.
 *
 * The scan is exact for well-formed XML (outside CDATA, comments and processing instructions a
 * `<` always opens markup) and gives up — undefined, so the caller parses the whole document —
 * on anything it is not sure of: a DOCTYPE (its entities could reach into entries), a tag it
 * cannot read, unbalanced elements, a root that is not a feed.
 */

export interface FeedEntries {
  /** The document the ranges point into. */
  xml: string;
  /** `[start, end)` of each entry element, in document order. */
  ranges: [number, number][];
  /** The root element's opening tag (version, namespaces, xml:base, xml:lang). */
  root: string;
}

// Linear by construction: every repetition needs `=` and a whole quoted value, so there is one
// way to match and nothing to backtrack into.
const START_TAG = /<([A-Za-z_:][-\w.:]*)(?:\s+[^\s=/>"']+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*\s*(\/?)>/y;
const END_TAG = /<\/([A-Za-z_:][-\w.:]*)\s*>/y;
const NAME = /[A-Za-z_:][-\w.:]*/y;
const GT = 0x3e;

/**
 * The start tag at `open` as [name, end, self-closing], or undefined when it is not one. Most tags
 * of a feed have no attributes (`<title>`): those are read without the full pattern.
 */
function startTag(xml: string, open: number): [string, number, boolean] | undefined {
  NAME.lastIndex = open + 1;
  const name = NAME.exec(xml)?.[0];
  if (name === undefined) return undefined;
  const after = open + 1 + name.length;
  if (xml.charCodeAt(after) === GT) return [name, after + 1, false];
  if (xml.charCodeAt(after) === 0x2f /* / */ && xml.charCodeAt(after + 1) === GT) return [name, after + 2, true];
  START_TAG.lastIndex = open;
  const match = START_TAG.exec(xml);
  return match ? [name, START_TAG.lastIndex, match[2] === "/"] : undefined;
}

/** The end of the end tag of `name` at `open`, or -1 when there is none. */
function endTag(xml: string, open: number, name: string | undefined): number {
  if (name === undefined) return -1;
  const after = open + 2 + name.length;
  if (xml.startsWith(name, open + 2) && xml.charCodeAt(after) === GT) return after + 1;
  END_TAG.lastIndex = open;
  const match = END_TAG.exec(xml);
  return match?.[1] === name ? END_TAG.lastIndex : -1;
}

/** Which children of which element rss-parser reads as entries, by the root element's name. */
function entryRule(root: string): { name: string; depth: number } | undefined {
  if (root === "feed") return { name: "entry", depth: 1 }; // Atom: <feed><entry>
  if (root === "rdf:RDF") return { name: "item", depth: 1 }; // RSS 1.0: <rdf:RDF><item>
  if (root === "rss") return { name: "item", depth: 2 }; // RSS 0.9x/2.0: <rss><channel><item>, first channel only
  return undefined;
}

/**
 * The entries of a feed document, or undefined when the document is not one this scan can cut
 * with certainty.
 *
 * @example
 * findEntries('<rss version="2.0"><channel><title>t</title><item><title>a</title></item></channel></rss>')?.ranges
 * // → [[44, 73]]
 */
export function findEntries(xml: string): FeedEntries | undefined {
  const stack: string[] = [];
  const ranges: [number, number][] = [];
  let rule: { name: string; depth: number } | undefined;
  let root: string | undefined;
  let channels = 0;
  let entryStart = -1;
  let position = 0;
  for (;;) {
    const open = xml.indexOf("<", position);
    if (open === -1) break;
    const next = xml.charCodeAt(open + 1);
    if (next === 0x21 /* ! */) {
      if (xml.startsWith("<!--", open)) {
        const end = xml.indexOf("-->", open + 4);
        if (end === -1) return undefined;
        position = end + 3;
      } else if (xml.startsWith("<![CDATA[", open) && stack.length > 0) {
        const end = xml.indexOf("]]>", open + 9);
        if (end === -1) return undefined;
        position = end + 3;
      } else {
        return undefined; // <!DOCTYPE …>: entities declared there could be used in entries.
      }
      continue;
    }
    if (next === 0x3f /* ? */) {
      const end = xml.indexOf("?>", open + 2);
      if (end === -1) return undefined;
      position = end + 2;
      continue;
    }
    if (next === 0x2f /* / */) {
      position = endTag(xml, open, stack.pop());
      if (position === -1) return undefined;
      if (entryStart !== -1 && stack.length === rule!.depth) {
        ranges.push([entryStart, position]);
        entryStart = -1;
      }
      continue;
    }
    const tag = startTag(xml, open);
    if (!tag) return undefined;
    const [name, end, selfClosing] = tag;
    position = end;
    const depth = stack.length;
    if (depth === 0) {
      if (root !== undefined) return undefined; // a second root: not XML
      rule = entryRule(name);
      if (!rule || selfClosing) return undefined;
      root = xml.slice(open, end);
    } else if (depth === 1 && name === "channel") {
      channels++;
    }
    const isEntry =
      entryStart === -1 && depth === rule!.depth && name === rule!.name && (rule!.depth === 1 || (stack[1] === "channel" && channels === 1));
    if (selfClosing) {
      if (isEntry) ranges.push([open, position]);
    } else {
      if (isEntry) entryStart = open;
      stack.push(name);
    }
  }
  if (root === undefined || stack.length > 0) return undefined;
  return { xml, ranges, root };
}

/**
 * The document with only the entries at `keep` (indexes into `entries.ranges`, ascending): the
 * same channel or feed around them, every other entry cut out whole.
 */
export function withEntries(entries: FeedEntries, keep: readonly number[]): string {
  const { xml, ranges } = entries;
  const parts: string[] = [];
  let from = 0;
  let kept = 0;
  for (const [index, [start, end]] of ranges.entries()) {
    if (keep[kept] === index) {
      kept++;
      continue;
    }
    parts.push(xml.slice(from, start));
    from = end;
  }
  parts.push(xml.slice(from));
  return parts.join("");
}
