/**
 * @module `npm run schema`: writes profile.schema.json from the valibot schema, so editors offer
 * autocomplete and inline errors for profile.json. A test fails when the file is out of date.
 */
import { writeFileSync } from "node:fs";
import { profileJsonSchema } from "../src/config/json-schema.ts";

writeFileSync("profile.schema.json", JSON.stringify(profileJsonSchema(), null, 2) + "\n");
console.log("wrote profile.schema.json");
