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

/** Resolves every account of the profile, in order. Ids are unique (`github`, `github-2`, …). */
export function resolveSources(profile: Profile): Source[] {
  const taken = new Set(profile.accounts.flatMap((account) => (account.id ? [account.id] : [])));
  return profile.accounts.map((account) => {
    const { service, match } = identify(account.url);
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
      label: account.label ?? service.name,
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
