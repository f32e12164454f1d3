/**
 * @module The community's pages: its page (members as h-cards, the planet's latest items), the
 * homes' status, the invitation form (no JavaScript, the messages next to their fields) and the
 * welcome page that shows a new member's secret once.
 */
import type { Community } from "../community/config.ts";
import type { Member } from "../community/store.ts";
import { fill } from "../i18n/languages.ts";
import type { CommunityMessages } from "../i18n/community.ts";
import type { Messages } from "../i18n/languages.ts";
import type { Item, Source } from "../model.ts";
import { COMMUNITY_SHOWN, type FormProblems, type ProfileForm } from "../config/profile-form.ts";
import { Document, Entry, Footer } from "./page.tsx";
import { ProfileFields } from "./profile-form.tsx";

export interface HomeHealth {
  handle: string;
  url: string;
  name: string;
  sources: number;
  failing: number;
  items: number;
  checkedAt: string | null;
}

function CommunityFooter({ c, t }: { c: CommunityMessages; t: Messages }) {
  const links = [
    { href: "/feed.xml", label: c.feedRss },
    { href: "/atom.xml", label: c.feedAtom },
    { href: "/feed.json", label: c.feedJson },
    { href: "/status", label: c.status },
  ];
  return <Footer label={c.planet} links={links} t={t} />;
}

