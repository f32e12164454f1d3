/**
 * @module GET /status as a page for people: each source's health in plain words and each
 * identity's rel=me verdict with its hint. Built from the same report as /status.json.
 */
import { exactDate, relativeTime } from "../i18n/dates.ts";
import { fill, type Messages } from "../i18n/languages.ts";
import type { Failure, Verdict } from "../model.ts";
import type { SourceReport, StatusReport, VerificationReport } from "../status/report.ts";
import { Document, PageFooter } from "./page.tsx";

/** The reason of a failed read, from its kind and status: the words that follow the stage's lead. */
function reasonOf(failure: Pick<Failure, "kind" | "stage" | "status">, t: Messages): string {
  const status = failure.status;
  const values = { status: String(status ?? "") };
  switch (failure.kind) {
    case "http":
      if (status === 404) return fill(t.reasonNotFound, values);
      if (status === 401 || status === 403) return fill(t.reasonRefused, values);
      if (status === 429) return fill(t.reasonRateLimited, values);
      if (status !== undefined && status >= 500) return fill(t.reasonServer, values);
      return fill(t.reasonHttp, values);
    case "gone":
      return t.reasonGone;
    case "timeout":
      return t.reasonTimeout;
    case "network":
      return t.reasonNetwork;
    case "redirect":
      return t.reasonRedirect;
    case "too-large":
      return failure.stage === "page" ? t.reasonPageTooLarge : t.reasonTooLarge;
    case "empty":
      return t.reasonEmpty;
    case "html":
      return t.reasonHtml;
    case "not-a-feed":
      return t.reasonNotAFeed;
    case "unreadable":
      return t.reasonUnreadable;
    case "storage":
      return t.failureStorage;
    case "unknown":
      return t.failureUnknown;
  }
}

/**
 * A failure explained for the person who owns the page, from its kind, stage and status; its
 * English detail stays in /status.json.
 *
 * @example
 * plainFailure({ kind: "http", stage: "page", status: 404, detail: "HTTP 404 Not Found" }, en);
 * // "Could not read your account page to find its feed: the address answers “not found” (HTTP 404): …"
 */
export function plainFailure(failure: Failure, t: Messages): string {
  const reason = reasonOf(failure, t);
  if (failure.kind === "storage" || failure.kind === "unknown") return reason;
  return fill(failure.stage === "page" ? t.failurePage : t.failureFeed, { reason });
}

/** The failure of a report entry in words, from its kind. */
function failureInWords(source: SourceReport, t: Messages): string {
  if (source.error_kind === null) return t.failureUnknown;
  const status = source.http_status ?? undefined;
  return plainFailure({ kind: source.error_kind, stage: source.error_stage ?? "feed", detail: source.error ?? "", ...(status !== undefined ? { status } : {}) }, t);
}

/** A verdict of identity/verify.ts in words: every verdict but `verified` says it is a problem. */
export function verdictInWords(verdict: Verdict, t: Messages): string {
  const words: Record<Verdict, string> = {
    verified: t.verdictVerified,
    "verified-loosely": t.verdictVerifiedLoosely,
    "links-back-without-rel-me": t.verdictLinksBackWithoutRelMe,
    "no-link-back": t.verdictNoLinkBack,
    unreachable: t.verdictUnreachable,
  };
  return words[verdict];
}

/** What was found behind a verdict, from the verdict and `found`; none for `unreachable` (its hint says it). */
function verdictExplained(verification: VerificationReport, source: SourceReport, home: string, t: Messages): string | null {
  const values = { host: URL.parse(source.url)?.hostname ?? source.url, home, found: verification.found ?? home };
  switch (verification.verdict) {
    case "verified":
      return fill(t.explainVerified, values);
    case "verified-loosely":
      return fill(t.explainLoosely, values);
    case "links-back-without-rel-me":
      return fill(verification.found ? t.explainWithoutRelMe : t.explainMentionWithoutRelMe, values);
    case "no-link-back":
      return fill(t.explainNoLinkBack, values);
    case "unreachable":
      return null;
  }
}

/** Where a feed comes from, in the page's language. */
function feedOriginInWords(source: SourceReport, t: Messages): string {
  switch (source.feed_origin) {
    case "configured":
      return t.feedConfigured;
    case "derived":
      return fill(t.feedDerived, { service: source.service_name });
    case "discovered":
      return t.feedDiscovered;
    case "discover":
      return t.feedToDiscover;
    case "none":
      return t.feedNone;
  }
}

function When({ iso, lang, now, t }: { iso: string | null; lang: string; now: number; t: Messages }) {
  if (!iso) return <>{t.never}</>;
  return (
    <time datetime={iso} title={exactDate(iso, lang)}>
      {relativeTime(iso, now, lang)}
    </time>
  );
}

