/**
 * Real-browser tests: Debian's Chromium (driven by playwright-core) against the bundled Worker
 * hosted by Miniflare with fixture feeds (see server.ts). Checks what only a browser can: the page
 * in light and dark at 360 and 1280 px, no console errors or failed requests, every account link
 * reachable with Tab, zero axe-core violations, the status page, and writing a note at /new (sign
 * in, preview, publish), a post with comments (Webmentions received, verified by the cron and
 * approved at /new/mentions in the browser). Screenshots go to screenshots/.
 *
 * Run: `npm run test:browser` (part of `npm test`).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { ADMIN_TOKEN, CONVERSATION_POST, MENTION_SOURCES, startWorker, type RunningWorker } from "./server.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const SCREENSHOTS = join(ROOT, "screenshots");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const profile = JSON.parse(readFileSync(join(ROOT, "test/browser/profile.json"), "utf8")) as { photo: string; accounts: { url: string }[] };

/** The remote images of the profile and the fixture feeds, answered locally by the browser. */
const PLACEHOLDER = readFileSync(join(ROOT, "test/browser/placeholder.svg"));

let worker: RunningWorker;
let browser: Browser;

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  worker = await startWorker();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
});

after(async () => {
  await browser?.close();
  await worker?.dispose();
});

interface Visit {
  page: Page;
  context: BrowserContext;
  /** Console errors, failed requests, HTTP errors and requests that left the Worker's origin unanswered. */
  problems: string[];
  /** Every request the page made, with its resource type. */
  requests: { url: string; type: string }[];
}

async function visit(path: string, options: { colorScheme: "light" | "dark"; width: number; locale?: string }): Promise<Visit> {
  const context = await browser.newContext({
    viewport: { width: options.width, height: 900 },
    colorScheme: options.colorScheme,
    locale: options.locale ?? "fr-FR",
    reducedMotion: "reduce",
  });
  const problems: string[] = [];
  const requests: { url: string; type: string }[] = [];
  // Images hosted elsewhere (the avatar, feed thumbnails) get a local placeholder; anything else
  // off the Worker's origin would be a third-party request: refused, and reported below.
  await context.route("**/*", async (route) => {
    const request = route.request();
    if (request.url().startsWith(worker.url)) return route.continue();
    if (request.resourceType() === "image") return route.fulfill({ status: 200, contentType: "image/svg+xml", body: PLACEHOLDER });
    problems.push(`third-party request: ${request.resourceType()} ${request.url()}`);
    return route.abort();
  });
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => requests.push({ url: request.url(), type: request.resourceType() }));
  page.on("requestfailed", (request) => problems.push(`failed: ${request.url()} ${request.failure()?.errorText ?? ""}`));
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  const response = await page.goto(worker.url + path, { waitUntil: "load" });
  assert.equal(response?.status(), 200, `${path} answered ${response?.status()}`);
  // Lazy images below the fold load once scrolled to: load them all, so none is missed.
  await page.evaluate("window.scrollTo(0, document.body.scrollHeight)");
  await page.waitForLoadState("networkidle");
  await page.evaluate("window.scrollTo(0, 0)");
  return { page, context, problems, requests };
}

async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]).analyze();
  return results.violations.map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
}

for (const colorScheme of ["light", "dark"] as const) {
  for (const width of [360, 1280]) {
    describe(`the home page, ${colorScheme}, ${width} px`, () => {
      it("renders with no console error, no failed or third-party request, and zero axe violations", async () => {
        const { page, context, problems, requests } = await visit("/", { colorScheme, width });
        try {
          await page.screenshot({ path: join(SCREENSHOTS, `home-${colorScheme}-${width}.png`), fullPage: true });
          assert.deepEqual(problems, []);
          assert.equal(await page.locator("h1").count(), 1);
          assert.equal(await page.locator("h1").innerText(), "Camille Exemple");
          assert.equal(await page.locator("html").getAttribute("lang"), "fr");
          // No script, no web font: only the document, its stylesheet, the favicon and images.
          assert.deepEqual(requests.filter((request) => !["document", "stylesheet", "image", "other"].includes(request.type)), []);
          const background = await page.evaluate("getComputedStyle(document.body).backgroundColor");
          assert.equal(background, colorScheme === "dark" ? "rgb(17, 19, 21)" : "rgb(246, 245, 241)");
          // Nothing wider than the viewport (the 320–360 px promise).
          const overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");
          assert.equal(overflow, 0);
          assert.deepEqual(await axeViolations(page), []);
        } finally {
          await context.close();
        }
      });
    });
  }
}

