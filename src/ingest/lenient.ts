/**
 * @module The lenient second pass: when rss-parser rejects a document (no `version` on `<rss>`, an
 * undeclared namespace prefix, a DTD entity, an invalid date in one Atom entry, a truncated
 * file…), read it again with htmlparser2's forgiving XML mode and pick the usual elements by
 * local name. Returns undefined when the document is not a feed at all.
 */
import { DomUtils, ElementType, parseDocument } from "htmlparser2";
import type { AnyNode, Element, Text } from "domhandler";
import type { ParsedFeed, RawItem } from "./feed.ts";
import { MAX_LENIENT_FIELD_CHARS } from "./limits.ts";
import { cutChars } from "./sanitise.ts";

const FEED_ROOTS = new Set(["rss", "rdf", "feed", "channel"]);

/** `content:encoded` → `encoded`, `RSS` → `rss`. */
function localName(element: Element): string {
  const name = element.name.toLowerCase();
  return name.slice(name.indexOf(":") + 1);
}

function children(element: Element): Element[] {
  return element.children.filter((child): child is Element => ElementType.isTag(child));
}

function childrenNamed(element: Element, ...names: string[]): Element[] {
  return children(element).filter((child) => names.includes(localName(child)) || names.includes(child.name.toLowerCase()));
}

/**
 * The text of an element's subtree, collected in document order until `MAX_LENIENT_FIELD_CHARS`:
 * an element that holds most of the document (items nested in a description) costs that much,
 * not a copy of the document per element.
 */
function text(element: Element | undefined): string | undefined {
  if (!element) return undefined;
  const parts: string[] = [];
  let length = 0;
  const pending: AnyNode[] = [element];
  while (pending.length > 0 && length < MAX_LENIENT_FIELD_CHARS) {
    const node = pending.pop()!;
    if (node.type === ElementType.Text) {
      const { data } = node as Text;
      parts.push(data);
      length += data.length;
    } else if ("children" in node) {
      for (let index = node.children.length - 1; index >= 0; index--) pending.push(node.children[index]!);
    }
  }
  const value = cutChars(parts.join(""), MAX_LENIENT_FIELD_CHARS).trim();
  return value === "" ? undefined : value;
}

function firstText(element: Element, ...names: string[]): string | undefined {
  for (const name of names) {
    for (const child of childrenNamed(element, name)) {
      const value = text(child);
      if (value !== undefined) return value;
    }
  }
  return undefined;
}

/** Atom content: `type="xhtml"` holds markup (a div), anything else holds (escaped) text. */
function contentOf(element: Element | undefined): string | undefined {
  if (!element) return undefined;
  if ((element.attribs.type ?? "").toLowerCase() === "xhtml") {
    // Cut here only to bound what is held; the sanitiser closes what the cut leaves open.
    const inner = cutChars(DomUtils.getInnerHTML(element, { xmlMode: true }), MAX_LENIENT_FIELD_CHARS).trim();
    return inner === "" ? undefined : inner;
  }
  return text(element);
}

function linkOf(item: Element): string | undefined {
  const links = childrenNamed(item, "link");
  const alternate = links.find((link) => link.attribs.href && (link.attribs.rel ?? "alternate") === "alternate");
  return alternate?.attribs.href ?? links.map((link) => text(link)).find((value) => value !== undefined) ?? links[0]?.attribs.href;
}

function authorOf(item: Element): { author?: string; authorUrl?: string } {
  const creator = firstText(item, "dc:creator", "creator");
  if (creator) return { author: creator };
  const author = childrenNamed(item, "author")[0];
  if (!author) return {};
  const name = firstText(author, "name");
  return name ? { author: name, authorUrl: firstText(author, "uri", "url") } : { author: text(author) };
}

