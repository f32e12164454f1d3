/**
 * @module `npm run check`: validates profile.json with the Worker's own schema and lists every
 * problem by path. Exits 1 when anything is wrong, so `npm run deploy` refuses a broken profile.
 */
import { readFileSync } from "node:fs";
import { validateProfileText } from "../src/config/index.ts";

const file = process.argv[2] ?? "profile.json";
const result = validateProfileText(readFileSync(file, "utf8"));
if (result.ok) {
  const { profile } = result;
  console.log(`${file} is valid: ${profile.name} <${profile.url}>, ${profile.accounts.length} accounts.`);
} else {
  console.error(`${file} has ${result.problems.length} problem${result.problems.length > 1 ? "s" : ""}:`);
  for (const problem of result.problems) console.error(`  - ${problem}`);
  process.exit(1);
}
