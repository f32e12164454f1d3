/**
 * @module The one-line hint for a verdict, in the page's language: what to change, and where,
 * so that an account links back to the home URL exactly.
 */
import { fill, type Messages } from "../i18n/languages.ts";
import type { Source, Verification } from "../model.ts";

/** The hint for a verdict, or null when there is nothing to do. */
export function verificationHint(verification: Verification, source: Source, home: string, t: Messages): string | null {
  const host = URL.parse(source.url)?.hostname ?? source.url;
  const values = { home, host, domain: new URL(home).hostname, found: verification.found ?? "", status: String(verification.status ?? "") };
  switch (verification.verdict) {
    case "verified":
      return null;
    case "verified-loosely":
      return fill(t.hintLoosely, values);
    case "links-back-without-rel-me":
      return fill(t.hintWithoutRelMe, values);
    case "unreachable":
      // The words come from the verdict and the status; the English detail stays in /status.json.
      return fill(verification.status === undefined ? t.hintUnreachable : t.hintUnreachableStatus, values);
    case "no-link-back":
      if (source.service === "github") return fill(t.hintNoLinkBackGithub, values);
      if (source.service === "bluesky") return fill(t.hintNoLinkBackBluesky, values);
      return fill(t.hintNoLinkBack, values);
  }
}

/** The `verification` field of a /status.json source entry. */
export function verificationReport(verification: Verification | undefined, source: Source, home: string, t: Messages) {
  if (!verification) return null;
  return {
    verdict: verification.verdict,
    detail: verification.detail,
    hint: verificationHint(verification, source, home, t),
    checked_at: verification.checked_at,
    ...(verification.found ? { found: verification.found } : {}),
    ...(verification.status !== undefined ? { http_status: verification.status } : {}),
  };
}
