/**
 * @module The home as an ActivityPub actor: its name (`actor.username`, else the first label of the
 * home's host), its addresses (all built from the profile's https URL, never from a request), the
 * `Person` document Mastodon reads (docs.joinmastodon.org/spec/activitypub), the WebFinger answer
 * that finds it (docs.joinmastodon.org/spec/webfinger), and which `Accept` asks for it.
 */
import type { Profile } from "../config/schema.ts";
import type { Jrd, JrdLink } from "../identity/webfinger.ts";
import type { Source } from "../model.ts";
import { MAX_PROFILE_FIELDS } from "./limits.ts";

export const ACTIVITY_JSON = "application/activity+json";
export const ACTIVITYSTREAMS = "https://www.w3.org/ns/activitystreams";
export const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

export const INBOX_PATH = "/activitypub/inbox";
export const OUTBOX_PATH = "/activitypub/outbox";
export const FOLLOWERS_PATH = "/activitypub/followers";
export const FOLLOWING_PATH = "/activitypub/following";
export const ACTIVITIES_PATH = "/activitypub/activities";

/** The actor's addresses. The actor is the home itself: its id is the home URL, which answers the actor JSON to ActivityPub clients. */
export interface ActorUrls {
  id: string;
  keyId: string;
  inbox: string;
  outbox: string;
  followers: string;
  following: string;
  host: string;
}

export function actorUrls(home: string): ActorUrls {
  const at = (path: string) => new URL(path, home).href;
  return { id: home, keyId: `${home}#main-key`, inbox: at(INBOX_PATH), outbox: at(OUTBOX_PATH), followers: at(FOLLOWERS_PATH), following: at(FOLLOWING_PATH), host: new URL(home).host.toLowerCase() };
}

/** The actor's name: profile.json's `actor.username`, else the first label of the home's host (`camille` for camille.example). */
export function actorName(profile: Profile): string {
  return (profile.actor?.username ?? new URL(profile.url).hostname.split(".")[0] ?? "me").toLowerCase();
}

/** `acct:camille@camille.example` */
export const actorAcct = (profile: Profile) => `acct:${actorName(profile)}@${new URL(profile.url).host.toLowerCase()}`;

/**
 * True when a WebFinger `resource` names the actor: `acct:<name>@<home host>` (an optional `@`
 * before the name, any case). It takes precedence over a `webfinger` alias of the same name.
 */
export function namesActor(resource: string, profile: Profile): boolean {
  if (!resource.toLowerCase().startsWith("acct:")) return false;
  const acct = resource.slice(5).replace(/^@/, "");
  const at = acct.lastIndexOf("@");
  if (at <= 0) return false;
  let name: string;
  try {
    name = decodeURIComponent(acct.slice(0, at));
  } catch {
    return false;
  }
  return name.toLowerCase() === actorName(profile) && acct.slice(at + 1).toLowerCase() === new URL(profile.url).host.toLowerCase();
}

/** The JRD of the actor, as Mastodon answers for its own accounts (its links filtered by `rels` when given). */
export function actorJrd(profile: Profile, rels: readonly string[] = []): Jrd {
  const links: JrdLink[] = [
    { rel: "http://webfinger.net/rel/profile-page", type: "text/html", href: profile.url },
    { rel: "self", type: ACTIVITY_JSON, href: profile.url },
  ];
  return { subject: actorAcct(profile), aliases: [profile.url], links: rels.length > 0 ? links.filter((link) => rels.includes(link.rel)) : links };
}

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);

/** A profile field's value as Mastodon expects it: a link with rel="me", which it marks verified when the page links back to the actor's `url`. */
function fieldLink(url: string): string {
  const shown = url.startsWith("https://") ? url.slice(8) : url.startsWith("http://") ? url.slice(7) : url;
  return `<a href="${escapeHtml(url)}" rel="me nofollow noopener noreferrer" target="_blank">${escapeHtml(shown.endsWith("/") ? shown.slice(0, -1) : shown)}</a>`;
}

/** The JSON-LD context of the actor: ActivityStreams, the security vocabulary, and Mastodon's terms it uses. */
export const ACTOR_CONTEXT = [
  ACTIVITYSTREAMS,
  "https://w3id.org/security/v1",
  {
    manuallyApprovesFollowers: "as:manuallyApprovesFollowers",
    toot: "http://joinmastodon.org/ns#",
    discoverable: "toot:discoverable",
    indexable: "toot:indexable",
    schema: "http://schema.org#",
    PropertyValue: "schema:PropertyValue",
    value: "schema:value",
  },
] as const;

/**
 * The `Person` Mastodon reads: preferredUsername (which WebFinger must answer for), name, summary
 * (the note as HTML), icon, url (the home), inbox, outbox, followers, following, the shared inbox,
 * the public key, and the accounts linked with rel=me as `PropertyValue` fields (the first
 * `MAX_PROFILE_FIELDS`, what Mastodon shows).
 */
export function actorDocument(profile: Profile, sources: Source[], publicKeyPem: string): Record<string, unknown> {
  const urls = actorUrls(profile.url);
  const fields = sources
    .filter((source) => source.identity && (source.url.startsWith("https://") || source.url.startsWith("http://")))
    .slice(0, MAX_PROFILE_FIELDS)
    .map((source) => ({ type: "PropertyValue", name: source.label, value: fieldLink(source.url) }));
  return {
    "@context": ACTOR_CONTEXT,
    id: urls.id,
    type: "Person",
    preferredUsername: actorName(profile),
    name: profile.name,
    ...(profile.note ? { summary: `<p>${escapeHtml(profile.note)}</p>` } : {}),
    url: profile.url,
    ...(profile.photo ? { icon: { type: "Image", url: profile.photo } } : {}),
    inbox: urls.inbox,
    outbox: urls.outbox,
    followers: urls.followers,
    following: urls.following,
    endpoints: { sharedInbox: urls.inbox },
    manuallyApprovesFollowers: false,
    discoverable: true,
    indexable: true,
    publicKey: { id: urls.keyId, owner: urls.id, publicKeyPem },
    attachment: fields,
  };
}

/**
 * True when `Accept` asks for ActivityStreams (`application/activity+json`, or `application/ld+json`
 * with the ActivityStreams profile) at least as much as for HTML. Split on commas and semicolons,
 * no regular expression; bounded to the first 2 048 characters.
 */
export function wantsActivityJson(accept: string | undefined): boolean {
  if (!accept) return false;
  let activity = 0;
  let html = 0;
  for (const range of accept.slice(0, 2048).split(",")) {
    const [type = "", ...parameters] = range.split(";").map((part) => part.trim());
    let q = 1;
    let profile = "";
    for (const parameter of parameters) {
      const equals = parameter.indexOf("=");
      const name = parameter.slice(0, equals).trim().toLowerCase();
      const value = parameter.slice(equals + 1).trim();
      if (name === "q") q = Number(value) || 0;
      if (name === "profile") profile = value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
    }
    const media = type.toLowerCase();
    if (media === ACTIVITY_JSON || (media === "application/ld+json" && profile.split(" ").includes(ACTIVITYSTREAMS))) activity = Math.max(activity, q);
    if (media === "text/html" || media === "application/xhtml+xml") html = Math.max(html, q);
  }
  return activity > 0 && activity >= html;
}
