/**
 * @module The profile.json schema: the one file a person edits, validated with valibot.
 *
 * This module is plain TypeScript with no Worker or JSX imports, so `npm run check` can run it
 * directly in Node, and `scripts/profile-schema.ts` can turn it into `profile.schema.json`.
 */
import * as v from "valibot";
import { LANGUAGES } from "../i18n/languages.ts";

const show = (input: unknown): string => JSON.stringify(input) ?? String(input);

function parseUrl(input: string): URL | undefined {
  try {
    return new URL(input);
  } catch {
    return undefined;
  }
}

/** An absolute URL whose scheme is one of `schemes`, with a message that shows what was given. */
function urlWith(schemes: readonly string[], what: string) {
  return v.pipe(
    v.string(`expected ${what}`),
    v.trim(),
    v.check((input) => {
      const url = parseUrl(input);
      return url !== undefined && schemes.includes(url.protocol) && (url.protocol === "mailto:" || url.hostname !== "");
    }, (issue) => `expected ${what}, got ${show(issue.input)}`),
  );
}

/** True when every percent-escape of `input` decodes as UTF-8 (`%C3%A9`, not Latin-1's `%E9`). */
function decodable(input: string): boolean {
  try {
    decodeURIComponent(input);
    return true;
  } catch {
    return false;
  }
}

/** Accounts one profile may list: each is a source the cron reads and a rel=me link the page shows. */
export const MAX_ACCOUNTS = 500;

const httpsUrl = urlWith(["https:"], "an https URL");
const webUrl = urlWith(["https:", "http:"], "an http(s) URL");
// The handle is read from an account URL's path or fragment by decoding its escapes (a mailto:
// address, a Matrix id): an escape that is not UTF-8 is refused here, by its path, not met later.
const accountUrl = v.pipe(
  urlWith(["https:", "http:", "mailto:"], "an https or mailto: URL"),
  v.check(decodable, (issue) => `expected percent-escapes of UTF-8 text (%C3%A9 for é), got ${show(issue.input)}`),
);

const languageTags = LANGUAGES.map((language) => language.code);
const lang = v.pipe(
  v.string(),
  v.check(
    (input) => languageTags.includes(input.toLowerCase().split("-")[0] ?? ""),
    (issue) => `expected one of the page languages ${languageTags.map(show).join(", ")} (a region such as "fr-CA" is fine), got ${show(issue.input)}`,
  ),
);

const sourceId = v.pipe(
  v.string(),
  v.regex(/^[a-z0-9][a-z0-9-]{0,39}$/, (issue) => `expected lowercase letters, digits and dashes (at most 40), got ${show(issue.input)}`),
);

const positiveInt = (max: number) =>
  v.pipe(v.number(), v.integer("expected a whole number"), v.minValue(1, "expected at least 1"), v.maxValue(max, `expected at most ${max}`));

export const AccountSchema = v.strictObject({
  url: v.pipe(accountUrl, v.description("Your profile on the service, exactly as it should appear on the page (and as rel=me checkers compare it).")),
  feed: v.optional(v.pipe(webUrl, v.description("The account's feed; derived from the URL or discovered from the page when absent."))),
  label: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty("expected a non-empty label"), v.maxLength(80, "expected at most 80 characters"), v.description("Text of the link on the page; the service name by default."))),
  id: v.optional(v.pipe(sourceId, v.description("Stable id of this source in URLs (/feeds/<id>.xml, ?source=<id>); derived from the service and handle by default."))),
  identity: v.optional(v.pipe(v.boolean(), v.description("Link with rel=me (true for profiles you own; false for a plain link). Default: true."))),
  authn: v.optional(v.pipe(v.boolean(), v.description("This account can log you in through IndieAuth (RelMeAuth): adds rel=\"me authn\"."))),
});