describe("the link hub", () => {
  it("has every account as a link, each reachable with the Tab key in profile order", async () => {
    const { page, context } = await visit("/", { colorScheme: "light", width: 360 });
    try {
      const hrefs = await page.locator("nav .links a").evaluateAll((links) => links.map((link) => link.getAttribute("href")));
      assert.deepEqual(hrefs, profile.accounts.map((account) => account.url));
      const focused: string[] = [];
      // Tab until the last account link has focus (or give up after 40 presses).
      for (let press = 0; press < 40 && focused.at(-1) !== hrefs.at(-1); press++) {
        await page.keyboard.press("Tab");
        const href = (await page.evaluate("document.activeElement && document.activeElement.getAttribute('href')")) as string | null;
        if (href) focused.push(href);
      }
      const reached = focused.filter((href) => hrefs.includes(href));
      assert.deepEqual(reached, hrefs);
      // The first Tab lands on the skip link, which is then visible.
      assert.equal(focused[0], "#content");
    } finally {
      await context.close();
    }
  });
});

describe("narrow screens and paper", () => {
  it("fits 320 px without sideways scrolling, and prints without the footer", async () => {
    const { page, context, problems } = await visit("/", { colorScheme: "light", width: 320 });
    try {
      const overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");
      assert.equal(overflow, 0);
      await page.emulateMedia({ media: "print" });
      await page.screenshot({ path: join(SCREENSHOTS, "home-print.png"), fullPage: true });
      assert.equal(await page.locator(".page-footer").isVisible(), false);
      // Printed account links spell out their address.
      const after = (await page.evaluate("getComputedStyle(document.querySelector('.link'), '::after').content")) as string;
      assert.match(after, /attr\(href\)|mastodon\.social/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe("languages", () => {
  it("switches to English through Accept-Language and back to French through the switch link", async () => {
    const { page, context, problems } = await visit("/", { colorScheme: "light", width: 1280, locale: "en-GB" });
    try {
      assert.equal(await page.locator("html").getAttribute("lang"), "en");
      assert.equal(await page.locator("#recent").innerText(), "RECENT ACTIVITY");
      await page.screenshot({ path: join(SCREENSHOTS, "home-en-light-1280.png"), fullPage: true });
      await page.getByRole("link", { name: "Lire en français" }).click();
      await page.waitForLoadState("load");
      assert.equal(await page.locator("html").getAttribute("lang"), "fr");
      assert.equal(await page.locator("#recent").innerText(), "ACTIVITÉ RÉCENTE");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe("the status page", () => {
  for (const colorScheme of ["light", "dark"] as const) {
    it(`lists every source, ${colorScheme}, with zero axe violations`, async () => {
      const { page, context, problems } = await visit("/status", { colorScheme, width: 360 });
      try {
        await page.screenshot({ path: join(SCREENSHOTS, `status-${colorScheme}-360.png`), fullPage: true });
        assert.deepEqual(problems, []);
        assert.equal(await page.locator("h1").count(), 1);
        assert.equal(await page.locator(".source-card").count(), profile.accounts.length);
        assert.equal(await page.locator(".badge-fail").count(), 1);
        assert.match(await page.locator(".source-card", { hasText: "Codeberg" }).innerText(), /introuvable/);
        assert.deepEqual(await axeViolations(page), []);
      } finally {
        await context.close();
      }
    });
  }
});

/** Every control of a form has a label, and Tab reaches each one (a radio group is one stop). */
async function checkControls(page: Page): Promise<void> {
  const unlabelled = (await page.evaluate(
    "[...document.querySelectorAll('input:not([type=hidden]), textarea, select')].filter((field) => field.labels.length === 0).map((field) => field.name)",
  )) as string[];
  assert.deepEqual(unlabelled, []);
  const count = (await page.evaluate(
    "(() => { const controls = [...document.querySelectorAll('input:not([type=hidden]), textarea, select, button, a[href]')].filter((control) => control.type !== 'radio' || control.checked); controls.forEach((control, index) => control.setAttribute('data-tab-stop', String(index))); return controls.length; })()",
  )) as number;
  const reached = new Set<string>();
  for (let press = 0; press < count + 10 && reached.size < count; press++) {
    await page.keyboard.press("Tab");
    const stop = (await page.evaluate("document.activeElement && document.activeElement.getAttribute('data-tab-stop')")) as string | null;
    if (stop !== null) reached.add(stop);
  }
  assert.equal(reached.size, count, `Tab reached ${reached.size} of ${count} controls`);
}

describe("writing on the home at /new", () => {
  it("signs in, previews and publishes a note that the home page then shows; zero axe violations, every field labelled and reached with Tab", async () => {
    const { page, context, problems } = await visit("/new", { colorScheme: "light", width: 360 });
    try {
      // The sign-in page.
      assert.equal(await page.locator("h1").innerText(), "Se connecter pour écrire");
      assert.equal(await page.locator("#username").inputValue(), "https://camille.example/");
      assert.deepEqual(await axeViolations(page), []);
      await checkControls(page);
      await page.locator("#secret").fill(ADMIN_TOKEN);
      await Promise.all([page.waitForURL(`${worker.url}/new`), page.getByRole("button", { name: "Se connecter" }).click()]);
      // The session cookie, as Chromium kept it on http://127.0.0.1 (a secure context for cookies).
      const cookie = (await context.cookies()).find((one) => one.name === "__Host-m2-session");
      assert.ok(cookie, "Chromium kept the __Host- session cookie");
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.secure, true);
      assert.equal(cookie.sameSite, "Strict");
      assert.equal(cookie.path, "/");
      // The compose page.
      assert.equal(await page.locator("h1").innerText(), "Écrire");
      const overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");
      assert.equal(overflow, 0);
      assert.deepEqual(await axeViolations(page), []);
      await checkControls(page);
      await page.screenshot({ path: join(SCREENSHOTS, "compose-light-360.png"), fullPage: true });
      // Write, preview: the text is rendered and still in the form.
      const text = "Une note écrite **dans Chromium**, sans JavaScript.";
      await page.locator("#text").fill(text);
      await page.locator("#category").fill("essai, navigateur");
      await Promise.all([page.waitForLoadState("load"), page.getByRole("button", { name: "Aperçu" }).click()]);
      assert.equal(await page.locator(".preview .e-content strong").innerText(), "dans Chromium");
      assert.equal(await page.locator("#text").inputValue(), text);
      assert.equal(await page.locator("#category").inputValue(), "essai, navigateur");
      assert.deepEqual(await axeViolations(page), []);
      // Publish: the permalink, then the home page.
      await Promise.all([page.waitForURL(/\/notes\/[a-z0-9]+$/), page.getByRole("button", { name: "Publier" }).click()]);
      assert.equal(await page.locator(".h-entry .e-content strong").innerText(), "dans Chromium");
      await page.goto(`${worker.url}/`, { waitUntil: "load" });
      assert.match(await page.locator("main").innerText(), /Une note écrite dans Chromium/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it("shows the compose page in dark at 360 px, with zero axe violations", async () => {
    const { page, context, problems } = await visit("/new", { colorScheme: "dark", width: 360 });
    try {
      await page.locator("#secret").fill(ADMIN_TOKEN);
      await Promise.all([page.waitForURL(`${worker.url}/new`), page.getByRole("button", { name: "Se connecter" }).click()]);
      assert.equal(await page.locator("h1").innerText(), "Écrire");
      // The note published by the test above is listed, with its Edit link and Delete button.
      assert.equal(await page.locator(".own-posts li").count() >= 1, true);
      await page.screenshot({ path: join(SCREENSHOTS, "compose-dark-360.png"), fullPage: true });
      const overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");
      assert.equal(overflow, 0);
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe("editing the profile at /new/profile", () => {
  it("shows the schema's message beside the accounts field with the form kept, previews and saves; zero axe violations, every field labelled and reached with Tab", async () => {
    const { page, context, problems } = await visit("/new", { colorScheme: "light", width: 360 });
    try {
      await page.locator("#secret").fill(ADMIN_TOKEN);
      await Promise.all([page.waitForURL(`${worker.url}/new`), page.getByRole("button", { name: "Se connecter" }).click()]);
      await Promise.all([page.waitForURL(`${worker.url}/new/profile`), page.getByRole("link", { name: "Modifier votre profil" }).click()]);
      assert.equal(await page.locator("h1").innerText(), "Modifier votre profil");
      assert.deepEqual(await axeViolations(page), []);
      await checkControls(page);
      const accounts = `${profile.accounts[0]!.url}\nmastodon.social/@camille`;
      await page.locator("#profile-accounts").fill(accounts);
      await page.locator("#profile-note").fill("Une bio tapée dans Chromium.");
      await Promise.all([page.waitForLoadState("load"), page.getByRole("button", { name: "Enregistrer le profil" }).click()]);
      // The schema's message, beside the field that has it, and nothing typed lost.
      assert.match(await page.locator("#profile-accounts-problem").innerText(), /^Ligne 2 : expected an https or mailto: URL, got "mastodon.social\/@camille"/);
      assert.equal(await page.locator("#profile-accounts").getAttribute("aria-invalid"), "true");
      assert.equal(await page.locator("#profile-accounts").inputValue(), accounts);
      assert.equal(await page.locator("#profile-note").inputValue(), "Une bio tapée dans Chromium.");
      assert.deepEqual(await axeViolations(page), []);
      await page.screenshot({ path: join(SCREENSHOTS, "profile-problem-light-360.png"), fullPage: true });
      // Fixed, previewed (the page's card), then saved.
      await page.locator("#profile-accounts").fill(`${profile.accounts[0]!.url}\nhttps://github.com/camille`);
      await Promise.all([page.waitForLoadState("load"), page.getByRole("button", { name: "Aperçu" }).click()]);
      assert.equal(await page.locator(".preview .p-note").innerText(), "Une bio tapée dans Chromium.");
      assert.deepEqual(await axeViolations(page), []);
      await Promise.all([page.waitForURL(`${worker.url}/new/profile?saved=1`), page.getByRole("button", { name: "Enregistrer le profil" }).click()]);
      assert.equal(await page.locator("p[role=status]").innerText(), "Votre profil est enregistré : version 1.");
      assert.equal(await page.locator("#profile-note").inputValue(), "Une bio tapée dans Chromium.");
      assert.deepEqual(await axeViolations(page), []);
      // The one expected error answer, the refused save (and Chromium's console line about it): nothing else.
      const refused = [`HTTP 400: ${worker.url}/new/profile`, "console error: Failed to load resource: the server responded with a status of 400 (Bad Request)"];
      // A favicon still loading when a submit leaves the page is aborted by Chromium: no fault of the page.
      assert.deepEqual(problems.filter((problem) => !refused.includes(problem) && !/^failed: \S+\/favicon\.[a-z0-9]+\.svg net::ERR_ABORTED$/.test(problem)), []);
      assert.ok(problems.includes(refused[0]!));
    } finally {
      await context.close();
    }
  });
});

describe("a post with comments", () => {
  const path = new URL(CONVERSATION_POST.url).pathname;

  it("receives a reply and a like, verified by the cron, approved at /new/mentions (zero axe violations there)", async () => {
    const created = await fetch(`${worker.url}/micropub`, {
      method: "POST",
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ type: ["h-entry"], properties: { name: [CONVERSATION_POST.name], content: ["Un article auquel on répond."] } }),
    });
    assert.equal(created.status, 201, await created.text());
    assert.equal(created.headers.get("Location"), CONVERSATION_POST.url);
    for (const source of Object.keys(MENTION_SOURCES)) {
      const sent = await fetch(`${worker.url}/webmention`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ source, target: CONVERSATION_POST.url }).toString(),
      });
      assert.equal(sent.status, 202, await sent.text());
    }
    await worker.scheduled();
    const listed = (await (await fetch(`${worker.url}/admin/mentions`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { mentions: { status: string; source: string }[] };
    assert.deepEqual(listed.mentions.map((one) => one.status), ["held", "held"]);

    const { page, context, problems } = await visit("/new", { colorScheme: "light", width: 360 });
    try {
      // Signed in, the compose page links to the moderation page.
      await page.locator("#secret").fill(ADMIN_TOKEN);
      await Promise.all([page.waitForURL(`${worker.url}/new`), page.getByRole("button", { name: "Se connecter" }).click()]);
      await Promise.all([page.waitForURL(`${worker.url}/new/mentions`), page.getByRole("link", { name: "Modérer les mentions reçues par vos billets" }).click()]);
      assert.equal(await page.locator("h1").innerText(), "Mentions reçues");
      assert.equal(await page.locator(".moderated-held").count(), 2);
      assert.equal(await page.locator(".moderated-published").count(), 0);
      assert.deepEqual(await axeViolations(page), []);
      await checkControls(page);
      const overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");
      assert.equal(overflow, 0);
      await page.screenshot({ path: join(SCREENSHOTS, "mentions-light-360.png"), fullPage: true });
      for (const name of ["Alex Martin", "Sam Lee"]) {
        await Promise.all([page.waitForURL(`${worker.url}/new/mentions`), page.getByRole("button", { name: `Approuver — la mention de ${name}` }).click()]);
        await page.waitForLoadState("load");
      }
      assert.equal(await page.locator(".moderated-held").count(), 0);
      assert.equal(await page.locator(".moderated-published").count(), 2);
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.emulateMedia({ colorScheme: "dark" });
      assert.deepEqual(await axeViolations(page), []);
      await page.screenshot({ path: join(SCREENSHOTS, "mentions-dark-1280.png"), fullPage: true });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  for (const colorScheme of ["light", "dark"] as const) {
    for (const width of [360, 1280]) {
      it(`shows the reply as a comment with its author's card and the like as a face, ${colorScheme}, ${width} px, zero axe violations`, async () => {
        const { page, context, problems } = await visit(path, { colorScheme, width });
        try {
          await page.screenshot({ path: join(SCREENSHOTS, `post-comments-${colorScheme}-${width}.png`), fullPage: true });
          assert.deepEqual(problems, []);
          assert.equal(await page.locator("h1").innerText(), CONVERSATION_POST.name);
          const comment = page.locator(".h-entry .p-comment.h-cite");
          assert.equal(await comment.count(), 1);
          assert.equal(await comment.locator(".p-author.h-card img").getAttribute("alt"), "Alex Martin");
          // The photo loaded (the browser's placeholder for off-origin images).
          assert.equal(await page.evaluate("(() => { const img = document.querySelector('.p-comment .p-author img'); return img.complete && img.naturalWidth > 0; })()"), true);
          assert.match(await comment.locator(".e-content").innerText(), /bravo/);
          const like = page.locator(".h-entry .p-like.h-cite");
          assert.equal(await like.count(), 1);
          assert.equal(await like.locator("img").getAttribute("alt"), "Sam Lee");
          const overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");
          assert.equal(overflow, 0);
          assert.deepEqual(await axeViolations(page), []);
        } finally {
          await context.close();
        }
      });
    }
  }
});

describe("the Worker under test", () => {
  it("never reached the network", () => {
    assert.deepEqual(worker.outbound, []);
  });
});
