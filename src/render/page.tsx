/**
 * @module The profile page: a representative h-card, the rel=me link hub and the recent activity
 * as an h-feed. Pure hono/jsx: feed HTML arrives already sanitised (ingest/sanitise.ts), every
 * other string is escaped by JSX, every UI string comes from the language table `t`.
 *
 * Where things are, for those adding to it: the head is `PageHead`, the account links are
 * `AccountLinks` (one `AccountLink` each), an entry's source line is `EntrySource`.
 */
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { discoveryLinks } from "../auth/endpoints.ts";
import type { Profile } from "../config/index.ts";
import { exactDate, relativeTime } from "../i18n/dates.ts";
import { fill, LANGUAGES, type Messages } from "../i18n/languages.ts";
import type { Item, Source, Verification } from "../model.ts";
import { initials } from "./favicon.ts";
import { IdentityHead } from "./identity-head.tsx";
import { MentionCountLine, type MentionCounts } from "./mentions.tsx";
import { Icon, IconSprite, hasBrandIcon } from "./icons.tsx";

export interface PageData {
  profile: Profile;
  sources: Source[];
  /** The source of the owner's own posts (not an account: not linked, only named on its items). */
  own?: Source;
  items: readonly Item[];
  t: Messages;
  /** Language of this rendering (profile default, Accept-Language or ?lang=). */
  lang: string;
  /** Path of the stylesheet, fingerprinted for long-lived caching. */
  stylesheet: string;
  /** Path of the favicon (fingerprinted monogram SVG). */
  favicon?: string;
  /** Render time (bucketed, see i18n/dates.ts): relative dates are computed against it. */
  now?: number;
  /** Inbound rel=me verdicts by source id: verified accounts get a badge. */
  verification?: ReadonlyMap<string, Verification>;
  /** Published Webmentions of the owner's posts, by the post's path. */
  mentionCounts?: Readonly<Record<string, MentionCounts>>;
}

/** rel tokens for an account link: `me` for identities, `authn` for login providers, `atproto` for Bluesky. */
export function relFor(source: Source): string | undefined {
  if (!source.identity) return undefined;
  return ["me", ...(source.authn ? ["authn"] : []), ...(source.service === "bluesky" ? ["atproto"] : [])].join(" ");
}

/** Same base language ("fr-CA" and "fr")? Then an item needs no `lang` of its own. */
const sameLanguage = (a: string, b: string) => a.toLowerCase().split("-")[0] === b.toLowerCase().split("-")[0];

export function Document(props: {
  lang: string;
  title: string;
  description?: string | undefined;
  stylesheet: string;
  favicon?: string | undefined;
  head?: Child;
  children?: Child;
  /** False on pages of a host that receives no Webmentions (the community's). */
  webmention?: boolean;
}) {
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
          {/* What browsers do by default today, stated for older ones: outbound links carry the origin only. */}
          <meta name="referrer" content="strict-origin-when-cross-origin" />
          <link rel="stylesheet" href={props.stylesheet} />
          {props.favicon ? <link rel="icon" type="image/svg+xml" href={props.favicon} /> : null}
          {/* The home's Webmention endpoint (routes/webmention.ts), on every page, as in the Link header. */}
          {props.webmention === false ? null : <link rel="webmention" href="/webmention" />}
          {props.head}
        </head>
        <body>{props.children}</body>
      </html>
    </>
  );
}

/** The home page's extra `<head>`: canonical URL, rel=me links, IndieAuth and feed discovery. */
export function PageHead({ profile, sources, lang }: { profile: Profile; sources: Source[]; lang: string }) {
  return (
    <>
      <link rel="canonical" href={profile.url} />
      {sources.filter((source) => source.identity).map((source) => <link rel={relFor(source)} href={source.url} />)}
      {discoveryLinks(profile).map((link) => <link rel={link.rel} href={link.href} />)}
      <link rel="alternate" type="application/rss+xml" title={`${profile.name} — RSS`} href="/feed.xml" />
      <link rel="alternate" type="application/atom+xml" title={`${profile.name} — Atom`} href="/atom.xml" />
      <link rel="alternate" type="application/feed+json" title={`${profile.name} — JSON Feed`} href="/feed.json" />
      <IdentityHead profile={profile} sources={sources} lang={lang} />
    </>
  );
}

