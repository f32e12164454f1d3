/**
 * @module Where this home's IndieAuth server is: its own (under the home URL: /auth, /auth/token,
 * …) or the one profile.json delegates to (`indieauth`), and the discovery links the page and its
 * `Link` headers give. Public URLs are built from the profile's https URL, never from a request.
 */
import type { Profile } from "../config/index.ts";
import { ALL_SCOPES } from "./scopes.ts";

/** What the home knows of its identity: its URL and, when delegating, the chosen server. */
export type HomeIdentity = Pick<Profile, "url" | "indieauth">;

export const METADATA_PATH = "/.well-known/oauth-authorization-server";
/** The Micropub endpoint (routes/micropub.ts). */
export const MICROPUB_PATH = "/micropub";
export const AUTHORIZATION_PATH = "/auth";
export const TOKEN_PATH = "/auth/token";
export const INTROSPECTION_PATH = "/auth/introspect";
export const REVOCATION_PATH = "/auth/revoke";

/** True when profile.json names another IndieAuth server: m2 then runs none of its own. */
export const delegates = (home: HomeIdentity): boolean => home.indieauth !== undefined;

/** The issuer identifier (the `me` of every grant): the home URL. */
export const issuerOf = (home: HomeIdentity): string => new URL(home.url).href;

const under = (home: HomeIdentity, path: string): string => new URL(path, home.url).href;

/** The metadata document of m2's own server (IndieAuth §4.1.1, RFC 8414). */
export function serverMetadata(home: HomeIdentity) {
  return {
    issuer: issuerOf(home),
    authorization_endpoint: under(home, AUTHORIZATION_PATH),
    token_endpoint: under(home, TOKEN_PATH),
    introspection_endpoint: under(home, INTROSPECTION_PATH),
    introspection_endpoint_auth_methods_supported: ["Bearer"],
    revocation_endpoint: under(home, REVOCATION_PATH),
    revocation_endpoint_auth_methods_supported: ["none"],
    scopes_supported: [...ALL_SCOPES],
    response_types_supported: ["code"],
    grant_types_supported: ["authorization_code"],
    code_challenge_methods_supported: ["S256"],
    authorization_response_iss_parameter_supported: true,
  };
}

/** The token endpoint that checks other tokens: m2's own, or the delegated one (undefined when only metadata is given). */
export function tokenEndpointOf(home: HomeIdentity): string | undefined {
  return delegates(home) ? home.indieauth?.token_endpoint : under(home, TOKEN_PATH);
}

export interface DiscoveryLink {
  rel: "indieauth-metadata" | "authorization_endpoint" | "token_endpoint" | "micropub";
  href: string;
}

/** The IndieAuth discovery links of the home page (§4.1): the metadata, then the legacy two. */
export function discoveryLinks(home: HomeIdentity): DiscoveryLink[] {
  // The Micropub endpoint is the home's own whoever signs the owner in.
  const micropub: DiscoveryLink = { rel: "micropub", href: under(home, MICROPUB_PATH) };
  if (!delegates(home)) {
    return [
      { rel: "indieauth-metadata", href: under(home, METADATA_PATH) },
      { rel: "authorization_endpoint", href: under(home, AUTHORIZATION_PATH) },
      { rel: "token_endpoint", href: under(home, TOKEN_PATH) },
      micropub,
    ];
  }
  const { metadata, authorization_endpoint, token_endpoint } = home.indieauth ?? {};
  const links: DiscoveryLink[] = [micropub];
  if (metadata) links.push({ rel: "indieauth-metadata", href: metadata });
  if (authorization_endpoint) links.push({ rel: "authorization_endpoint", href: authorization_endpoint });
  if (token_endpoint) links.push({ rel: "token_endpoint", href: token_endpoint });
  return links;
}

/** The same links as one HTTP `Link` header value (RFC 8288); a parsed URL's href has `<`, `>` and spaces escaped. */
export function linkHeader(links: DiscoveryLink[]): string {
  return links.map((link) => `<${new URL(link.href).href}>; rel="${link.rel}"`).join(", ");
}
