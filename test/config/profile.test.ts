/** profile.json: the example is valid, the JSON Schema is current, and mistakes are named by path. */
import { describe, expect, it } from "vitest";
import example from "../../profile.json";
import schemaFile from "../../profile.schema.json";
import { validateProfile, validateProfileText } from "../../src/config/index.ts";
import { profileJsonSchema } from "../../src/config/json-schema.ts";
import { profileWith } from "../helpers.ts";

describe("profile.json", () => {
  it("the example profile is valid and believable", () => {
    const result = validateProfile(example);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.profile.lang).toBe("fr");
    expect(result.profile.accounts.length).toBeGreaterThanOrEqual(5);
    expect(result.profile.settings.refreshMinutes).toBe(30);
  });

  it("profile.schema.json is generated from the valibot schema (run `npm run schema`)", () => {
    expect(schemaFile).toEqual(profileJsonSchema());
  });

  it("lists every problem, each by its path", () => {
    const result = validateProfile({
      name: "",
      url: "http://camille.example/",
      lang: "de",
      accounts: [{ url: "https://github.com/camille" }, { url: "https://a.example/", feed: "ftp://a.example/feed" }, { url: "mastodon.social/@x" }],
      colour: "red",
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      "name: expected your name, got an empty string",
      'url: expected an https URL, got "http://camille.example/"',
      'lang: expected one of the page languages "fr", "en" (a region such as "fr-CA" is fine), got "de"',
      'accounts[1].feed: expected an http(s) URL, got "ftp://a.example/feed"',
      'accounts[2].url: expected an https or mailto: URL, got "mastodon.social/@x"',
      "colour: unknown field (check its spelling; profile.schema.json lists the fields)",
    ]);
  });

  it("names duplicate accounts and ids", () => {
    const result = validateProfile(
      profileWith([{ url: "https://github.com/camille" }, { url: "https://GitHub.com/camille/" }, { url: "https://a.example/", id: "x" }, { url: "https://b.example/", id: "x" }]),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      'accounts[1].url: duplicate account: same URL as accounts[0] ("https://GitHub.com/camille/")',
      'accounts[3].id: duplicate id: accounts[2] already uses "x"',
    ]);
  });

  it("reports missing fields and invalid JSON", () => {
    const missing = validateProfile({});
    expect(missing.ok ? [] : missing.problems).toEqual([
      "name: required field is missing",
      "url: required field is missing",
      "accounts: required field is missing",
    ]);
    const broken = validateProfileText('{"name": "x",}');
    expect(broken.ok ? "" : broken.problems[0]).toMatch(/^profile.json is not valid JSON: /);
  });

  it("fills settings with their defaults", () => {
    const result = validateProfile(profileWith([{ url: "https://github.com/camille" }], { settings: { maxItems: 10 } }));
    expect(result.ok && result.profile.settings).toEqual({
      refreshMinutes: 30,
      itemsPerSource: 50,
      maxItems: 10,
      pageItems: 20,
      feedItems: 50,
      fetchTimeoutSeconds: 10,
      maxFeedBytes: 5_000_000,
      cpuMsPerRun: 10,
    });
  });
});
