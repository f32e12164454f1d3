/** rss-parser's helpers module (no types of its own): parse.ts calls its `getContent`. */
declare module "rss-parser/lib/utils.js" {
  const utils: Record<string, unknown>;
  export default utils;
}
