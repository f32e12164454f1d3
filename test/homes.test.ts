/**
 * The homes an isolate serves (src/homes.ts): profile.json with the profile edited in the browser
 * over it. An edit that a later profile.json makes invalid never takes the home down: the file
 * alone serves, and /status.json says the edit is set aside and why.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ProfileOverlay } from "../src/config/overlay.ts";
import { createHomeWorker } from "../src/homes.ts";
import { PROFILE_KEY } from "../src/store/index.ts";
import { env, profileWith } from "./helpers.ts";

async function get(worker: ReturnType<typeof createHomeWorker>, path: string): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(new URL(path, "https://camille.example/")), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe("a home built from profile.json and its edit in the browser", () => {
  const accounts = [{ url: "https://mastodon.social/@camille" }, { url: "https://piaille.fr/@cam" }];
  const before = profileWith(accounts);

  it("serves the edit over the file", async () => {
    const overlay: ProfileOverlay = { version: 1, savedAt: "2026-12-01T10:00:00.000Z", profile: { ...before, name: "Camille Édité" } as ProfileOverlay["profile"], base: before as ProfileOverlay["base"] };
    await env.M2_KV.put(PROFILE_KEY, JSON.stringify(overlay));
    const page = await (await get(createHomeWorker(before), "/")).text();
    expect(page).toContain("Camille Édité");
  });

  it("sets aside an edit that today's profile.json makes invalid, and says so on /status.json", async () => {
    // The edit added a WebFinger alias for the second account; profile.json later dropped that account.
    const edited = { ...before, name: "Camille Édité", webfinger: { cam: "https://piaille.fr/@cam" } };
    const overlay: ProfileOverlay = { version: 2, savedAt: "2026-12-01T10:00:00.000Z", profile: edited as ProfileOverlay["profile"], base: before as ProfileOverlay["base"] };
    await env.M2_KV.put(PROFILE_KEY, JSON.stringify(overlay));
    const later = profileWith(accounts.slice(0, 1));
    const worker = createHomeWorker(later);
    const page = await get(worker, "/");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(later.name);
    const status = (await (await get(worker, "/status.json")).json()) as { profile_overlay: { version: number; set_aside?: string[] } };
    expect(status.profile_overlay.version).toBe(2);
    expect(status.profile_overlay.set_aside).toEqual([expect.stringMatching(/^webfinger: webfinger alias "cam" points to "https:\/\/piaille\.fr\/@cam", which is not one of accounts\[\]\.url$/)]);
    const statusPage = await (await get(worker, "/status?lang=en")).text();
    expect(statusPage).toContain("This edit is set aside");
  });
});
