/**
 * @module The identity metadata of the page's <head>: the pgpkey link, schema.org
 * Person JSON-LD, OpenGraph and Twitter card meta, and fediverse:creator. Data only: the JSON-LD
 * block is not executable (CSP `script-src 'none'` does not apply to `application/ld+json`).
 */
import { raw } from "hono/html";
import type { Profile } from "../config/index.ts";
import { jsonForScript, personJsonLd } from "../identity/jsonld.ts";
import { defaultFediverseAccount } from "../identity/webfinger.ts";
import type { Source } from "../model.ts";

export function IdentityHead({ profile, sources, lang }: { profile: Profile; sources: Source[]; lang: string }) {
  const creator = defaultFediverseAccount(profile, sources);
  return (
    <>
      {profile.pgpkey ? <link rel="pgpkey" href={profile.pgpkey} /> : null}
      <meta property="og:type" content="profile" />
      <meta property="og:title" content={profile.name} />
      <meta property="og:url" content={profile.url} />
      <meta property="og:locale" content={lang.replace("-", "_")} />
      {profile.note ? <meta property="og:description" content={profile.note} /> : null}
      {profile.photo ? <meta property="og:image" content={profile.photo} /> : null}
      <meta name="twitter:card" content="summary" />
      <meta name="twitter:title" content={profile.name} />
      {profile.note ? <meta name="twitter:description" content={profile.note} /> : null}
      {profile.photo ? <meta name="twitter:image" content={profile.photo} /> : null}
      {creator ? <meta name="fediverse:creator" content={`@${creator.user}@${creator.host}`} /> : null}
      <script type="application/ld+json">{raw(jsonForScript(personJsonLd(profile, sources)))}</script>
    </>
  );
}
