/**
 * The profile form as pure functions and as HTML: a form makes a profile that validateProfile
 * accepts, the base profile's other fields and account settings are kept, and the schema's
 * problems land next to the field (an account's with its line).
 */
import { describe, expect, it } from "vitest";
import { validateProfile } from "../../src/config/index.ts";
import { accountLines, COMMUNITY_SHOWN, formFromProfile, formProblems, profileFromForm } from "../../src/config/profile-form.ts";
import { en } from "../../src/i18n/en.ts";
import { fr } from "../../src/i18n/fr.ts";
import { ProfileFields } from "../../src/render/profile-form.tsx";
import { HOME, profileWith } from "../helpers.ts";

const base = profileWith(
  [
    { url: "https://github.com/camille" },
    { url: "https://blog.camille.example/", feed: "https://blog.camille.example/feed/", label: "Blog", id: "blog" },
  ],
  { pronouns: "elle/she", settings: { pageItems: 10 }, lang: "fr-CA" },
);

const render = async (node: unknown) => String(await (node as { toString(): Promise<string> }).toString());

describe("profileFromForm", () => {
  it("makes a valid profile from the fields, one account a line with an optional label", () => {
    const input = profileFromForm({ name: "Camille", note: "Bonjour", lang: "en", photo: "", accounts: "https://github.com/camille\n\n  https://blog.example/  Mon blog  \n" }, { url: HOME });
    const result = validateProfile(input);
    expect(result.ok).toBe(true);
    expect(input).toEqual({ url: HOME, name: "Camille", note: "Bonjour", lang: "en", accounts: [{ url: "https://github.com/camille" }, { url: "https://blog.example/", label: "Mon blog" }] });
  });

  it("keeps the base's other fields and, for an account already there, its feed and id; empty note and photo are removed", () => {
    const form = { ...formFromProfile(base), note: "", photo: "", accounts: "https://blog.camille.example/ Mon blog\nhttps://github.com/camille\nhttps://mastodon.social/@camille" };
    const input = profileFromForm(form, { ...base, photo: "https://camille.example/me.jpg" }) as Record<string, unknown>;
    expect(input.pronouns).toBe("elle/she");
    expect(input.settings).toEqual({ pageItems: 10 });
    expect(input.photo).toBeUndefined();
    expect(input.note).toBeUndefined();
    // The region is kept when the language was left as it was.
    expect(input.lang).toBe("fr-CA");
    expect(input.accounts).toEqual([
      { url: "https://blog.camille.example/", feed: "https://blog.camille.example/feed/", id: "blog", label: "Mon blog" },
      { url: "https://github.com/camille" },
      { url: "https://mastodon.social/@camille" },
    ]);
    expect(validateProfile(input).ok).toBe(true);
  });

  it("round-trips a profile through the form unchanged", () => {
    expect(profileFromForm(formFromProfile(base), base)).toEqual(base);
    expect(formFromProfile(base).accounts).toBe("https://github.com/camille\nhttps://blog.camille.example/ Blog");
  });

  it("sets community only when its checkbox was shown: checked is true, unchecked removes it", () => {
    expect(profileFromForm({ community: "on", [COMMUNITY_SHOWN]: "1" }, base)).toMatchObject({ community: true });
    expect(profileFromForm({ [COMMUNITY_SHOWN]: "1" }, { ...base, community: true })).not.toHaveProperty("community");
    expect(profileFromForm({ name: "X" }, { ...base, community: true })).toMatchObject({ community: true });
    expect(validateProfile(profileFromForm({ community: "on", [COMMUNITY_SHOWN]: "1" }, base)).ok).toBe(true);
  });

  it("reads the lines of the accounts textarea with their numbers", () => {
    expect(accountLines("a\r\n\r\nb  c d\n")).toEqual([
      { line: 1, url: "a", label: "" },
      { line: 3, url: "b", label: "c d" },
    ]);
  });
});

describe("formProblems", () => {
  it("places an account's problem on the accounts field with its textarea line (blank lines counted)", () => {
    const form = { ...formFromProfile(base), accounts: "https://github.com/camille\n\nmastodon.social/@camille" };
    const result = validateProfile(profileFromForm(form, base));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual(['accounts[1].url: expected an https or mailto: URL, got "mastodon.social/@camille"']);
    expect(formProblems(result.problems, form)).toEqual({ accounts: [{ path: "accounts[1].url", line: 3, message: 'expected an https or mailto: URL, got "mastodon.social/@camille"' }] });
  });

  it("places each problem under its field, and those of fields not shown above the form", () => {
    const placed = formProblems(["name: expected your name, got an empty string", "photo: expected an https URL, got \"x\"", "settings.pageItems: expected at most 200", "url: expected an https URL, got \"http://x/\""], undefined, ["name", "note", "lang", "photo", "accounts"]);
    expect(placed.name).toEqual([{ path: "name", message: "expected your name, got an empty string" }]);
    expect(placed.photo?.[0]?.path).toBe("photo");
    expect(placed.form?.map((problem) => problem.path)).toEqual(["settings.pageItems", "url"]);
    // With the handle shown, the URL's problem is the handle's.
    expect(formProblems(["url: expected an https URL, got \"http://x/\""]).handle?.[0]?.path).toBe("url");
  });
});

describe("ProfileFields", () => {
  it("labels every field and fills it with what was typed", async () => {
    const html = await render(ProfileFields({ t: en, values: { name: "Camille <3", note: "Line one\nLine two", lang: "en", photo: "", accounts: "https://github.com/camille" } }));
    for (const id of ["profile-name", "profile-note", "profile-lang", "profile-photo", "profile-accounts"]) expect(html).toContain(`<label for="${id}">`);
    expect(html).toContain('value="Camille &lt;3"');
    expect(html).toContain("\nLine one\nLine two</textarea>");
    expect(html).toContain('<option value="en" selected="" lang="en">English</option>');
    expect(html).not.toContain('name="handle"');
    expect(html).not.toContain('name="community"');
    expect(html).not.toContain("<script");
  });

  it("shows the handle and the community checkbox when asked", async () => {
    const html = await render(ProfileFields({ t: fr, values: { handle: "camille", community: "on" }, handle: { domain: "commune.example" }, community: true }));
    expect(html).toContain('name="handle" value="camille"');
    expect(html).toContain("https://&lt;identifiant&gt;.commune.example/");
    expect(html).toContain(`name="${COMMUNITY_SHOWN}" value="1"`);
    expect(html).toMatch(/type="checkbox" name="community" value="on" checked=""/);
    expect(html).toContain("Montrer mes billets sur le planet de la communauté");
  });

  it("puts a problem right after its field, linked by aria-describedby and aria-invalid", async () => {
    const problems = { accounts: [{ path: "accounts[1].url", line: 3, message: 'expected an https or mailto: URL, got "x"' }] };
    const html = await render(ProfileFields({ t: en, values: { accounts: "a\n\nx" }, problems }));
    expect(html).toContain('aria-describedby="profile-accounts-hint profile-accounts-problem" aria-invalid="true"');
    expect(html).toContain('id="profile-accounts-problem"');
    expect(html).toContain('Line 3: <span lang="en">expected an https or mailto: URL, got &quot;x&quot;</span>');
    // The other fields are not marked.
    expect(html.match(/aria-invalid/g)).toHaveLength(1);
  });
});
