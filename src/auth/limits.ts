/**
 * @module Every bound on what the outside sends the IndieAuth server, in one place: a parameter
 * longer than its bound is refused before it is read further.
 */

/** A URL parameter (client_id, redirect_uri, me): the length browsers and servers agree on. */
export const MAX_URL_CHARS = 2_048;
/** The client's `state`, echoed back untouched. */
export const MAX_STATE_CHARS = 1_024;
/** The whole `scope` parameter. */
export const MAX_SCOPE_CHARS = 1_000;
/** Scopes in one request (m2 knows 7). */
export const MAX_SCOPES = 20;
/** One scope token. */
export const MAX_SCOPE_TOKEN_CHARS = 64;
/** A code, a token or an ADMIN_TOKEN sent in a form or a header. */
export const MAX_SECRET_CHARS = 512;
/** A form body posted to /auth, /auth/token, /auth/introspect or /auth/revoke. */
export const MAX_FORM_BYTES = 16_384;
/** The client_id page or JSON document read for the client's name, logo and redirect URIs. */
export const MAX_CLIENT_BYTES = 262_144;
/** How long the client_id fetch may take, redirects included. */
export const CLIENT_FETCH_TIMEOUT_MS = 5_000;
/** Redirects followed when fetching client_id. */
export const CLIENT_FETCH_MAX_REDIRECTS = 3;
/** The client's name as shown on the consent page. */
export const MAX_CLIENT_NAME_CHARS = 100;
/** redirect_uri values a client may list. */
export const MAX_CLIENT_REDIRECTS = 20;
/** The delegated token endpoint's answer. */
export const MAX_DELEGATED_ANSWER_BYTES = 16_384;
/** How long the delegated token endpoint may take. */
export const DELEGATED_TIMEOUT_MS = 5_000;
