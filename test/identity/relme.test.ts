/** The rel=me rules as pure functions: Mastodon's exact match, and the verdicts on fixture account pages. */
import { describe, expect, it } from "vitest";
import { judgeLinkBack, judgeText, looseKey, mastodonAccepts, relTokens } from "../../src/identity/relme.ts";
import blogWithoutRelMe from "../fixtures/identity/blog-without-rel-me.html?raw";
import githubTrailingSlash from "../fixtures/identity/github-trailing-slash.html?raw";
import mastodonExact from "../fixtures/identity/mastodon-exact.html?raw";
import noLinkBack from "../fixtures/identity/no-link-back.html?raw";
import { HOME } from "../helpers.ts";

const PROFILE = "https://mastodon.social/@camille";

describe("Mastodon's rule", () => {
  it("splits rel on whitespace, case-insensitively", () => {
    expect(relTokens(" ME\tnofollow\nAuthn ")).toEqual(["me", "nofollow", "authn"]);
    expect(relTokens(undefined)).toEqual([]);
    expect(relTokens("meme")).toEqual(["meme"]);
  });

  it("accepts an <a> or <link> whose rel contains me and whose href equals the profile URL, ignoring case", () => {
    expect(mastodonAccepts(`<a rel="nofollow ME" href="${PROFILE}">x</a>`, PROFILE)).toBe(true);
    expect(mastodonAccepts(`<link rel="me" href="HTTPS://Mastodon.Social/@Camille">`, PROFILE)).toBe(true);
  });

  it("rejects a trailing slash, a relative href, a missing me token or another element", () => {
    expect(mastodonAccepts(`<a rel="me" href="${PROFILE}/">x</a>`, PROFILE)).toBe(false);
    expect(mastodonAccepts(`<a rel="me" href="/@camille">x</a>`, PROFILE)).toBe(false);
    expect(mastodonAccepts(`<a rel="meme nofollow" href="${PROFILE}">x</a>`, PROFILE)).toBe(false);
    expect(mastodonAccepts(`<a href="${PROFILE}">x</a>`, PROFILE)).toBe(false);
    expect(mastodonAccepts(`<area rel="me" href="${PROFILE}">`, PROFILE)).toBe(false);
  });

  it("decodes entities in href like an HTML parser", () => {
    expect(mastodonAccepts(`<a rel="me" href="https://example.com/?a=1&amp;b=2">x</a>`, "https://example.com/?a=1&b=2")).toBe(true);
  });
});

describe("verdicts on fixture account pages", () => {
  it("gives the four link-back verdicts", () => {
    expect(judgeLinkBack(mastodonExact, HOME)).toEqual({ verdict: "verified" });
    expect(judgeLinkBack(githubTrailingSlash, HOME)).toEqual({ verdict: "verified-loosely", found: "https://camille.example" });
    expect(judgeLinkBack(blogWithoutRelMe, HOME)).toEqual({ verdict: "links-back-without-rel-me", found: "https://camille.example/" });
    expect(judgeLinkBack(noLinkBack, HOME)).toEqual({ verdict: "no-link-back" });
  });

  it("tolerates only scheme, host case and trailing slashes in the loose match", () => {
    expect(looseKey("HTTP://Camille.Example//")).toBe(looseKey(HOME));
    expect(looseKey("https://camille.example/about")).not.toBe(looseKey(HOME));
    expect(judgeLinkBack(`<a rel="me" href="https://www.camille.example/">x</a>`, HOME).verdict).toBe("no-link-back");
  });

  it("finds the home URL in plain text (a Bluesky description)", () => {
    expect(judgeText("Chez moi : https://camille.example/ !", HOME)).toEqual({ verdict: "verified" });
    expect(judgeText("Chez moi : camille.example", HOME)).toEqual({ verdict: "verified-loosely", found: "camille.example" });
    expect(judgeText("Chez moi : camille.example.org", HOME).verdict).toBe("no-link-back");
    expect(judgeText("Mon blog : https://camille.example/blog", HOME).verdict).toBe("no-link-back");
    expect(judgeText("https://camille.example/.", HOME)).toEqual({ verdict: "verified" });
  });
});
