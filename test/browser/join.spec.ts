/**
 * Real-browser test of community mode, "a home in five minutes": the community admin makes an
 * invitation (POST /admin/invites), Chromium opens it, fills the sign-up form (a bad account line
 * first: the schema's message beside the field, every value kept), gets the welcome page with
 * the secret, signs in through it and lands on the new home's compose page, then its home page.
 * Zero axe-core violations and screenshots in light and dark at 360 px on the way.
 *
 * Hosts and https: pages carry https://communaute.localhost/… and https://<handle>.communaute.localhost/…
 * URLs. Miniflare serves https with its own certificate, and Chromium maps those names to its
 * port (server.ts `hostResolverRules`), so the browser opens the pages' own URLs, follows their
 * forms and redirects across the two hosts, and keeps the `__Host-` session cookie of the
 * member's host; the Worker sees each request's real hostname and https.
 *
 * Run: `npm run test:browser` (part of `npm test`).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { validateProfile } from "../../src/config/index.ts";
import { ADMIN_TOKEN, COMMUNITY_HOST, startCommunityWorker, type RunningCommunity } from "./server.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const SCREENSHOTS = join(ROOT, "screenshots");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const PLACEHOLDER = readFileSync(join(ROOT, "test/browser/placeholder.svg"));

const COMMUNITY_URL = `https://${COMMUNITY_HOST}/`;
const HANDLE = "camille";
const HOME = `https://${HANDLE}.${COMMUNITY_HOST}/`;
const NAME = "Camille Exemple";
const NOTE = "J'écris, je code, je marche.";
/** The fixture feeds of server.ts answer these accounts. */
const ACCOUNTS = ["https://mastodon.social/@camille", "https://github.com/camille"];
const BAD_LINE = "mastodon.social/@x";

let community: RunningCommunity;
let browser: Browser;

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  community = await startCommunityWorker();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", `--host-resolver-rules=${community.hostResolverRules}`],
  });
});

after(async () => {
  await browser?.close();
  await community?.dispose();
});

/** The community's own host and its members' homes. */
const isCommunityHost = (hostname: string) => hostname === COMMUNITY_HOST || hostname.endsWith(`.${COMMUNITY_HOST}`);

interface Session {
  page: Page;
  context: BrowserContext;
  /** Console errors, failed requests, HTTP errors and third-party requests. */
  problems: string[];
}

async function open(): Promise<Session> {
  // Miniflare's certificate names localhost, not the community's hosts: accepted here, nowhere else.
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 360, height: 900 }, colorScheme: "light", locale: "fr-FR", reducedMotion: "reduce" });
  const problems: string[] = [];
  await context.route("**/*", async (route) => {
    const request = route.request();
    const url = new URL(request.url());
    // The community's hosts go to Miniflare (the resolver rules); images elsewhere get a local
    // placeholder; anything else would be a third-party request: refused, and reported.
    if (url.protocol === "https:" && isCommunityHost(url.hostname)) return route.continue();
    if (request.resourceType() === "image") return route.fulfill({ status: 200, contentType: "image/svg+xml", body: PLACEHOLDER });
    problems.push(`third-party request: ${request.resourceType()} ${request.url()}`);
    return route.abort();
  });
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => problems.push(`failed: ${request.url()} ${request.failure()?.errorText ?? ""}`));
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return { page, context, problems };
}

async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]).analyze();
  return results.violations.map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
}