function SourceCard({ source, home, t, lang, now }: { source: SourceReport; home: string; t: Messages; lang: string; now: number }) {
  const verification = source.verification;
  // A website's link text is its host: its kind is said in the page's language.
  const serviceName = source.service === "web" ? t.website : source.service_name;
  const explained = verification ? verdictExplained(verification, source, home, t) : null;
  const failed = source.error !== null || source.error_kind !== null;
  const state = source.gone ? t.gone : failed ? t.failing : source.feed === null ? t.linkOnly : source.last_success ? t.healthy : t.notYet;
  return (
    <li class="entry source-card">
      <h2>
        <a href={source.url}>{source.label}</a>
        {source.label === source.service_name ? null : <span class="muted">{serviceName}</span>}
        <span class={source.gone || failed ? "badge badge-fail" : "badge badge-ok"}>{state}</span>
      </h2>
      {source.feed || failed || source.warning || source.identity ? (
      <dl>
        {source.feed ? (
          <>
            <dt>{t.feed}</dt>
            <dd>
              <a href={source.feed}>{source.feed}</a> <span class="muted">({feedOriginInWords(source, t)})</span>
            </dd>
            <dt>{t.lastFetch}</dt>
            <dd>
              <When iso={source.last_fetch} lang={lang} now={now} t={t} />
            </dd>
            <dt>{t.lastSuccess}</dt>
            <dd>
              <When iso={source.last_success} lang={lang} now={now} t={t} />
            </dd>
            {(source.next_fetch ?? source.next_attempt) ? (
              <>
                <dt>{t.nextAttempt}</dt>
                <dd>
                  <time datetime={(source.next_fetch ?? source.next_attempt)!}>{exactDate((source.next_fetch ?? source.next_attempt)!, lang)}</time>
                </dd>
              </>
            ) : null}
            <dt>{t.items}</dt>
            <dd>{source.item_count}</dd>
          </>
        ) : null}
        {failed ? (
          <>
            <dt>{t.error}</dt>
            <dd>
              <p class="problem">{failureInWords(source, t)}</p>
              <p class="muted">
                {t.failureDetail} <a href="/status.json">/status.json</a>
              </p>
            </dd>
          </>
        ) : null}
        {source.warning ? (
          <>
            <dt>{t.warning}</dt>
            {/* A warning carries no kind yet: its English words, marked as English. */}
            <dd lang="en">{source.warning}</dd>
          </>
        ) : null}
        {source.identity ? (
          <>
            <dt>{t.verification}</dt>
            <dd>
              {verification ? (
                <>
                  <strong class={verification.verdict === "verified" ? "badge badge-ok" : "badge badge-fail"}>{verdictInWords(verification.verdict, t)}</strong>
                  {explained ? <p class="problem">{explained}</p> : null}
                  {verification.hint ? (
                    <p class="problem">
                      {t.hint}
                      {verification.hint}
                    </p>
                  ) : null}
                  {verification.checked_at ? (
                    <p class="problem">
                      {t.verificationChecked} <When iso={verification.checked_at} lang={lang} now={now} t={t} />
                    </p>
                  ) : null}
                </>
              ) : (
                t.verificationPending
              )}
            </dd>
          </>
        ) : null}
      </dl>
      ) : null}
    </li>
  );
}

/** The profile edited in the browser: when, and the fields of profile.json it now hides. */
function OverlayNote({ overlay, t, lang }: { overlay: NonNullable<StatusReport["profile_overlay"]>; t: Messages; lang: string }) {
  return (
    <section class="profile-overlay" aria-label={t.profileEditTitle}>
      <p>{fill(t.statusOverlay, { date: exactDate(overlay.saved_at, lang), version: String(overlay.version) })}</p>
      {overlay.conflicts.length > 0 ? (
        <p class="problem">
          {fill(t.statusOverlayConflicts, { fields: overlay.conflicts.join(", ") })} <a href="/new/profile/export">/new/profile/export</a>
        </p>
      ) : null}
      {overlay.set_aside ? (
        <div class="problem">
          <p>{t.statusOverlaySetAside}</p>
          <ul lang="en">
            {overlay.set_aside.map((problem) => (
              <li>
                <code>{problem}</code>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

export interface StatusPageData {
  report: StatusReport;
  name: string;
  t: Messages;
  lang: string;
  stylesheet: string;
  favicon?: string;
  now: number;
}

export function StatusPage({ report, name, t, lang, stylesheet, favicon, now }: StatusPageData) {
  return (
    <Document lang={lang} title={`${t.statusTitle} — ${name}`} stylesheet={stylesheet} favicon={favicon}>
      <a class="skip" href="#content">
        {t.skipToContent}
      </a>
      <main id="content" class="error-page">
        <p>
          <a href="/">
            <span aria-hidden="true">← </span>
            {name}
          </a>
        </p>
        <h1>{t.statusTitle}</h1>
        <p>{t.statusLead}</p>
        <dl class="status-summary">
          <dt>{t.statusChecked}</dt>
          <dd>
            <When iso={report.checked_at} lang={lang} now={now} t={t} />
          </dd>
          <dt>{t.statusUpdated}</dt>
          <dd>
            <When iso={report.updated_at} lang={lang} now={now} t={t} />
          </dd>
          <dt>{t.statusItems}</dt>
          <dd>{report.item_count}</dd>
        </dl>
        {report.profile_overlay ? <OverlayNote overlay={report.profile_overlay} t={t} lang={lang} /> : null}
        <ul class="sources">
          {report.sources.map((source) => (
            <SourceCard source={source} home={report.home} t={t} lang={lang} now={now} />
          ))}
        </ul>
      </main>
      <PageFooter t={t} />
    </Document>
  );
}

/** The status page as HTML, for the route. */
export async function renderStatusPage(data: StatusPageData): Promise<string> {
  return (await (<StatusPage {...data} />).toString()) as string;
}