export const SettingsSchema = v.strictObject({
  refreshMinutes: v.optional(v.pipe(positiveInt(1440), v.description("The refresh interval: keep it equal to the cron in wrangler.toml. It paces the rotation of sources beyond 50 and is the first backoff step after a failure. Default: 30.")), 30),
  itemsPerSource: v.optional(v.pipe(positiveInt(500), v.description("Items kept per source. Default: 50.")), 50),
  maxItems: v.optional(v.pipe(positiveInt(10000), v.description("Items kept in the merged timeline. Default: 200.")), 200),
  pageItems: v.optional(v.pipe(positiveInt(200), v.description("Items shown on the page. Default: 20.")), 20),
  feedItems: v.optional(v.pipe(positiveInt(500), v.description("Items in the merged feeds. Default: 50.")), 50),
  fetchTimeoutSeconds: v.optional(v.pipe(positiveInt(60), v.description("Per-request timeout when fetching a feed. Default: 10.")), 10),
  maxFeedBytes: v.optional(v.pipe(positiveInt(25_000_000), v.description("Largest feed body read, in bytes. Default: 5000000.")), 5_000_000),
  cpuMsPerRun: v.optional(
    v.pipe(
      positiveInt(30_000),
      v.description("CPU milliseconds one refresh run may spend, by m2's estimate. Workers Free allows 10 per invocation (the default): work past it (sources, new entries) waits for the next run; on Workers Paid set 30000 and every source is read whole in one run. Default: 10."),
    ),
    10,
  ),
});

/** A DID that Bluesky accepts for a domain handle: did:plc (base32, 24 chars) or a host-level did:web. */
export const ATPROTO_DID = /^(did:plc:[a-z2-7]{24}|did:web:[a-z0-9-]+(\.[a-z0-9-]+)+)$/;

/** The local part of `acct:<alias>@<home host>`. */
const WEBFINGER_ALIAS = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** A fediverse (Mastodon-style) account URL, the only kind a WebFinger alias can stand for. */
export const FEDIVERSE_ACCOUNT = /^https:\/\/[^/@\s]+\/@[A-Za-z0-9_.-]+$/;

export const IndieAuthSchema = v.pipe(
  v.strictObject({
    metadata: v.optional(v.pipe(httpsUrl, v.description("Your IndieAuth server's metadata document: <link rel=\"indieauth-metadata\">."))),
    authorization_endpoint: v.optional(v.pipe(httpsUrl, v.description("The authorization endpoint of the server you delegate to: <link rel=\"authorization_endpoint\">, for clients that predate the metadata document."))),
    token_endpoint: v.optional(
      v.pipe(
        httpsUrl,
        v.description("The token endpoint of the server you delegate to (needs authorization_endpoint): <link rel=\"token_endpoint\">, and where m2 checks the tokens its Micropub receives (without it, only ADMIN_TOKEN is accepted)."),
      ),
    ),
  }),
  v.check((input) => input.metadata !== undefined || input.authorization_endpoint !== undefined, "expected metadata or authorization_endpoint"),
  v.check((input) => input.token_endpoint === undefined || input.authorization_endpoint !== undefined, "token_endpoint needs authorization_endpoint"),
  v.description(
    "Delegate IndieAuth to another server (e.g. indieauth.com). Absent (the default), your home is its own IndieAuth server: you sign in on its /auth page with your ADMIN_TOKEN. Set, m2 runs no server of its own (/auth and /.well-known/oauth-authorization-server answer 404) and the page links these endpoints instead.",
  ),
);

/** A domain of the Webmention blocklist (its subdomains are blocked with it). */
const DOMAIN = /^[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})+$/;