/** Zero axe violations, nothing wider than 360 px, and a screenshot, in light then in dark. */
async function checkBothSchemes(page: Page, name: string): Promise<void> {
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    const background = await page.evaluate("getComputedStyle(document.body).backgroundColor");
    assert.equal(background, colorScheme === "dark" ? "rgb(17, 19, 21)" : "rgb(246, 245, 241)", `${name} in ${colorScheme}`);
    const overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");
    assert.equal(overflow, 0, `${name} fits 360 px in ${colorScheme}`);
    assert.deepEqual(await axeViolations(page), [], `${name} in ${colorScheme}`);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${colorScheme}-360.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

/** The ids an element's aria-describedby names, and their texts. */
async function descriptionsOf(page: Page, selector: string): Promise<string[]> {
  const ids = ((await page.locator(selector).getAttribute("aria-describedby")) ?? "").split(/\s+/).filter(Boolean);
  return Promise.all(ids.map((id) => page.locator(`#${id}`).innerText()));
}

describe("a home in five minutes", () => {
  it("goes from an invitation to a new home: sign-up (a problem beside its field first), the secret shown once, signed in on the new home", async () => {
    // The community admin makes an invitation, on the community's host only.
    const made = await community.fetch(new URL("/admin/invites", COMMUNITY_URL).href, { method: "POST", headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(made.status, 201, await made.clone().text());
    const invitation = ((await made.json()) as { url: string }).url;
    assert.match(invitation, new RegExp(`^https://${COMMUNITY_HOST.replaceAll(".", "\\.")}/join/[A-Za-z0-9_-]{20,100}$`));
    const onMemberHost = await community.fetch(new URL("/admin/invites", HOME).href, { method: "POST", headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(onMemberHost.status, 404, "no member yet: the member's host is unknown, ADMIN_TOKEN opens nothing there");

    const { page, context, problems } = await open();
    try {
      // The invitation page: an empty form with no script.
      const opened = await page.goto(invitation, { waitUntil: "load" });
      assert.equal(opened?.status(), 200);
      assert.equal(page.url(), invitation);
      assert.equal(await page.locator("html").getAttribute("lang"), "fr");
      assert.equal(await page.locator("h1").innerText(), "Créez votre maison");
      assert.equal(await page.locator("script").count(), 0);
      assert.equal(await page.locator("[aria-invalid]").count(), 0);
      await checkBothSchemes(page, "join");

      // A bad account line: the form comes back with the schema's message beside the field, everything kept.
      const typed = `${ACCOUNTS[0]}\n${BAD_LINE}`;
      await page.locator("#join-name").fill(NAME);
      await page.locator("#join-handle").fill(HANDLE);
      await page.locator("#join-note").fill(NOTE);
      await page.locator("#join-lang").selectOption("fr");
      await page.locator("#join-accounts").fill(typed);
      await page.locator("#join-community").check();
      const [refused] = await Promise.all([page.waitForResponse((response) => response.request().method() === "POST" && response.url() === invitation), page.getByRole("button", { name: "Créer ma maison" }).click()]);
      assert.equal(refused.status(), 400);
      await page.waitForLoadState("load");
      const schema = validateProfile({ name: NAME, url: HOME, lang: "fr", note: NOTE, accounts: [...ACCOUNTS.slice(0, 1), BAD_LINE].map((url) => ({ url })) });
      assert.equal(schema.ok, false);
      const expected = schema.ok ? "" : schema.problems[0]!.replace(/^accounts\[1\]\.url: /, "");
      assert.match(expected, /mastodon\.social\/@x/);
      assert.equal(await page.locator("#join-accounts").getAttribute("aria-invalid"), "true");
      const described = await descriptionsOf(page, "#join-accounts");
      assert.ok(described.some((text) => text === `Ligne 2 : ${expected}`), `the accounts field is described by the schema's message, got ${JSON.stringify(described)}`);
      assert.equal(await page.locator("#join-accounts-problem").innerText(), `Ligne 2 : ${expected}`);
      assert.equal(await page.getByRole("alert").innerText(), "Quelque chose est à corriger : voyez les messages à côté des champs.");
      // Only the accounts field is marked.
      assert.deepEqual(await page.locator("[aria-invalid=true]").evaluateAll((fields) => fields.map((field) => field.id)), ["join-accounts"]);
      assert.equal(await page.locator("#join-name").inputValue(), NAME);
      assert.equal(await page.locator("#join-handle").inputValue(), HANDLE);
      assert.equal(await page.locator("#join-note").inputValue(), NOTE);
      assert.equal(await page.locator("#join-lang").inputValue(), "fr");
      assert.equal(await page.locator("#join-accounts").inputValue(), typed);
      assert.equal(await page.locator("#join-community").isChecked(), true);
      assert.deepEqual(await axeViolations(page), [], "the join page with its problem");
      await page.screenshot({ path: join(SCREENSHOTS, "join-problem-light-360.png"), fullPage: true });
      // The one expected error: the refused form's 400 (Chromium logs it to the console too).
      assert.deepEqual(problems.sort(), [`HTTP 400: ${invitation}`, "console error: Failed to load resource: the server responded with a status of 400 (Bad Request)"]);
      problems.length = 0;

      // Fixed, submitted: the welcome page, with the secret shown once in a sign-in form.
      await page.locator("#join-accounts").fill(ACCOUNTS.join("\n"));
      const [welcomed] = await Promise.all([page.waitForResponse((response) => response.request().method() === "POST" && response.url() === invitation), page.getByRole("button", { name: "Créer ma maison" }).click()]);
      assert.equal(welcomed.status(), 201);
      await page.waitForLoadState("load");
      assert.equal(await page.locator("h1").innerText(), "Votre maison est prête");
      assert.match(await page.locator("main").innerText(), new RegExp(HOME.replaceAll(".", "\\.")));
      const secret = await page.locator("#secret").inputValue();
      assert.match(secret, /^[A-Za-z0-9_-]{40,}$/, "a long random secret");
      assert.equal(await page.locator("#username").inputValue(), HANDLE);
      assert.equal(await page.locator("form").getAttribute("action"), new URL("/new/session", HOME).href);
      assert.deepEqual(await page.locator("main li a").evaluateAll((links) => links.map((link) => link.getAttribute("href"))), ACCOUNTS);
      await checkBothSchemes(page, "welcome");

      // The invitation was used: opening it again is refused.
      const again = await community.fetch(invitation);
      assert.equal(again.status, 410);

      // The welcome form signs in on the new home (another host, https) and lands on its compose page.
      await Promise.all([page.waitForURL(new URL("/new", HOME).href), page.getByRole("button", { name: "Enregistrer et aller à ma maison" }).click()]);
      await page.waitForLoadState("load");
      assert.equal(await page.locator("h1").innerText(), "Écrire");
      const cookies = (await context.cookies(HOME)).filter((one) => one.name === "__Host-m2-session");
      assert.equal(cookies.length, 1, "Chromium kept the __Host- session cookie for the new home");
      const [cookie] = cookies;
      assert.equal(cookie!.domain, `${HANDLE}.${COMMUNITY_HOST}`);
      assert.equal(cookie!.secure, true);
      assert.equal(cookie!.httpOnly, true);
      assert.equal(cookie!.sameSite, "Strict");
      assert.equal((await context.cookies(COMMUNITY_URL)).length, 0, "no cookie on the community's host");
      assert.deepEqual(await axeViolations(page), [], "the new home's compose page");

      // The new home: the person's name as the h-card, the accounts as the link hub.
      const home = await page.goto(HOME, { waitUntil: "load" });
      assert.equal(home?.status(), 200);
      assert.equal(await page.locator("h1").count(), 1);
      assert.equal(await page.locator(".h-card.profile h1 .p-name").innerText(), NAME);
      assert.equal(await page.locator(".h-card.profile .p-name").getAttribute("href"), HOME);
      assert.equal(await page.locator(".h-card.profile .p-note").innerText(), NOTE);
      assert.deepEqual(await page.locator("nav .links a").evaluateAll((links) => links.map((link) => link.getAttribute("href"))), ACCOUNTS);
      await checkBothSchemes(page, "new-home");

      // The community's page lists the new member, linking their home.
      await page.goto(COMMUNITY_URL, { waitUntil: "load" });
      assert.deepEqual(await page.locator("li.h-card .p-name").evaluateAll((links) => links.map((link) => [link.textContent?.trim(), link.getAttribute("href")])), [[NAME, HOME]]);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it("never reached the network", () => {
    assert.deepEqual(community.outbound, []);
  });
});
