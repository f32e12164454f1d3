/**
 * @module Account URL → `Source`: runs the service registry over the profile's accounts and
 * gives each a stable, unique id.
 */
import type { Account, Profile } from "../config/index.ts";
import type { Source } from "../model.ts";
import { SERVICES, WEB, type Service, type ServiceMatch } from "./services.ts";

export { SERVICES, WEB };
export type { Service, ServiceMatch };

/** The registry entry and what it derived for one account URL. */
export function identify(accountUrl: string): { service: Service; match: ServiceMatch } {
  const url = new URL(accountUrl);
  for (const service of SERVICES) {
    const match = service.match(url);
    if (match) return { service, match };
  }
  return { service: WEB, match: WEB.match(url) ?? {} };
}

function slug(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 32)
    .replace(/-+$/, "");
}

function defaultId(service: Service, account: Account): string {
  if (service.id === "web") {
    const host = new URL(account.url).hostname.replace(/^www\./, "");
    return slug(account.label ?? host) || "web";
  }
  return slug(service.id) || "source";
}

/** A website's host without "www.", and its path when another website shares the host. */
function siteName(url: URL, withPath: boolean): string {
  const host = url.hostname.replace(/^www\./, "");
  return withPath ? `${host}${url.pathname.replace(/\/+$/, "")}` : host;
}

/**
 * The link text of each unlabelled website: "Website" says nothing and would repeat, so its host
 * (with the path when two share a host; numbered when even that repeats).
 */
function websiteNames(accounts: readonly Account[], services: readonly Service[]): Map<number, string> {
  const unlabelled = accounts.flatMap((account, index) => (account.label === undefined && services[index] === WEB ? [{ index, url: new URL(account.url) }] : []));
  const perHost = new Map<string, number>();
  for (const { url } of unlabelled) perHost.set(siteName(url, false), (perHost.get(siteName(url, false)) ?? 0) + 1);
  const names = new Map<number, string>();
  const used = new Set<string>();
  for (const { index, url } of unlabelled) {
    const name = siteName(url, (perHost.get(siteName(url, false)) ?? 0) > 1);
    let unique = name;
    for (let n = 2; used.has(unique); n++) unique = `${name} (${n})`;
    used.add(unique);
    names.set(index, unique);
  }
  return names;
}

/** Resolves every account of the profile, in order. Ids are unique (`github`, `github-2`, …). */
export function resolveSources(profile: Profile): Source[] {
  const taken = new Set(profile.accounts.flatMap((account) => (account.id ? [account.id] : [])));
  const identified = profile.accounts.map((account) => identify(account.url));
  const websites = websiteNames(profile.accounts, identified.map(({ service }) => service));
  return profile.accounts.map((account, index) => {
    const { service, match } = identified[index]!;
    let id = account.id;
    if (!id) {
      const base = defaultId(service, account);
      id = base;
      for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
      taken.add(id);
    }
    const feed = account.feed ?? match.feed;
    return {
      id,
      url: account.url,
      label: account.label ?? websites.get(index) ?? service.name,
      service: service.id,
      serviceName: service.name,
      ...(match.handle ? { handle: match.handle } : {}),
      ...(feed ? { feed } : {}),
      feedOrigin: account.feed ? "configured" : match.feed ? "derived" : match.discover ? "discover" : "none",
      identity: account.identity ?? !service.linkOnly,
      authn: account.authn ?? false,
      icon: service.icon,
      fediverse: service.fediverse ?? false,
    } satisfies Source;
  });
}