export const WebmentionsSchema = v.strictObject({
  moderation: v.optional(
    v.pipe(v.picklist(["hold", "publish"], 'expected "hold" or "publish"'), v.description('"hold" (the default): a verified mention waits for your approval (POST /admin/mentions/approve) before it is shown; "publish": shown as soon as verified.')),
    "hold",
  ),
  blocklist: v.optional(
    v.pipe(
      v.array(v.pipe(v.string(), v.trim(), v.toLowerCase(), v.regex(DOMAIN, (issue) => `expected a domain such as "spam.example", got ${show(issue.input)}`))),
      v.maxLength(1000, "expected at most 1000 domains"),
      v.description("Domains (and their subdomains) whose Webmentions are dropped unread."),
    ),
    [],
  ),
});

export const WebSubSchema = v.strictObject({
  hub: v.pipe(httpsUrl, v.description("Your WebSub hub (e.g. https://pubsubhubbub.appspot.com/): every feed names it with rel=\"hub\", and m2 pings it when the merged feeds change.")),
});

/** A fediverse username: what Mastodon accepts in `@name@host` (letters, digits, `_`, and `.`/`-` inside). */
const ACTOR_USERNAME = /^[a-z0-9_](?:[a-z0-9_.-]{0,28}[a-z0-9_])?$/;

export const ActorSchema = v.strictObject({
  username: v.optional(
    v.pipe(
      v.string(),
      v.regex(ACTOR_USERNAME, (issue) => `expected a lowercase fediverse name such as "camille" (letters, digits, _ . -; at most 30), got ${show(issue.input)}`),
      v.description("Your fediverse name: people follow @<username>@<your domain> from Mastodon. It takes precedence over a webfinger alias of the same name. Default: the first label of your home's host (camille for camille.example)."),
    ),
  ),
  boost: v.optional(
    v.pipe(
      v.boolean(),
      v.description("Also announce (boost) to your followers the new posts of your fediverse accounts, as the merged feed shows them (at most 5 per cron run; other services' posts are no ActivityPub objects). Default: false (only the posts you write on this home are sent)."),
    ),
  ),
});

