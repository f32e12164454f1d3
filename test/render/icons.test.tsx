/** Service icons: brand marks, generic fallbacks, and the brand name beside a custom label. */
import { siGithub } from "simple-icons";
import { describe, expect, it } from "vitest";
import { validateProfile } from "../../src/config/index.ts";
import { messagesFor } from "../../src/i18n/languages.ts";
import { Icon, IconSprite, hasBrandIcon, iconPath } from "../../src/render/icons.tsx";
import { ProfilePage } from "../../src/render/page.tsx";
import { resolveSources } from "../../src/sources/index.ts";
import { profileWith } from "../helpers.ts";

describe("Icon", () => {
  it("renders a brand as decorative inline SVG pointing at the page's sprite", async () => {
    const svg = await (<Icon name="github" />).toString();
    expect(svg).toBe(`<svg class="icon icon-github" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"><use href="#i-github"></use></svg>`);
  });

  it("draws each icon once in the sprite, whatever the number of uses", async () => {
    const sprite = await (<IconSprite names={["github", "github", "linkedin", "web"]} />).toString();
    expect(sprite).toBe(
      `<svg class="icon-sprite" width="0" height="0" aria-hidden="true" focusable="false"><symbol id="i-github" viewBox="0 0 24 24"><path d="${siGithub.path}"></path></symbol><symbol id="i-web" viewBox="0 0 24 24"><path d="${iconPath("web")}"></path></symbol></svg>`,
    );
  });

  it("falls back to the globe for a brand simple-icons does not ship", async () => {
    expect(hasBrandIcon("linkedin")).toBe(false);
    expect(iconPath("linkedin")).toBe(iconPath("web"));
    expect(await (<Icon name="linkedin" />).toString()).toContain('class="icon icon-web"');
    expect(iconPath("email")).not.toBe(iconPath("web"));
  });
});

describe("account links", () => {
  it("keep the brand's name as text when the label replaces it", async () => {
    const result = validateProfile(profileWith([{ url: "https://github.com/camille", label: "Mon code" }, { url: "https://blog.camille.example/", label: "Blog" }]));
    if (!result.ok) throw new Error(result.problems.join("\n"));
    const t = messagesFor("fr");
    const html = await (<ProfilePage profile={result.profile} sources={resolveSources(result.profile)} items={[]} t={t} lang="fr" stylesheet="/s.css" />).toString();
    expect(html).toContain('<span class="link-label">Mon code</span><span class="link-service">GitHub</span>');
    // A generic icon names no brand: "Website" would say nothing.
    expect(html).not.toContain('<span class="link-service">Website</span>');
  });
});
