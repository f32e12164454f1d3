/**
 * The layers point one way: the import graph of src/ has no cycle, and no folder imports one it
 * must not (render never reads routes, the store never knows identity or ingest, …). The graph is
 * read from the sources themselves: workerd has no filesystem, so Vite hands them over as text.
 */
import { describe, expect, it } from "vitest";

declare global {
  interface ImportMeta {
    glob<T>(pattern: string, options: { query: string; import: string; eager: true }): Record<string, T>;
  }
}

const SOURCES = import.meta.glob<string>("/src/**/*.{ts,tsx}", { query: "?raw", import: "default", eager: true });

/**
 * The module specifiers of static `import` / `export … from` declarations, read line by line: a
 * declaration starts a line and ends at the line that names its module (`from "x"` or `import "x"`).
 */
function importsOf(text: string): string[] {
  const specifiers: string[] = [];
  let open = false;
  for (const line of text.split("\n")) {
    if (!open && !line.startsWith("import ") && !line.startsWith("export {") && !line.startsWith("export type {") && !line.startsWith("export *")) continue;
    const name = moduleNameIn(line);
    if (name !== undefined) specifiers.push(name);
    open = name === undefined && !line.trimEnd().endsWith(";");
  }
  return specifiers;
}

/** The quoted string after the line's last ` from `, or after a side-effect `import `. */
function moduleNameIn(line: string): string | undefined {
  const from = line.lastIndexOf(" from ");
  const start = from >= 0 ? from + " from ".length : line.startsWith("import ") ? "import ".length : -1;
  const quote = line[start];
  if (start < 0 || (quote !== '"' && quote !== "'")) return undefined;
  const end = line.indexOf(quote, start + 1);
  return end > start ? line.slice(start + 1, end) : undefined;
}

/** `/src/a/b.ts` + `../c.ts` → `/src/c.ts`; undefined for packages and files outside src/. */
function resolve(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const parts = from.split("/").slice(0, -1);
  for (const part of specifier.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== ".") parts.push(part);
  }
  const path = parts.join("/");
  return path in SOURCES ? path : undefined;
}

const GRAPH = new Map(Object.entries(SOURCES).map(([path, text]) => [path, importsOf(text).flatMap((specifier) => resolve(path, specifier) ?? [])]));

/** The layer of a module: its folder under src/, or its own name for the files at the root. */
function layerOf(path: string): string {
  const [, , first, second] = path.split("/");
  return second === undefined ? first!.replace(/\.tsx?$/, "") : first!;
}

/** Every cycle, each as the path of modules that closes it (found by a depth-first walk). */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return found;
}

/**
 * Layer → layers it must never import. What each rule keeps true: pages and feeds are drawn from
 * data handed to them (render reads neither KV nor HTTP nor the network); the store only knows its
 * keys; ingest never renders nor answers HTTP; the status report is built for both /status.json
 * and /status without knowing either; the site (built once per isolate) may draw its fixed assets
 * (stylesheet, favicon) but answers no request; the cron's chain (cron.ts) joins verification and the refresh
 * without drawing or answering anything; the owner's posts (posts/: their store, Markdown, their
 * items) and auth/ (what a token grants, the IndieAuth flow's rules) answer no request and draw no
 * page: routes use them; the conversations (conversations/: Webmention in and out, WebSub) fetch
 * and parse but neither draw nor answer, and know nothing of the site or the cron; only app.tsx
 * mounts routes.
 */
const FORBIDDEN: Record<string, string[]> = {
  model: ["*"],
  hash: ["*"],
  i18n: ["*"],
  store: ["*", "-model", "-hash"],
  config: ["routes", "render", "ingest", "store", "identity", "sources", "status", "site", "app"],
  sources: ["routes", "render", "ingest", "identity", "status", "site", "app"],
  ingest: ["routes", "render", "identity", "status", "site", "app"],
  identity: ["routes", "render", "status", "app"],
  status: ["routes", "render", "app"],
  render: ["routes", "ingest", "store", "site", "app", "posts"],
  posts: ["routes", "render", "status", "site", "app", "cron", "identity"],
  auth: ["routes", "render", "app", "site"],
  site: ["routes", "app"],
  cron: ["routes", "render", "app"],
  conversations: ["routes", "render", "app", "site", "status", "identity", "cron", "auth"],
  routes: ["app"],
};

function forbids(from: string, to: string): boolean {
  if (from === to) return false;
  const rules = FORBIDDEN[from] ?? [];
  if (rules.includes("*")) return !rules.includes(`-${to}`);
  return rules.includes(to);
}

describe("the import graph of src/", () => {
  it("is read from every module, multi-line imports included", () => {
    expect(GRAPH.size).toBeGreaterThan(40);
    expect(importsOf('import {\n  a,\n  b,\n} from "./x.ts";\nimport type { C } from "../c.ts";\nexport { d } from "./d.ts";\nconst s = "import { e } from \'./e.ts\'";')).toEqual(["./x.ts", "../c.ts", "./d.ts"]);
    expect(GRAPH.get("/src/app.tsx")).toContain("/src/routes/status.ts");
    // refresh.ts opens with a multi-line import of the store.
    expect(GRAPH.get("/src/ingest/refresh.ts")).toContain("/src/store/index.ts");
  });

  it("has no cycle", () => {
    expect(cycles(GRAPH).map((cycle) => cycle.join(" → "))).toEqual([]);
  });

  it("keeps each layer away from the layers it must not know", () => {
    const broken = [...GRAPH].flatMap(([path, targets]) => targets.filter((target) => forbids(layerOf(path), layerOf(target))).map((target) => `${path} → ${target}`));
    expect(broken).toEqual([]);
  });

  it("finds a cycle and a forbidden import when there is one", () => {
    expect(cycles(new Map([["/src/a.ts", ["/src/b.ts"]], ["/src/b.ts", ["/src/a.ts"]]]))).toEqual([["/src/a.ts", "/src/b.ts", "/src/a.ts"]]);
    expect(forbids("render", "routes")).toBe(true);
    expect(forbids("store", "identity")).toBe(true);
    expect(forbids("store", "model")).toBe(false);
    expect(forbids("routes", "render")).toBe(false);
    expect(forbids("auth", "routes")).toBe(true);
    expect(forbids("routes", "auth")).toBe(false);
    expect(forbids("conversations", "render")).toBe(true);
    expect(forbids("routes", "conversations")).toBe(false);
  });
});
