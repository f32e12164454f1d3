/**
 * @module GET /status as a page for people: each source's health in plain words and each
 * identity's rel=me verdict with its hint. Built from the same report as /status.json.
 */
import { exactDate, relativeTime } from "../i18n/dates.ts";
import type { Messages } from "../i18n/languages.ts";
import type { SourceReport, StatusReport } from "../routes/status.ts";
import { Document, PageFooter } from "./page.tsx";

/** The verdict another module fills in `verification`; read defensively, it may be null. */
interface Verification {
  verdict: string;
  detail?: string;
  hint?: string;
  checked_at?: string;
}

function verificationOf(value: unknown): Verification | null {
  if (!value || typeof value !== "object") return null;
  const record = value as Record<string, unknown>;
  if (typeof record.verdict !== "string") return null;
  const text = (key: string) => (typeof record[key] === "string" ? (record[key] as string) : undefined);
  return { verdict: record.verdict, detail: text("detail"), hint: text("hint"), checked_at: text("checked_at") };
}

/** A failure explained for the person who owns the page; the technical message stays beside it. */
export function plainError(source: Pick<SourceReport, "error" | "http_status" | "gone">, t: Messages): string {
  const status = source.http_status;
  const error = source.error ?? "";
  if (source.gone || status === 410) return t.errorGone;
  if (status === 404) return t.errorNotFound;
  if (status === 401 || status === 403) return t.errorRefused;
  if (status === 429) return t.errorRateLimited;
  if (status !== null && status >= 500) return t.errorServer;
  if (/timed? ?out|timeout/i.test(error)) return t.errorTimeout;
  if (/could not connect|redirect/i.test(error)) return t.errorNetwork;
  if (/larger than/i.test(error)) return t.errorTooLarge;
  if (/could not be read|parse|not a feed|xml|json/i.test(error)) return t.errorUnreadable;
  return t.errorOther;
}

/** A verdict of identity/verify.ts in words; an unknown one is shown as is. */
export function verdictInWords(verdict: string, t: Messages): string {
  const words: Record<string, string> = {
    verified: t.verdictVerified,
    "verified-loosely": t.verdictVerifiedLoosely,
    "links-back-without-rel-me": t.verdictLinksBackWithoutRelMe,
    "no-link-back": t.verdictNoLinkBack,
    unreachable: t.verdictUnreachable,
  };
  return words[verdict] ?? verdict;
}

function When({ iso, lang, now, t }: { iso: string | null; lang: string; now: number; t: Messages }) {
  if (!iso) return <>{t.never}</>;
  return (
    <time datetime={iso} title={exactDate(iso, lang)}>
      {relativeTime(iso, now, lang)}
    </time>
  );
}

function SourceCard({ source, t, lang, now }: { source: SourceReport; t: Messages; lang: string; now: number }) {
  const verification = verificationOf(source.verification);
  const state = source.gone ? t.gone : source.error ? t.failing : source.feed === null ? t.linkOnly : source.last_success ? t.healthy : t.notYet;
  const failing = source.gone || source.error !== null;
  return (
    <li class="entry source-card">
      <h2>
        <a href={source.url}>{source.label}</a>
        {source.label === source.service_name ? null : <span class="muted">{source.service_name}</span>}
        <span class={failing ? "badge badge-fail" : "badge badge-ok"}>{state}</span>
      </h2>
      {source.feed || source.error || source.warning || source.identity ? (
      <dl>
        {source.feed ? (
          <>
            <dt>{t.feed}</dt>
            <dd>
              <a href={source.feed}>{source.feed}</a> <span class="muted">({source.feed_note})</span>
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
        {source.error ? (
          <>
            <dt>{t.error}</dt>
            <dd>
              <p class="problem">{plainError(source, t)}</p>
              <code>{source.error}</code>
            </dd>
          </>
        ) : null}
        {source.warning ? (
          <>
            <dt>{t.warning}</dt>
            <dd>{source.warning}</dd>
          </>
        ) : null}
        {source.identity ? (
          <>
            <dt>{t.verification}</dt>
            <dd>
              {verification ? (
                <>
                  <strong class={verification.verdict === "verified" ? "badge badge-ok" : "badge badge-fail"}>{verdictInWords(verification.verdict, t)}</strong>
                  {verification.detail ? <p class="problem">{verification.detail}</p> : null}
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
        <ul class="sources">
          {report.sources.map((source) => (
            <SourceCard source={source} t={t} lang={lang} now={now} />
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
