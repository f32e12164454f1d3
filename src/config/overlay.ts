/**
 * @module The profile edited in the browser, as an overlay on profile.json. Each saved version
 * keeps the profile as saved and `base`, profile.json's top-level values when the edit was made.
 * Merging is per top-level field, three-way: a field the overlay changed (from `base`) takes the
 * overlay's value; any other field follows profile.json, so the file's later changes to fields
 * not edited in the browser still apply. A field both changed, to different values, is a
 * conflict: the overlay wins and /status names it, until the owner exports the profile back into
 * profile.json (then both agree and the conflict is gone). A community member has no file (`{}`):
 * the overlay is the whole profile.
 */

/** The largest profile saved from the browser (its JSON, in bytes): profile.json's are a few KiB. */
export const MAX_PROFILE_BYTES = 65_536;
/** Versions kept: the newest ones (restoring an older one saves it again as the newest). */
export const MAX_PROFILE_VERSIONS = 10;

/** One saved version of the profile. */
export interface ProfileOverlay {
  version: number;
  /** ISO 8601. */
  savedAt: string;
  profile: Record<string, unknown>;
  /** profile.json's top-level field values when the edit was made. */
  base: Record<string, unknown>;
}

/** What the site knows of its overlay (shown on /status). */
export interface OverlayState {
  version: number;
  savedAt: string;
  /** Top-level fields profile.json changed since the edit, which the edit changed too. */
  conflicts: string[];
  /**
   * Set when the edit is not applied: with today's profile.json the merged profile would be
   * invalid (these are its problems), so the home serves profile.json alone until the owner saves again.
   */
  setAside?: string[];
}

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** JSON with its object keys sorted: two values are the same when these are equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (isRecord(value)) {
    return `{${Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "undefined";
}

const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/**
 * The profile to validate (profile.json with the overlay's changes) and the fields in conflict.
 *
 * @example
 * const { input, conflicts } = overlaid(profileFile, overlay); // conflicts: ["note"]
 * createWorker(input, { overlay: { version: overlay.version, savedAt: overlay.savedAt, conflicts } });
 */
export function overlaid(file: unknown, overlay: ProfileOverlay | null): { input: unknown; conflicts: string[] } {
  if (!overlay) return { input: file, conflicts: [] };
  const current = isRecord(file) ? file : {};
  const { profile, base } = overlay;
  const input: Json = {};
  const conflicts: string[] = [];
  for (const key of new Set([...Object.keys(current), ...Object.keys(profile), ...Object.keys(base)])) {
    const edited = !same(profile[key], base[key]);
    const value = edited ? profile[key] : current[key];
    if (edited && !same(current[key], base[key]) && !same(current[key], profile[key])) conflicts.push(key);
    if (value !== undefined) input[key] = value;
  }
  return { input, conflicts };
}

/**
 * The `base` of a new version, made now: profile.json's values, except where the previous version
 * is in conflict (its base stays, so a save does not hide a change of the file nobody saw).
 */
export function baseForSave(file: unknown, previous: ProfileOverlay | null): Record<string, unknown> {
  const current = isRecord(file) ? file : {};
  const base: Json = { ...current };
  if (!previous) return base;
  for (const key of overlaid(current, previous).conflicts) {
    const kept = previous.base[key];
    if (kept === undefined) delete base[key];
    else base[key] = kept;
  }
  return base;
}
