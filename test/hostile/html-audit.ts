/**
 * Test helper: audits served documents for anything that could run a script. HTML is parsed with
 * parse5 (the browsers' algorithm, so what it sees is what a browser would build), XML with sax in
 * strict mode (so a feed that is not well-formed fails too).
 */
import { parse, parseFragment } from "parse5";
import type { DefaultTreeAdapterMap } from "parse5";
import sax from "sax";

type Node = DefaultTreeAdapterMap["node"];
type Element = DefaultTreeAdapterMap["element"];

/** Attributes whose value a browser may load or navigate to. */
const URL_ATTRIBUTES = new Set([
  "href", "src", "action", "formaction", "data", "poster", "background", "cite", "longdesc", "usemap",
  "ping", "srcset", "dynsrc", "lowsrc", "codebase", "classid", "archive", "manifest", "icon", "xlink:href", "to", "values", "from", "by",
]);
/** Elements that must never come from a feed (the page's own <meta>/<link> are checked apart). */
const FORBIDDEN_ELEMENTS = new Set([
  "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button", "select", "textarea",
  "base", "svg", "math", "portal", "template", "noscript", "xml", "isindex", "keygen", "bgsound", "animate", "set", "handler",
]);

/** True for javascript:, vbscript:, data:text… and other script-running schemes, however obfuscated. */
export function isScriptUrl(value: string): boolean {
  // Browsers strip ASCII whitespace and control characters inside the scheme.
  const folded = value.replace(/[\u0000-\u0020\u007f-\u00a0]/g, "").toLowerCase();
  return /^(?:javascript|vbscript|livescript|mocha|data):/.test(folded) || /^(?:feed|jar|view-source):/.test(folded);
}

function walk(node: Node, visit: (element: Element) => void): void {
  if ("tagName" in node) visit(node);
  // A <template>'s children live in its content fragment, not in childNodes.
  const template = "content" in node ? (node.content as { childNodes: Node[] }).childNodes : [];
  const children = "childNodes" in node ? (node.childNodes as Node[]) : [];
  for (const child of [...children, ...template]) walk(child, visit);
}

/** Every problem in an HTML document or fragment, as readable strings (empty when clean). */
export function auditHtml(html: string, { document = false, allowedHeadTags = [] as string[] } = {}): string[] {
  const problems: string[] = [];
  const root = (document ? parse(html) : parseFragment(html)) as unknown as Node;
  walk(root, (element) => {
    const name = element.tagName.toLowerCase();
    const inHead = document && hasAncestor(element, "head");
    // The page's own JSON-LD (a data block browsers never run) is the one script allowed, in the head.
    const dataBlock = name === "script" && inHead && allowedHeadTags.includes("script") && element.attrs.some((a) => a.name === "type" && a.value === "application/ld+json");
    if (FORBIDDEN_ELEMENTS.has(name) && !dataBlock && !isOwnIcon(element)) problems.push(`<${name}> element`);
    if ((name === "meta" || name === "link") && !(inHead && allowedHeadTags.includes(name))) problems.push(`<${name}> outside the page's own head`);
    for (const attribute of element.attrs) {
      const attr = (attribute.prefix ? `${attribute.prefix}:${attribute.name}` : attribute.name).toLowerCase();
      if (attr.startsWith("on")) problems.push(`<${name} ${attr}> event handler`);
      if (attr === "style") problems.push(`<${name} style> attribute`);
      if (attr === "srcdoc") problems.push(`<${name} srcdoc> attribute`);
      if (URL_ATTRIBUTES.has(attr) || URL_ATTRIBUTES.has(attribute.name)) {
        const values = attr === "srcset" ? attribute.value.split(",").map((part) => part.trim().split(/\s+/)[0] ?? "") : [attribute.value];
        for (const value of values) if (isScriptUrl(value)) problems.push(`<${name} ${attr}="${value.slice(0, 60)}"> script URL`);
      }
    }
  });
  return problems;
}

/**
 * The page's own service icons (src/render/icons.tsx): an aria-hidden sprite `<svg class="icon-sprite">`
 * of `<symbol id><path d>` shapes, and aria-hidden `<svg class="icon …">` holding one same-page
 * `<use href="#…">`. Nothing in them can run; anything more is still flagged.
 */
function isOwnIcon(element: Element): boolean {
  const attr = (node: Element, name: string) => node.attrs.find((a) => a.name === name)?.value ?? "";
  const elements = (node: Element) => (node.childNodes as Node[]).filter((child) => "tagName" in child) as Element[];
  const onlyAttrs = (node: Element, names: string[]) => node.attrs.every((a) => names.includes(a.name.toLowerCase()));
  const isPath = (node: Element) => node.tagName === "path" && onlyAttrs(node, ["d"]) && node.childNodes.length === 0;
  if (element.tagName !== "svg" || attr(element, "aria-hidden") !== "true") return false;
  if (!onlyAttrs(element, ["class", "viewbox", "width", "height", "aria-hidden", "focusable"])) return false;
  if (attr(element, "class") === "icon-sprite") {
    return elements(element).every((symbol) => symbol.tagName === "symbol" && onlyAttrs(symbol, ["id", "viewbox"]) && elements(symbol).every(isPath));
  }
  if (!/^icon\b/.test(attr(element, "class"))) return false;
  return elements(element).every(
    (child) => isPath(child) || (child.tagName === "use" && onlyAttrs(child, ["href"]) && /^#[\w-]+$/.test(attr(child, "href")) && child.childNodes.length === 0),
  );
}

function hasAncestor(element: Element, tag: string): boolean {
  let node = element.parentNode as Element | null;
  while (node && "tagName" in node) {
    if (node.tagName === tag) return true;
    node = node.parentNode as Element | null;
  }
  return false;
}

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  text: string;
}

/** Parses XML strictly (throws on malformed XML) and returns every element with its own text. */
export function xmlElements(xml: string): XmlElement[] {
  const parser = sax.parser(true, { xmlns: false });
  const elements: XmlElement[] = [];
  const stack: XmlElement[] = [];
  parser.onerror = (error) => {
    throw error;
  };
  parser.onopentag = (tag) => {
    const element: XmlElement = { name: tag.name, attributes: tag.attributes as Record<string, string>, text: "" };
    elements.push(element);
    stack.push(element);
  };
  parser.onclosetag = () => void stack.pop();
  parser.ontext = (text) => {
    const top = stack[stack.length - 1];
    if (top) top.text += text;
  };
  parser.oncdata = parser.ontext;
  parser.write(xml).close();
  return elements;
}
