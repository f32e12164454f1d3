// The build step of community mode (wrangler.toml [build], and before tsc and the tests): a Worker
// has no filesystem, so community.json, when it exists at the root, becomes the module
// src/community/community.generated.ts; without it that module says null (one home, profile.json).
// Written only when its text changes, so wrangler dev's watcher does not loop on it.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const source = `${root}community.json`;
const target = `${root}src/community/community.generated.ts`;

let value = "null";
if (existsSync(source)) {
  const text = readFileSync(source, "utf8");
  try {
    value = JSON.stringify(JSON.parse(text), null, 2);
  } catch (error) {
    console.error(`community.json is not valid JSON: ${error.message}`);
    process.exit(1);
  }
}
const module = `// Generated from community.json by scripts/community-module.mjs: do not edit, do not commit.\nexport default ${value} as unknown;\n`;
if (!existsSync(target) || readFileSync(target, "utf8") !== module) writeFileSync(target, module);
