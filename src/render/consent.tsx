/**
 * @module The IndieAuth consent page (no script): who asks (the client's name and logo, or its
 * URL), what it asks (each scope in words), where the answer goes, and the owner's sign-in form:
 * the home URL as a read-only username and the secret as a password, so password managers fill
 * them. The form carries the request's parameters and its CSRF token as hidden fields.
 */
import { fill, type Messages } from "../i18n/languages.ts";
import { Document } from "./page.tsx";

/** What the consent form must send back, as the field names of an authorization request. */
export interface ConsentFields {
  client_id: string;
  redirect_uri: string;
  state: string;
  code_challenge: string;
  scope: string;
  me: string;
  csrf: string;
}

export interface ConsentData {
  t: Messages;
  lang: string;
  stylesheet: string;
  favicon?: string | undefined;
  home: string;
  client: { url: string; name?: string | undefined; logo?: string | undefined };
  /** Each scope asked, already in words. */
  scopes: string[];
  unknownScopes: string[];
  fields: ConsentFields;
  /** The last attempt's secret was wrong. */
  wrongSecret?: boolean;
}

const SCOPE_WORDS = {
  create: "scopeCreate",
  update: "scopeUpdate",
  delete: "scopeDelete",
  undelete: "scopeUndelete",
  media: "scopeMedia",
  profile: "scopeProfile",
  email: "scopeEmail",
} as const satisfies Record<string, keyof Messages>;

/** A scope m2 knows, in words. */
export const scopeInWords = (t: Messages, scope: keyof typeof SCOPE_WORDS): string => t[SCOPE_WORDS[scope]];

/**
 * The owner's sign-in fields, on the consent page and at /new: the home URL as a read-only user
 * name and the secret in a password field, so that a password manager fills both.
 */
export function SecretFields({ home, t }: { home: string; t: Messages }) {
  return (
    <>
      <p>
        <label for="username">{t.consentUsername}</label>
        <br />
        <input id="username" type="text" name="username" autocomplete="username" value={home} readonly />
      </p>
      <p>
        <label for="secret">{t.consentSecret}</label>
        <br />
        <input id="secret" type="password" name="secret" autocomplete="current-password" required />
      </p>
    </>
  );
}

export function ConsentPage({ t, lang, stylesheet, favicon, home, client, scopes, unknownScopes, fields, wrongSecret }: ConsentData) {
  const who = client.name ?? client.url;
  return (
    <Document lang={lang} title={fill(t.consentTitle, { client: who })} stylesheet={stylesheet} favicon={favicon}>
      <main id="content" class="error-page consent">
        {client.logo ? <img class="client-logo" src={client.logo} alt="" width="64" height="64" /> : null}
        <h1>{fill(t.consentTitle, { client: who })}</h1>
        <p>
          {fill(t.consentLead, { client: who, home })} {client.name ? <code>{client.url}</code> : null}
        </p>
        {scopes.length > 0 ? (
          <>
            <p>{t.consentScopes}</p>
            <ul class="scopes">
              {scopes.map((words) => (
                <li>{words}</li>
              ))}
            </ul>
          </>
        ) : (
          <p>{t.consentNoScopes}</p>
        )}
        {unknownScopes.length > 0 ? <p class="muted">{fill(t.consentUnknownScopes, { scopes: unknownScopes.join(", ") })}</p> : null}
        <p>{fill(t.consentRedirect, { redirect: new URL(fields.redirect_uri).origin })}</p>
        {wrongSecret ? (
          <p class="problem" role="alert">
            {t.consentWrongSecret}
          </p>
        ) : null}
        <form method="post" action="/auth">
          <input type="hidden" name="response_type" value="code" />
          <input type="hidden" name="code_challenge_method" value="S256" />
          {Object.entries(fields).map(([name, value]) => (
            <input type="hidden" name={name} value={value} />
          ))}
          <SecretFields home={home} t={t} />
          <p>
            <button type="submit" name="decision" value="approve">
              {t.consentApprove}
            </button>{" "}
            <button type="submit" name="decision" value="deny" formnovalidate>
              {t.consentDeny}
            </button>
          </p>
        </form>
      </main>
    </Document>
  );
}
