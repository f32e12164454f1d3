/**
 * @module Which language a request is answered in: `?lang=` first, then Accept-Language, else
 * the profile's `lang`. Hono's language detector does the parsing (q-values, "fr-CA" → "fr").
 */
import type { MiddlewareHandler } from "hono";
import { languageDetector } from "hono/language";
import { LANGUAGES, messagesFor, type Messages } from "./languages.ts";

/**
 * Sets `lang` (a BCP 47 tag) and `t` (its strings) on the context. The profile's own tag is kept
 * when the detected language is its language ("fr-CA" stays "fr-CA").
 *
 * @example
 * app.use(pageLanguage(profile.lang));
 */
export function pageLanguage(profileLang: string): MiddlewareHandler<{ Variables: { lang: string; t: Messages; language: string } }> {
  const fallback = messagesFor(profileLang).code;
  const detect = languageDetector({
    supportedLanguages: LANGUAGES.map((language) => language.code),
    fallbackLanguage: fallback,
    order: ["querystring", "header"],
    lookupQueryString: "lang",
    caches: false,
  });
  return async (c, next) =>
    detect(c, async () => {
      const detected = c.get("language");
      const lang = detected === fallback ? profileLang : detected;
      c.set("lang", lang);
      c.set("t", messagesFor(lang));
      await next();
    });
}