export const ProfileSchema = v.pipe(
  v.strictObject({
    $schema: v.optional(v.string()),
    name: v.pipe(v.string("expected your name as text"), v.trim(), v.nonEmpty("expected your name, got an empty string"), v.maxLength(100, "expected at most 100 characters"), v.description("Your name, as shown on the page and in the feeds.")),
    url: v.pipe(httpsUrl, v.description("Your home URL, exactly as your accounts link to it (https).")),
    photo: v.optional(v.pipe(httpsUrl, v.description("Avatar image URL (https)."))),
    note: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(500, "expected at most 500 characters"), v.description("A short bio, as plain text."))),
    pronouns: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty("expected pronouns, got an empty string"), v.maxLength(40, "expected at most 40 characters"), v.description("Your pronouns, shown under your name (\"elle/she\")."))),
    locality: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty("expected a place, got an empty string"), v.maxLength(80, "expected at most 80 characters"), v.description("Where you are, shown under your name (\"Lyon, France\")."))),
    accent: v.optional(
      v.pipe(
        v.string(),
        v.regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, (issue) => `expected a hex colour such as "#0b5cad", got ${show(issue.input)}`),
        v.description("Accent colour of the page (hex). m2 darkens or lightens it per theme so text keeps a 4.5:1 contrast."),
      ),
    ),
    lang: v.optional(v.pipe(lang, v.description("Language of the page and feeds by default (\"fr\" or \"en\").")), "fr"),
    accounts: v.pipe(
      v.array(AccountSchema, "expected a list of accounts"),
      v.maxLength(MAX_ACCOUNTS, `expected at most ${MAX_ACCOUNTS} accounts`),
      v.description("Your accounts elsewhere: paste each profile URL; the feed is found for you. None is fine: a home can start with only a note and your own posts."),
    ),
    webfinger: v.optional(
      v.pipe(
        v.record(
          v.pipe(v.string(), v.regex(WEBFINGER_ALIAS, (issue) => `expected a lowercase alias such as "camille", got ${show(issue.input)}`)),
          v.pipe(
            v.string(),
            v.regex(FEDIVERSE_ACCOUNT, (issue) => `expected a fediverse account URL of the form https://host/@user, got ${show(issue.input)}`),
          ),
        ),
        v.description(
          "WebFinger aliases: acct:<alias>@<your domain> finds the fediverse account given (one of accounts[].url); several aliases may point to different accounts. Default: each fediverse account's username.",
        ),
      ),
    ),
    atproto: v.optional(
      v.pipe(
        v.string(),
        v.regex(ATPROTO_DID, (issue) => `expected a DID such as "did:plc:…" (24 letters and digits) or "did:web:example.com", got ${show(issue.input)}`),
        v.description("Your Bluesky account's DID: served at /.well-known/atproto-did so your domain can be your Bluesky handle."),
      ),
    ),
    indieauth: v.optional(IndieAuthSchema),
    pgpkey: v.optional(v.pipe(httpsUrl, v.description("URL of your public PGP key: linked with rel=\"pgpkey\"."))),
    webmentions: v.optional(v.pipe(WebmentionsSchema, v.description("Received Webmentions: moderation and blocklist.")), {}),
    websub: v.optional(v.pipe(WebSubSchema, v.description("Announce the feeds to a WebSub hub."))),
    actor: v.optional(v.pipe(ActorSchema, v.description("Your home as a fediverse account (ActivityPub): its name, and whether it boosts your other accounts' posts."))),
    settings: v.optional(SettingsSchema, {}),
    community: v.optional(v.pipe(v.boolean("expected true or false"), v.description("In a community's m2 (community.json): show your posts and activity on the community's planet feeds. Off by default."))),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const seenUrls = new Map<string, number>();
    const seenIds = new Map<string, number>();
    dataset.value.accounts.forEach((account, index) => {
      const key = account.url.toLowerCase().replace(/\/+$/, "");
      const first = seenUrls.get(key);
      if (first !== undefined) {
        addIssue({
          message: `duplicate account: same URL as accounts[${first}] (${show(account.url)})`,
          path: accountPath(dataset.value, index, "url"),
        });
      } else seenUrls.set(key, index);
      if (account.id !== undefined) {
        const firstId = seenIds.get(account.id);
        if (firstId !== undefined) {
          addIssue({
            message: `duplicate id: accounts[${firstId}] already uses ${show(account.id)}`,
            path: accountPath(dataset.value, index, "id"),
          });
        } else seenIds.set(account.id, index);
      }
    });
    const accountUrls = new Set(dataset.value.accounts.map((account) => account.url.toLowerCase()));
    for (const [alias, target] of Object.entries(dataset.value.webfinger ?? {})) {
      if (!accountUrls.has(target.toLowerCase())) {
        addIssue({
          message: `webfinger alias ${show(alias)} points to ${show(target)}, which is not one of accounts[].url`,
          path: [{ type: "object", origin: "value", input: dataset.value, key: "webfinger", value: dataset.value.webfinger }],
        });
      }
    }
  }),
);

/** The path valibot would give `accounts[index].key`, so these issues print like all others. */
function accountPath(profile: { accounts: Record<string, unknown>[] }, index: number, key: string): [v.ObjectPathItem, v.ArrayPathItem, v.ObjectPathItem] {
  const account = profile.accounts[index] ?? {};
  return [
    { type: "object", origin: "value", input: profile, key: "accounts", value: profile.accounts },
    { type: "array", origin: "value", input: profile.accounts, key: index, value: account },
    { type: "object", origin: "value", input: account, key, value: account[key] },
  ];
}

export type ProfileInput = v.InferInput<typeof ProfileSchema>;
export type Profile = v.InferOutput<typeof ProfileSchema>;
export type Account = v.InferOutput<typeof AccountSchema>;
export type Settings = v.InferOutput<typeof SettingsSchema>;
export type IndieAuth = v.InferOutput<typeof IndieAuthSchema>;
export type ActorSettings = v.InferOutput<typeof ActorSchema>;