export function CommunityPage(props: { community: Community; members: Member[]; items: Item[]; sources: ReadonlyMap<string, Source>; c: CommunityMessages; t: Messages; stylesheet: string; now: number }) {
  const { community, c, t } = props;
  const head = (
    <>
      <link rel="canonical" href={community.url} />
      <link rel="alternate" type="application/rss+xml" title={`${community.name} (RSS)`} href="/feed.xml" />
      <link rel="alternate" type="application/atom+xml" title={`${community.name} (Atom)`} href="/atom.xml" />
      <link rel="alternate" type="application/feed+json" title={`${community.name} (JSON Feed)`} href="/feed.json" />
    </>
  );
  return (
    <Document lang={t.code} title={community.name} description={community.note || undefined} stylesheet={props.stylesheet} head={head} webmention={false}>
      <main id="content" class="community">
        <header class="h-card">
          <h1>
            <a class="p-name u-url" href={community.url}>
              {community.name}
            </a>
          </h1>
          {community.note ? <p class="p-note">{community.note}</p> : null}
        </header>
        <section aria-labelledby="members">
          <h2 id="members">{c.members}</h2>
          {props.members.length === 0 ? (
            <p>{c.noMembers}</p>
          ) : (
            <ul class="members">
              {props.members.map((member) => (
                <li class="h-card">
                  {member.card.photo ? <img class="u-photo" src={member.card.photo} alt="" width="48" height="48" loading="lazy" /> : null}
                  <a class="p-name u-url" href={member.card.url}>
                    {member.card.name}
                  </a>
                  <span class="p-nickname"> · {member.handle}</span>
                  {member.card.note ? <p class="p-note">{member.card.note}</p> : null}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section class="h-feed" aria-labelledby="planet">
          <h2 id="planet" class="p-name">
            {c.planet}
          </h2>
          <p>{c.planetLead}</p>
          {props.items.length === 0 ? (
            <p>{c.planetEmpty}</p>
          ) : (
            <ol class="timeline">
              {props.items.map((item) => (
                <Entry item={item} source={props.sources.get(item.source)} lang={t.code} now={props.now} t={t} />
              ))}
            </ol>
          )}
        </section>
      </main>
      <CommunityFooter c={c} t={t} />
    </Document>
  );
}

export function CommunityStatusPage(props: { community: Community; homes: HomeHealth[]; c: CommunityMessages; t: Messages; stylesheet: string }) {
  const { c, t } = props;
  return (
    <Document lang={t.code} title={`${c.statusTitle} — ${props.community.name}`} stylesheet={props.stylesheet} webmention={false}>
      <main id="content" class="status">
        <h1>{c.statusTitle}</h1>
        <table>
          <thead>
            <tr>
              <th scope="col">{c.statusHome}</th>
              <th scope="col">{c.statusSources}</th>
              <th scope="col">{c.statusFailing}</th>
              <th scope="col">{c.statusItems}</th>
              <th scope="col">{c.statusChecked}</th>
            </tr>
          </thead>
          <tbody>
            {props.homes.map((home) => (
              <tr>
                <th scope="row">
                  <a href={new URL("status", home.url).href}>{home.name}</a>
                </th>
                <td>{home.sources}</td>
                <td>{home.failing}</td>
                <td>{home.items}</td>
                <td>{home.checkedAt ? <time datetime={home.checkedAt}>{home.checkedAt.slice(0, 16).replace("T", " ")} UTC</time> : c.never}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>
          <a href="/">{props.community.name}</a>
        </p>
      </main>
    </Document>
  );
}

export function CommunityMessagePage(props: { title: string; message: string; community: Community; c: CommunityMessages; t: Messages; stylesheet: string }) {
  return (
    <Document lang={props.t.code} title={props.title} stylesheet={props.stylesheet} webmention={false}>
      <main id="content" class="error-page">
        <h1>{props.title}</h1>
        <p>{props.message}</p>
        <p>
          <a href={props.community.url}>{props.c.goToCommunity}</a>
        </p>
      </main>
    </Document>
  );
}

/**
 * The invitation's form: the profile's own fields (render/profile-form.tsx, as /new/profile draws
 * them) with the handle and the planet's checkbox, each problem next to its field.
 */
export function JoinPage(props: { community: Community; values: ProfileForm; problems: FormProblems; c: CommunityMessages; t: Messages; stylesheet: string; action: string }) {
  const { c, t, values, problems, community } = props;
  const any = Object.values(problems).some((list) => list && list.length > 0);
  return (
    <Document lang={t.code} title={`${c.joinTitle} — ${community.name}`} stylesheet={props.stylesheet} webmention={false}>
      <main id="content" class="error-page compose join">
        <h1>{c.joinTitle}</h1>
        <p>{c.joinLead}</p>
        {any ? (
          <p class="problem" role="alert">
            {c.joinFix}
          </p>
        ) : null}
        <form method="post" action={props.action}>
          <input type="hidden" name={COMMUNITY_SHOWN} value="1" />
          <ProfileFields t={t} values={values} problems={problems} handle={{ domain: community.domain }} community idPrefix="join" />
          <p>
            <button type="submit">{c.joinSubmit}</button>
          </p>
        </form>
      </main>
    </Document>
  );
}

export function WelcomePage(props: { home: string; handle: string; secret: string; signIn: { action: string; csrf: string }; accounts: string[]; c: CommunityMessages; t: Messages; stylesheet: string }) {
  const { c, t } = props;
  return (
    <Document lang={t.code} title={c.welcomeTitle} stylesheet={props.stylesheet} webmention={false}>
      <main id="content" class="error-page compose welcome">
        <h1>{c.welcomeTitle}</h1>
        <p>{fill(c.welcomeLead, { url: props.home })}</p>
        {/* A sign-in form, already filled: submitting it offers to save the secret in the browser's password manager and signs in. */}
        <form method="post" action={props.signIn.action}>
          <input type="hidden" name="csrf" value={props.signIn.csrf} />
          <p class="field">
            <label for="username">{c.welcomeHandle}</label>
            <br />
            <input id="username" name="username" type="text" autocomplete="username" readonly value={props.handle} />
          </p>
          <p class="field">
            <label for="secret">{c.welcomeSecret}</label>
            <br />
            <small id="secret-hint" class="hint">
              {c.welcomeSecretHint}
            </small>
            <br />
            <input id="secret" name="secret" type="text" autocomplete="new-password" readonly spellcheck={false} value={props.secret} aria-describedby="secret-hint" class="secret" />
          </p>
          <p>
            <button type="submit">{c.welcomeSignIn}</button>
          </p>
        </form>
        <h2>{c.welcomeNext}</h2>
        <ul>
          {props.accounts.length > 0 ? (
            <li>
              {fill(c.welcomeRelMe, { url: props.home })}
              <ul>
                {props.accounts.map((account) => (
                  <li>
                    <a href={account}>{account}</a>
                  </li>
                ))}
              </ul>
            </li>
          ) : (
            <li>{c.welcomeNoAccounts}</li>
          )}
          <li>{fill(c.welcomeStatus, { url: new URL("status", props.home).href })}</li>
        </ul>
      </main>
    </Document>
  );
}