function itemOf(item: Element): RawItem {
  const enclosure = childrenNamed(item, "enclosure")[0] ?? childrenNamed(item, "link").find((link) => link.attribs.rel === "enclosure");
  const enclosureUrl = enclosure?.attribs.url ?? enclosure?.attribs.href;
  const length = Number(enclosure?.attribs.length);
  const content = childrenNamed(item, "content:encoded", "encoded")[0] ?? childrenNamed(item, "content")[0];
  const summary = childrenNamed(item, "description", "summary")[0];
  const html = contentOf(content) ?? contentOf(summary);
  const image = childrenNamed(item, "media:thumbnail", "itunes:image")[0];
  return {
    id: firstText(item, "guid", "id") ?? item.attribs["rdf:about"],
    link: linkOf(item),
    title: firstText(item, "title"),
    html,
    summaryHtml: content ? contentOf(summary) : undefined,
    published: firstText(item, "pubdate", "published", "issued", "dc:date", "date", "created"),
    updated: firstText(item, "updated", "modified", "dcterms:modified"),
    ...authorOf(item),
    image: image?.attribs.url ?? image?.attribs.href,
    enclosure: enclosureUrl ? { url: enclosureUrl, type: enclosure?.attribs.type, length: length > 0 ? length : undefined } : undefined,
    lang: firstText(item, "dc:language", "language") ?? item.attribs["xml:lang"],
    tags: childrenNamed(item, "category", "dc:subject", "subject")
      .map((category) => text(category) ?? category.attribs.term ?? category.attribs.label)
      .filter((tag): tag is string => tag !== undefined && tag.trim() !== ""),
  };
}

const TRAILING_SPACE = /\s/;

/**
 * True when the text ends inside the feed: its root element was never closed. Read from the end
 * with lastIndexOf (past whitespace and whole comments), then one pattern on the last end tag:
 * not `(?:<!--[\s\S]*?-->\s*)*$`, which is exponential in the number of trailing comments.
 */
function truncated(xml: string): boolean {
  let end = xml.length;
  for (;;) {
    while (end > 0 && TRAILING_SPACE.test(xml[end - 1]!)) end--;
    if (!xml.startsWith("-->", end - 3)) break;
    // `<!--` at least 4 characters before `-->`: `<!-->` is not a comment.
    const open = end >= 7 ? xml.lastIndexOf("<!--", end - 7) : -1;
    if (open === -1) return true;
    end = open;
  }
  const tag = xml.lastIndexOf("</", end);
  return tag === -1 || !/^<\/(?:[\w-]+:)?(?:rss|rdf|feed|channel)\s*>$/i.test(xml.slice(tag, end));
}

/**
 * Reads what can be read. A truncated document (its root never closed) is not read: it is most
 * likely a broken transfer, and failing keeps the last good items while the next fetch gets it
 * whole (its last item could be cut in the middle of a sentence or a URL).
 *
 * @example
 * parseLenient('<rss><channel><item><title>A</title></item></channel></rss>')?.items[0]?.title // "A"
 */
export function parseLenient(xml: string): ParsedFeed | undefined {
  if (truncated(xml)) return undefined;
  const document = parseDocument(xml, { xmlMode: true, decodeEntities: true, recognizeCDATA: true });
  const root = children(document as unknown as Element).find((element) => FEED_ROOTS.has(localName(element)));
  if (!root) return undefined;
  const format = localName(root) === "feed" ? "atom" : "rss";
  const channel = localName(root) === "channel" ? root : (childrenNamed(root, "channel")[0] ?? root);
  // Entries are children of the channel (RSS 2.0, Atom) or of the root (RSS 1.0), never deeper:
  // items nested in other items' descriptions are their text, not more items.
  const items = [...childrenNamed(channel, "item", "entry"), ...(channel === root ? [] : childrenNamed(root, "item", "entry"))];
  return {
    format,
    title: firstText(channel, "title"),
    link: linkOf(channel),
    base: root.attribs["xml:base"],
    lang: firstText(channel, "language", "dc:language") ?? root.attribs["xml:lang"],
    items: items.map(itemOf),
  };
}
