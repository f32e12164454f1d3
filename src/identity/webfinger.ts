/**
 * @module WebFinger (RFC 7033) for the home domain: `acct:<alias>@<home host>` (or the home URL
 * itself) answers the JRD of a fediverse account, so people can find and follow the person by
 * their domain.
 */
import * as v from "valibot";
import { FEDIVERSE_ACCOUNT, type Profile } from "../config/schema.ts";
import type { Source } from "../model.ts";

/** A Mastodon-style account, with the addresses ActivityPub servers use for it. */
export interface FediverseAccount {
  /** The profile page, as configured: `https://mastodon.social/@camille`. */
  url: string;
  host: string;
  user: string;
  /** `acct:camille@mastodon.social` */
  acct: string;
  /** The ActivityPub actor: `https://mastodon.social/users/camille` (Mastodon's layout). */
  actor: string;
}

export function fediverseAccount(url: string): FediverseAccount | undefined {
  if (!FEDIVERSE_ACCOUNT.test(url)) return undefined;
  const parsed = new URL(url);
  const user = parsed.pathname.slice(2);
  const host = parsed.host.toLowerCase();
  return { url, host, user, acct: `acct:${user}@${host}`, actor: `https://${host}/users/${user}` };
}

/** Aliases → accounts: profile.json's `webfinger`, else each fediverse account's username (first wins). */
export function webfingerAliases(profile: Profile, sources: Source[]): Map<string, FediverseAccount> {
  const aliases = new Map<string, FediverseAccount>();
  if (profile.webfinger) {
    for (const [alias, url] of Object.entries(profile.webfinger)) {
      const account = fediverseAccount(url);
      if (account) aliases.set(alias.toLowerCase(), account);
    }
    return aliases;
  }
  for (const source of sources) {
    const account = source.fediverse && source.identity ? fediverseAccount(source.url) : undefined;
    if (account && !aliases.has(account.user.toLowerCase())) aliases.set(account.user.toLowerCase(), account);
  }
  return aliases;
}

/** The account the home URL stands for, and fediverse:creator names: the first alias's account. */
export function defaultFediverseAccount(profile: Profile, sources: Source[]): FediverseAccount | undefined {
  return webfingerAliases(profile, sources).values().next().value;
}

/** `resource`: an `acct:` URI or an https URL, validated before anything is looked up. */
export const ResourceSchema = v.pipe(
  v.string("the resource parameter is required (e.g. ?resource=acct:camille@camille.example)"),
  v.nonEmpty("the resource parameter is required (e.g. ?resource=acct:camille@camille.example)"),
  v.maxLength(1024, "the resource parameter is too long"),
  v.check(
    (input) => /^acct:@?[^@\s/]+@[^@\s/]+$/i.test(input) || /^https:\/\/[^\s]+$/i.test(input),
    "the resource parameter must be an acct: URI (acct:user@host) or an https URL",
  ),
);

/** Which account a valid resource names, or undefined (404). */
export function resolveResource(resource: string, profile: Profile, sources: Source[]): FediverseAccount | undefined {
  const aliases = webfingerAliases(profile, sources);
  const home = new URL(profile.url);
  const acct = /^acct:@?([^@]+)@(.+)$/i.exec(resource);
  if (acct) {
    const [, local, host] = acct;
    if (host!.toLowerCase() !== home.host.toLowerCase()) return undefined;
    let name: string;
    try {
      name = decodeURIComponent(local!);
    } catch {
      return undefined;
    }
    return aliases.get(name.toLowerCase());
  }
  const url = URL.parse(resource);
  if (!url) return undefined;
  if (url.origin === home.origin && url.pathname === home.pathname && !url.search) return aliases.values().next().value;
  // The account's own addresses name it too (a client may ask about the profile or actor URL).
  const wanted = resource.toLowerCase();
  for (const account of aliases.values()) if (account.url.toLowerCase() === wanted || account.actor.toLowerCase() === wanted) return account;
  return undefined;
}

export interface JrdLink {
  rel: string;
  type?: string;
  href?: string;
  template?: string;
}

export interface Jrd {
  subject: string;
  aliases: string[];
  links: JrdLink[];
}

/** The JRD Mastodon would answer for the account, its links filtered by `rels` when given. */
export function jrdFor(account: FediverseAccount, rels: readonly string[] = []): Jrd {
  const links: JrdLink[] = [
    { rel: "http://webfinger.net/rel/profile-page", type: "text/html", href: account.url },
    { rel: "self", type: "application/activity+json", href: account.actor },
    { rel: "http://ostatus.org/schema/1.0/subscribe", template: `https://${account.host}/authorize_interaction?uri={uri}` },
  ];
  return {
    subject: account.acct,
    aliases: [account.url, account.actor],
    links: rels.length > 0 ? links.filter((link) => rels.includes(link.rel)) : links,
  };
}
