/**
 * @module Who the client is (IndieAuth §4.2): its client_id URL, fetched once per authorization
 * request with a timeout and a size cap, read as JSON client metadata (`client_id`,
 * `client_name`, `logo_uri`, `redirect_uris`) or as an HTML page with an h-app / h-x-app (name,
 * logo) and `<link rel="redirect_uri">`. A client that cannot be read is shown by its URL.
 */
import { mf2 } from "microformats-parser";
import { HTML_ACCEPT, politeFetch, userAgentFor } from "../ingest/fetch.ts";
import { CLIENT_FETCH_MAX_REDIRECTS, CLIENT_FETCH_TIMEOUT_MS, MAX_CLIENT_BYTES, MAX_CLIENT_NAME_CHARS, MAX_CLIENT_REDIRECTS, MAX_URL_CHARS } from "./limits.ts";
import { isLoopback } from "./request.ts";

export interface ClientInfo {
  /** The client's name, or undefined (the page then shows its URL). */
  name?: string;
  /** An https (or data:) logo URL. */
  logo?: string;
  /** redirect_uri values the client lists, as absolute URLs. */
  redirectUris: string[];
}

const CLIENT_ACCEPT = `application/json, ${HTML_ACCEPT}`;

const text = (value: unknown, max: number): string | undefined => (typeof value === "string" && value.trim() !== "" ? value.trim().slice(0, max) : undefined);

/** An absolute https URL (or a data: image, for the logo), bounded. */
function absoluteUrl(value: unknown, base: string, schemes: readonly string[]): string | undefined {
  if (typeof value !== "string" || value.length > MAX_URL_CHARS) return undefined;
  const url = URL.parse(value, base);
  return url && schemes.includes(url.protocol) ? url.href : undefined;
}

const LOGO_SCHEMES = ["https:", "data:"] as const;
const REDIRECT_SCHEMES = ["https:", "http:"] as const;

/** JSON client metadata: only when its `client_id` is the URL it was fetched from. */
function fromJson(body: string, clientId: string): ClientInfo | null {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return null;
  }
  if (typeof document !== "object" || document === null) return null;
  const fields = document as Record<string, unknown>;
  if (fields.client_id !== clientId) return null;
  const listed = Array.isArray(fields.redirect_uris) ? fields.redirect_uris.slice(0, MAX_CLIENT_REDIRECTS) : [];
  const name = text(fields.client_name, MAX_CLIENT_NAME_CHARS);
  const logo = absoluteUrl(fields.logo_uri, clientId, LOGO_SCHEMES);
  return {
    ...(name ? { name } : {}),
    ...(logo ? { logo } : {}),
    redirectUris: listed.flatMap((uri) => absoluteUrl(uri, clientId, REDIRECT_SCHEMES) ?? []),
  };
}

/** An HTML page: the first h-app or h-x-app, and the page's rel=redirect_uri links. */
function fromHtml(body: string, pageUrl: string): ClientInfo {
  const parsed = mf2(body, { baseUrl: pageUrl });
  const app = parsed.items.find((item) => item.type?.some((type) => type === "h-app" || type === "h-x-app"));
  const first = (name: string): unknown => {
    const value = app?.properties[name]?.[0];
    return typeof value === "object" && value !== null && "value" in value ? value.value : value;
  };
  const name = text(first("name"), MAX_CLIENT_NAME_CHARS);
  const logo = absoluteUrl(first("logo"), pageUrl, LOGO_SCHEMES);
  const listed = (parsed.rels["redirect_uri"] ?? []).slice(0, MAX_CLIENT_REDIRECTS);
  return {
    ...(name ? { name } : {}),
    ...(logo ? { logo } : {}),
    redirectUris: listed.flatMap((uri) => absoluteUrl(uri, pageUrl, REDIRECT_SCHEMES) ?? []),
  };
}

/** What the client says of itself; nothing (the URL stands for it) when it is a loopback client or cannot be read. */
export async function discoverClient(clientId: URL, home: string, fetcher?: typeof fetch): Promise<ClientInfo> {
  if (isLoopback(clientId)) return { redirectUris: [] };
  const outcome = await politeFetch(clientId.href, {
    userAgent: userAgentFor(home),
    accept: CLIENT_ACCEPT,
    timeoutMs: CLIENT_FETCH_TIMEOUT_MS,
    maxBytes: MAX_CLIENT_BYTES,
    maxRedirects: CLIENT_FETCH_MAX_REDIRECTS,
    ...(fetcher ? { fetcher } : {}),
  });
  if (outcome.kind !== "fetched") return { redirectUris: [] };
  const body = new TextDecoder("utf-8").decode(outcome.body);
  const type = (outcome.contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/json" || type.endsWith("+json")) return fromJson(body, clientId.href) ?? { redirectUris: [] };
  return fromHtml(body, outcome.url);
}
