/**
 * @module community.json: the file that turns on community mode (many homes on one Worker). Plain
 * TypeScript with no Worker imports, so the build step (scripts/community-module.mjs) and
 * `npm run check` can validate it in Node. The handles a member may choose are checked here too.
 *
 * @example
 * const result = validateCommunity(JSON.parse(text));
 * if (!result.ok) console.error(result.problems.join("\n")); // domain: expected a host name such as "communaute.example", got "https://x"
 */
import * as v from "valibot";
import { issuePath } from "../config/index.ts";
import { LANGUAGES } from "../i18n/languages.ts";

const show = (input: unknown): string => JSON.stringify(input) ?? String(input);

/** A DNS name of two labels or more, lowercase: no scheme, port or path. */
function isHostName(input: string): boolean {
  if (input.length > 200 || !input.includes(".")) return false;
  return input.split(".").every((label) => isLabel(label, 63));
}

/** One DNS label: letters, digits and inner dashes. */
function isLabel(label: string, max: number): boolean {
  if (label.length === 0 || label.length > max || label.startsWith("-") || label.endsWith("-")) return false;
  for (const char of label) if (!((char >= "a" && char <= "z") || (char >= "0" && char <= "9") || char === "-")) return false;
  return true;
}

const languageTags = LANGUAGES.map((language) => language.code);

export const CommunitySchema = v.strictObject({
  $schema: v.optional(v.string()),
  name: v.pipe(v.string("expected the community's name as text"), v.trim(), v.nonEmpty("expected the community's name, got an empty string"), v.maxLength(100, "expected at most 100 characters")),
  url: v.pipe(
    v.string("expected an https URL"),
    v.check((input) => URL.canParse(input) && new URL(input).protocol === "https:", (issue) => `expected an https URL, got ${show(issue.input)}`),
    v.description("The community's page, served by this Worker: its members, its planet feeds, its invitations."),
  ),
  domain: v.pipe(
    v.string("expected a host name"),
    v.check(isHostName, (issue) => `expected a host name such as "communaute.example" (lowercase, no https://), got ${show(issue.input)}`),
    v.description("Members' homes are https://<handle>.<domain>/ (a wildcard route)."),
  ),
  lang: v.optional(v.picklist(languageTags, `expected one of ${languageTags.map(show).join(", ")}`), "fr"),
  note: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(500, "expected at most 500 characters")), ""),
  cron: v.optional(
    v.strictObject({
      homesPerRun: v.optional(v.pipe(v.number(), v.integer("expected a whole number"), v.minValue(1), v.maxValue(50))),
      cpuMs: v.optional(v.pipe(v.number(), v.integer("expected a whole number"), v.minValue(1), v.maxValue(30_000))),
      subrequests: v.optional(v.pipe(v.number(), v.integer("expected a whole number"), v.minValue(1), v.maxValue(1_000))),
    }),
    {},
  ),
});

export type Community = v.InferOutput<typeof CommunitySchema>;

export type CommunityResult = { ok: true; community: Community } | { ok: false; problems: string[] };

/** Validates parsed community.json, every problem by path. */
export function validateCommunity(input: unknown): CommunityResult {
  const result = v.safeParse(CommunitySchema, input, { abortEarly: false });
  if (result.success) return { ok: true, community: result.output };
  return { ok: false, problems: result.issues.map((issue) => `${issue.path ? issuePath(issue) : "community.json"}: ${issue.message}`) };
}

/** Handles no member may take: the community's own names and the usual service hosts. */
export const RESERVED_HANDLES: ReadonlySet<string> = new Set([
  "www", "admin", "api", "mail", "smtp", "imap", "pop", "ftp", "ns", "ns1", "ns2", "mx", "webmail", "autoconfig", "autodiscover",
  "status", "join", "invite", "invites", "community", "planet", "static", "assets", "cdn", "media", "auth", "login", "new", "m2",
  "root", "support", "help", "abuse", "postmaster", "hostmaster", "webmaster", "security", "localhost",
]);

/** Characters of a handle: one DNS label, short enough to type. */
export const MAX_HANDLE_CHARS = 30;

/** Why a handle cannot be taken, or null when it can (availability is the community store's to say). */
export function handleProblem(handle: string): "format" | "reserved" | null {
  if (handle.length < 2 || !isLabel(handle, MAX_HANDLE_CHARS)) return "format";
  if (RESERVED_HANDLES.has(handle)) return "reserved";
  return null;
}

/** A member's home URL. */
export function memberUrl(community: Community, handle: string): string {
  return `https://${handle}.${community.domain}/`;
}
