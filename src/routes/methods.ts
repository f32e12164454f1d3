/**
 * @module 405 in one place: which methods the app's routes accept at a path. The app's notFound
 * handler asks it, so a POST to a GET route answers 405 with `Allow` instead of 404.
 */

/** A parameter's own pattern (`:file{m2\.[a-z0-9]+\.css}` → that regex), else one path segment. */
function paramPattern(part: string): string {
  if (part === "*") return ".*";
  const custom = /\{(.*)\}\??$/.exec(part)?.[1];
  return custom ? `(?:${custom})` : "[^/]+";
}

/** Route patterns as Hono records them (`/feeds/:id`, `/admin/*`) → an anchored RegExp. */
function patternOf(path: string): RegExp {
  const source = path
    .split(/(:[A-Za-z0-9_]+(?:\{[^}]*\})?\??|\*)/)
    .map((part, index) => (index % 2 === 1 ? paramPattern(part) : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}/?$`);
}

/**
 * The methods some route accepts at `path` (HEAD whenever GET), in a stable order; empty when the
 * path is unknown. Middleware (`app.use`, method ALL) does not count as a route.
 *
 * @example
 * allowedMethods(app.routes, "/feed.xml") // ["GET", "HEAD"]
 */
export function allowedMethods(routes: readonly { method: string; path: string }[], path: string): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method === "ALL") continue;
    if (patternOf(route.path).test(path)) methods.add(route.method);
  }
  if (methods.has("GET")) methods.add("HEAD");
  const order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];
  return [...methods].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}
