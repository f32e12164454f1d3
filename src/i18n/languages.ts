/**
 * @module The page languages. Adding one is adding a file beside en.ts with the same keys and
 * listing it here; profile.json's `lang`, `?lang=` and Accept-Language then accept it.
 */
import { en, type Messages } from "./en.ts";
import { fr } from "./fr.ts";

export type { Messages };
export const LANGUAGES: readonly Messages[] = [fr, en];

/** The table for a BCP 47 tag ("fr-CA" → French), English when the language is unknown. */
export function messagesFor(tag: string | undefined): Messages {
  const base = (tag ?? "").toLowerCase().split("-")[0];
  return LANGUAGES.find((language) => language.code === base) ?? en;
}

/** A message with its `{name}` placeholders filled: `fill(t.photoOf, { name: "Camille" })`. */
export function fill(message: string, values: Record<string, string>): string {
  return message.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}
