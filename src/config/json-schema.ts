/** @module The JSON Schema of profile.json, generated from the valibot schema (one source of truth). */
import { toJsonSchema } from "@valibot/to-json-schema";
import { ProfileSchema } from "./schema.ts";

export function profileJsonSchema(): Record<string, unknown> {
  const schema = toJsonSchema(ProfileSchema, {
    errorMode: "ignore", // checks (https only, duplicates) have no JSON Schema form; npm run check enforces them
    typeMode: "input",
  });
  return { ...schema, title: "m2 profile", description: "profile.json: who you are and the accounts your home links to." };
}
