/**
 * @module Loading profile.json: validation with every problem listed by path.
 *
 * @example
 * const result = validateProfile(JSON.parse(text));
 * if (!result.ok) console.error(result.problems.join("\n")); // accounts[2].url: expected an https URL, got "mastodon.social/@x"
 */
import * as v from "valibot";
import { ProfileSchema, type Profile } from "./schema.ts";

export { ProfileSchema };
export type { Account, Profile, ProfileInput, Settings } from "./schema.ts";

export type ProfileResult = { ok: true; profile: Profile } | { ok: false; problems: string[] };

/** `accounts[2].url` from valibot's path items; the root itself is "profile". */
export function issuePath(issue: v.BaseIssue<unknown>): string {
  let path = "";
  for (const item of issue.path ?? []) {
    const key = item.key;
    if (typeof key === "number") path += `[${key}]`;
    else path += path === "" ? String(key) : `.${String(key)}`;
  }
  return path === "" ? "profile" : path;
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  // Valibot reports an unknown key of a strict object as "Invalid key: Expected never but received …".
  if (issue.kind === "schema" && issue.expected === "never") {
    return `${issuePath(issue)}: unknown field (check its spelling; profile.schema.json lists the fields)`;
  }
  if (issue.kind === "schema" && issue.received === "undefined") {
    return `${issuePath(issue)}: required field is missing`;
  }
  const message = /^Invalid (type|key)/.test(issue.message)
    ? `expected ${issue.expected ?? "another value"}, got ${issue.received}`
    : issue.message;
  return `${issuePath(issue)}: ${message}`;
}

/** Validates parsed profile.json, listing every problem (not only the first). */
export function validateProfile(input: unknown): ProfileResult {
  const result = v.safeParse(ProfileSchema, input, { abortEarly: false });
  if (result.success) return { ok: true, profile: result.output };
  return { ok: false, problems: result.issues.map(describeIssue) };
}

/** Validates profile.json's text: a JSON syntax error is one problem with its position. */
export function validateProfileText(text: string): ProfileResult {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`profile.json is not valid JSON: ${(error as Error).message}`] };
  }
  return validateProfile(input);
}
