/** rss-parser's helpers module (no types of its own): parse.ts replaces its quadratic snippet maker. */
declare module "rss-parser/lib/utils.js" {
  const utils: Record<string, unknown>;
  export default utils;
}
