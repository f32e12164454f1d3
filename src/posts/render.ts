/**
 * @module A post turned into what the rest of m2 shows: its HTML (Markdown through markdown-it,
 * or the HTML a client sent, both through the same allowlist as every fetched feed) and the
 * timeline `Item` the page and the feeds render. Run by the store on every write, so visitors'
 * requests never render Markdown.
 */
import MarkdownIt from "markdown-it";
import { cutChars, htmlToText, neutralise, sanitise, truncate } from "../ingest/sanitise.ts";
import { MAX_SUMMARY_CHARS, MAX_TAG_CHARS, MAX_TAGS } from "../ingest/limits.ts";
import type { Item } from "../model.ts";
import { firstText, texts } from "./mf2.ts";
import { OWN_SOURCE_ID, type Mf2Properties, type Mf2Value, type StoredPost } from "./types.ts";

/** The generated title of an untitled post: its first words. */
const GENERATED_TITLE_CHARS = 80;

/** What rendering needs from the home: its URL (links made absolute) and its language. */
export interface PostContext {
  home: string;
  lang: string;
}

// Raw HTML in Markdown is escaped (a client that means HTML sends `{ "html": … }`), links are found in bare URLs.
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

/** The content as HTML: `{ html }` as sent, a string as Markdown; sanitised either way. */
export function contentHtml(properties: Mf2Properties, home: string): string {
  const value = properties.content?.[0];
  if (value === undefined) return "";
  if (typeof value === "string") return sanitise(markdown.render(value), home);
  if ("properties" in value) return "";
  return sanitise(value.html ?? markdown.render(value.value ?? ""), home);
}

/** A photo's URL and alt text, from a string or a `{ value, alt }`. */
export function photosOf(properties: Mf2Properties): { url: string; alt: string }[] {
  return (properties.photo ?? []).flatMap((value: Mf2Value) => {
    if (typeof value === "string") return [{ url: value, alt: "" }];
    if ("properties" in value || value.value === undefined) return [];
    return [{ url: value.value, alt: value.alt ?? "" }];
  });
}

/** An http(s) URL made absolute against the home, or undefined. */
export function absoluteHttp(value: string, home: string): string | undefined {
  try {
    const url = new URL(value, home);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The post as a timeline item: what the page, the merged feeds and `/feeds/~posts.xml` show. */
export function postItem(post: StoredPost, { home, lang }: PostContext): Item {
  const { properties } = post;
  const url = new URL(post.path, home).href;
  const html = contentHtml(properties, home);
  const photos = photosOf(properties).flatMap((photo) => {
    const src = absoluteHttp(photo.url, home);
    return src ? [{ src, alt: photo.alt }] : [];
  });
  const targets = ["in-reply-to", "like-of", "repost-of", "bookmark-of"].flatMap((name) => texts(properties, name).flatMap((value) => absoluteHttp(value, home) ?? []));
  const links = targets.map((target) => `<p><a href="${encodeURI(target)}">${neutralise(target)}</a></p>`).join("");
  const images = photos.map((photo) => `<p><img src="${encodeURI(photo.src)}" alt="${photo.alt.replace(/[&"<]/g, (char) => `&#${char.charCodeAt(0)};`)}"></p>`).join("");
  const content_html = sanitise(links + html + images, home);
  const text = htmlToText(html);
  const name = firstText(properties, "name")?.trim();
  const title = post.kind === "article" && name ? neutralise(cutChars(name, 200)) : truncate(neutralise(text || targets[0] || post.kind), GENERATED_TITLE_CHARS);
  const tags = texts(properties, "category")
    .map((tag) => neutralise(cutChars(tag.trim(), MAX_TAG_CHARS)))
    .filter(Boolean)
    .slice(0, MAX_TAGS);
  const postLang = firstText(properties, "lang") ?? lang;
  return {
    id: post.uid,
    source: OWN_SOURCE_ID,
    url,
    title,
    titleGenerated: !(post.kind === "article" && name),
    content_html,
    // Plain text that no reader can take for markup (a post may well say "<div>").
    summary: neutralise(truncate(text, MAX_SUMMARY_CHARS)),
    published: post.published,
    ...(post.updated ? { updated: post.updated } : {}),
    ...(photos[0] ? { image: photos[0].src } : {}),
    ...(postLang ? { lang: postLang } : {}),
    ...(tags.length > 0 ? { tags } : {}),
  };
}
