/**
 * @module The profile page: a representative h-card, the rel=me link hub and the recent activity
 * as an h-feed. Pure hono/jsx: feed HTML arrives already sanitised (ingest/sanitise.ts), every
 * other string is escaped by JSX.
 */
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import type { Profile } from "../config/index.ts";
import type { Messages } from "../i18n/languages.ts";
import type { Verification } from "../identity/verify.ts";
import type { Item, Source } from "../model.ts";
import { IdentityHead } from "./identity-head.tsx";
import { Icon, hasBrandIcon } from "./icons.tsx";

export interface PageData {
  profile: Profile;
  sources: Source[];
  items: readonly Item[];
  t: Messages;
  /** Language of this rendering (profile default, Accept-Language or ?lang=). */
  lang: string;
  /** Path of the stylesheet, fingerprinted for long-lived caching. */
  stylesheet: string;
  /** Inbound rel=me verdicts by source id: verified accounts get a badge. */
  verification?: ReadonlyMap<string, Verification>;
}

/** rel tokens for an account link: `me` for identities, `authn` for login providers, `atproto` for Bluesky. */
export function relFor(source: Source): string | undefined {
  if (!source.identity) return undefined;
  return ["me", ...(source.authn ? ["authn"] : []), ...(source.service === "bluesky" ? ["atproto"] : [])].join(" ");
}

export function formatDate(iso: string, lang: string): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(iso));
}

export function Document(props: { lang: string; title: string; description?: string; stylesheet: string; head?: Child; children?: Child }) {
  return (
    <>
      {raw("<!doctype html>")}
      <html lang={props.lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{props.title}</title>
          {props.description ? <meta name="description" content={props.description} /> : null}
          <meta name="color-scheme" content="light dark" />
          <link rel="stylesheet" href={props.stylesheet} />
          {props.head}
        </head>
        <body>{props.children}</body>
      </html>
    </>
  );
}

function Entry({ item, source, lang }: { item: Item; source: Source | undefined; lang: string }) {
  return (
    <article class="h-entry card" lang={item.lang && item.lang.split("-")[0] !== lang.split("-")[0] ? item.lang : undefined}>
      <p class="entry-source">
        <Icon name={source?.icon ?? "web"} />
        <span class="source-name">{source?.label ?? item.source}</span>
        {" · "}
        <a class="u-url" href={item.url ?? source?.url}>
          <time class="dt-published" datetime={item.published}>
            {formatDate(item.published, lang)}
          </time>
        </a>
      </p>
      {item.titleGenerated ? null : <h3 class="p-name">{item.title}</h3>}
      {item.image && !item.content_html.includes(item.image) ? <img class="u-photo" src={item.image} alt="" loading="lazy" /> : null}
      {item.content_html ? <div class="e-content">{raw(item.content_html)}</div> : <p class="p-summary">{item.summary}</p>}
    </article>
  );
}

/** The home page. */
export function ProfilePage({ profile, sources, items, t, lang, stylesheet, verification }: PageData) {
  const byId = new Map(sources.map((source) => [source.id, source]));
  const head = (
    <>
      <link rel="canonical" href={profile.url} />
      {sources.filter((source) => source.identity).map((source) => <link rel={relFor(source)} href={source.url} />)}
      <link rel="alternate" type="application/rss+xml" title={`${profile.name} — RSS`} href="/feed.xml" />
      <link rel="alternate" type="application/atom+xml" title={`${profile.name} — Atom`} href="/atom.xml" />
      <link rel="alternate" type="application/feed+json" title={`${profile.name} — JSON Feed`} href="/feed.json" />
      <IdentityHead profile={profile} sources={sources} lang={lang} />
    </>
  );
  return (
    <Document lang={lang} title={profile.name} description={profile.note} stylesheet={stylesheet} head={head}>
      <a class="skip" href="#content">
        {t.skipToContent}
      </a>
      <header class="h-card profile">
        {profile.photo ? <img class="u-photo avatar" src={profile.photo} alt={profile.name} width="128" height="128" /> : null}
        <h1>
          <a class="p-name u-url u-uid" href={profile.url}>
            {profile.name}
          </a>
        </h1>
        {profile.note ? <p class="p-note">{profile.note}</p> : null}
        <nav aria-label={t.accounts}>
          <ul class="links">
            {sources.map((source) => (
              <li>
                <a class={source.identity ? "u-url link" : "link"} rel={relFor(source)} href={source.url}>
                  <Icon name={source.icon} />
                  <span class="link-label">{source.label}</span>
                  {source.label !== source.serviceName && hasBrandIcon(source.icon) ? <span class="link-service">{source.serviceName}</span> : null}
                  {source.handle && source.label !== source.handle ? <span class="link-handle">{source.handle}</span> : null}
                  {verification?.get(source.id)?.verdict === "verified" ? <span class="verified" title={t.verifiedBadge} aria-label={t.verifiedBadge}>✓</span> : null}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="content">
        <section class="h-feed" aria-labelledby="recent">
          <h2 id="recent" class="p-name">
            {t.recent}
          </h2>
          {items.length === 0 ? <p class="empty">{t.noItems}</p> : items.map((item) => <Entry item={item} source={byId.get(item.source)} lang={lang} />)}
        </section>
      </main>
      <footer>
        <nav aria-label={t.feeds}>
          <a href="/feed.xml">{t.feedRss}</a> · <a href="/atom.xml">{t.feedAtom}</a> · <a href="/feed.json">{t.feedJson}</a> ·{" "}
          <a href="/opml.xml">{t.feedOpml}</a> · <a href="/status">{t.status}</a> · <a href="/card.vcf" type="text/vcard">{t.vcard}</a> · <a href="/qr.svg" type="image/svg+xml">{t.qr}</a>
        </nav>
      </footer>
    </Document>
  );
}

/** The page shown instead of the home while profile.json is invalid. */
export function ConfigErrorPage({ problems, t, stylesheet }: { problems: string[]; t: Messages; stylesheet: string }) {
  return (
    <Document lang={t.code} title={t.configErrorTitle} stylesheet={stylesheet}>
      <main id="content" class="error-page">
        <h1>{t.configErrorTitle}</h1>
        <p>{t.configErrorLead}</p>
        <ul>
          {problems.map((problem) => (
            <li>
              <code>{problem}</code>
            </li>
          ))}
        </ul>
      </main>
    </Document>
  );
}

/** A small page for 404 and other errors. */
export function MessagePage({ title, message, t, stylesheet }: { title: string; message: string; t: Messages; stylesheet: string }) {
  return (
    <Document lang={t.code} title={title} stylesheet={stylesheet}>
      <main id="content" class="error-page">
        <h1>{title}</h1>
        <p>{message}</p>
        <p>
          <a href="/">{t.backHome}</a>
        </p>
      </main>
    </Document>
  );
}