/** One button of the link hub. */
export function AccountLink({ source, verified, t }: { source: Source; verified: boolean; t: Messages }) {
  return (
    <a class={source.identity ? "u-url link" : "link"} rel={relFor(source)} href={source.url}>
      <Icon name={source.icon} />
      <span class="link-text">
        <span class="link-label">{source.label}</span>
        {source.label !== source.serviceName && hasBrandIcon(source.icon) ? <span class="link-service">{source.serviceName}</span> : null}
        {source.handle && source.label !== source.handle ? <span class="link-handle">{source.handle}</span> : null}
      </span>
      {/* The check mark is drawn; its meaning is read as text (aria-label on a plain span is not announced). */}
      {verified ? (
        <span class="verified" title={t.verifiedBadge}>
          <span aria-hidden="true">✓</span>
          <span class="vh">{t.verifiedBadge}</span>
        </span>
      ) : null}
    </a>
  );
}

/** The link hub: every account, in profile order. */
export function AccountLinks({ sources, t, verification }: { sources: Source[]; t: Messages; verification?: ReadonlyMap<string, Verification> | undefined }) {
  return (
    <nav aria-label={t.accounts}>
      <ul class="links">
        {sources.map((source) => (
          <li>
            <AccountLink source={source} verified={verification?.get(source.id)?.verdict === "verified"} t={t} />
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** A date as "il y a 3 heures", the exact date on hover. */
export function RelativeTime({ iso, lang, now }: { iso: string; lang: string; now: number }) {
  return (
    <time class="dt-published" datetime={iso} title={exactDate(iso, lang)}>
      {relativeTime(iso, now, lang)}
    </time>
  );
}

/** An entry's first line: where it comes from, and when (the permalink of untitled posts). */
export function EntrySource({ item, source, lang, now }: { item: Item; source: Source | undefined; lang: string; now: number }) {
  const time = <RelativeTime iso={item.published} lang={lang} now={now} />;
  const permalink = item.url ?? source?.url;
  return (
    <p class="entry-source">
      <Icon name={source?.icon ?? "web"} />
      <span class="source-name">{source?.label ?? item.source}</span>
      <span aria-hidden="true">·</span>
      {item.titleGenerated && permalink ? (
        <a class="u-url" href={permalink}>
          {time}
        </a>
      ) : (
        time
      )}
    </p>
  );
}

/** One card of the recent activity: source, title or excerpt, image, date. */
export function Entry({ item, source, lang, now, counts, t }: { item: Item; source: Source | undefined; lang: string; now: number; counts?: MentionCounts | undefined; t?: Messages }) {
  const permalink = item.url ?? source?.url;
  const excerpt = item.summary || (item.titleGenerated ? item.title : "");
  return (
    <article class={item.image && !item.titleGenerated ? "h-entry entry with-thumb" : "h-entry entry"} lang={item.lang && !sameLanguage(item.lang, lang) ? item.lang : undefined}>
      <EntrySource item={item} source={source} lang={lang} now={now} />
      {item.titleGenerated ? null : (
        <h3 class="p-name">
          {permalink ? (
            <a class="u-url" href={permalink}>
              {item.title}
            </a>
          ) : (
            item.title
          )}
        </h3>
      )}
      {excerpt ? <p class={item.titleGenerated ? "excerpt p-name p-summary" : "excerpt p-summary"}>{excerpt}</p> : null}
      {/* The title or text sits right beside the image: it is illustration, so alt="" (WCAG H67). */}
      {item.image ? <img class="u-photo entry-image" src={item.image} alt="" loading="lazy" decoding="async" /> : null}
      {t ? <MentionCountLine counts={counts} t={t} /> : null}
    </article>
  );
}

/** Links to this page in the other languages, each written in its own language. */
export function LanguageSwitch({ t }: { t: Messages }) {
  return (
    <>
      {LANGUAGES.filter((language) => language.code !== t.code).map((language) => (
        <li class="lang-switch">
          <a href={`?lang=${language.code}`} hreflang={language.code} lang={language.code}>
            {language.readIn}
          </a>
        </li>
      ))}
    </>
  );
}

/** A link of a page's footer. */
export interface FooterLink {
  href: string;
  label: string;
  type?: string;
}

/** A page's footer: its links (feeds, status…), the language switch, and who made the page. */
export function Footer({ label, links, t }: { label: string; links: FooterLink[]; t: Messages }) {
  return (
    <footer class="page-footer">
      <nav aria-label={label}>
        <ul>
          {links.map((link) => (
            <li>
              <a href={link.href} type={link.type}>
                {link.label}
              </a>
            </li>
          ))}
          <LanguageSwitch t={t} />
        </ul>
      </nav>
      <p>{t.poweredBy}</p>
    </footer>
  );
}

export function PageFooter({ t }: { t: Messages }) {
  return (
    <Footer
      label={t.feeds}
      t={t}
      links={[
        { href: "/feed.xml", label: t.feedRss },
        { href: "/atom.xml", label: t.feedAtom },
        { href: "/feed.json", label: t.feedJson },
        { href: "/opml.xml", label: t.feedOpml },
        { href: "/status", label: t.status },
        { href: "/card.vcf", label: t.vcard, type: "text/vcard" },
        { href: "/qr.svg", label: t.qr, type: "image/svg+xml" },
      ]}
    />
  );
}

/** The h-card: photo (or monogram), name, pronouns and place, note, link hub. */
export function ProfileCard({ profile, sources, t, verification }: { profile: Profile; sources: Source[]; t: Messages; verification?: ReadonlyMap<string, Verification> | undefined }) {
  // The note is written in the profile's language, which the reader may have switched away from.
  const noteLang = sameLanguage(profile.lang, t.code) ? undefined : profile.lang;
  return (
    <header class="h-card profile">
      {profile.photo ? (
        <img class="u-photo avatar" src={profile.photo} alt={fill(t.photoOf, { name: profile.name })} width="104" height="104" />
      ) : (
        <span class="avatar monogram" aria-hidden="true">
          {initials(profile.name)}
        </span>
      )}
      <h1>
        <a class="p-name u-url u-uid" href={profile.url}>
          {profile.name}
        </a>
      </h1>
      {profile.pronouns || profile.locality ? (
        <p class="meta">
          {profile.pronouns ? (
            <span>
              <span class="vh">{t.pronouns}</span>
              <span class="p-pronouns">{profile.pronouns}</span>
            </span>
          ) : null}
          {profile.locality ? (
            <span>
              <span class="vh">{t.locality}</span>
              <span class="p-locality">{profile.locality}</span>
            </span>
          ) : null}
        </p>
      ) : null}
      {profile.note ? (
        <p class="p-note" lang={noteLang}>
          {profile.note}
        </p>
      ) : null}
      <AccountLinks sources={sources} t={t} verification={verification} />
    </header>
  );
}

/** The home page. */
export function ProfilePage({ profile, sources, own, items, t, lang, stylesheet, favicon, now = Date.now(), verification, mentionCounts }: PageData) {
  // The counts of an own post, by its permalink's path.
  const countsOf = (item: Item) => (own && item.source === own.id && item.url && mentionCounts ? mentionCounts[URL.parse(item.url)?.pathname ?? ""] : undefined);
  const byId = new Map([...sources, ...(own ? [own] : [])].map((source) => [source.id, source]));
  return (
    <Document lang={lang} title={profile.name} description={profile.note} stylesheet={stylesheet} favicon={favicon} head={<PageHead profile={profile} sources={sources} lang={lang} />}>
      <a class="skip" href="#content">
        {t.skipToContent}
      </a>
      <IconSprite names={[...sources.map((source) => source.icon), ...(own ? [own.icon] : []), "web"]} />
      <div class="page">
        <ProfileCard profile={profile} sources={sources} t={t} verification={verification} />
        <main id="content">
          <section class="h-feed" aria-labelledby="recent">
            <h2 id="recent">{t.recent}</h2>
            {items.length === 0 ? (
              <p class="empty">{t.noItems}</p>
            ) : (
              <div class="entries">
                {items.map((item) => (
                  <Entry item={item} source={byId.get(item.source)} lang={lang} now={now} counts={countsOf(item)} t={t} />
                ))}
              </div>
            )}
          </section>
        </main>
      </div>
      <PageFooter t={t} />
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
