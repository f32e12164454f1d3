/**
 * Outbound rel=me: our served home page passes Mastodon's verifier, run with Mastodon's rules
 * (https, ≤ 3 redirects, final 200, ≤ 1 MB, rel tokens, exact lowercased href), for every
 * fediverse account; and the page carries authn, atproto and pgpkey rels and identity metadata.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { parse } from "parse5";
import { describe, expect, it } from "vitest";
import { pageLinks, relTokens } from "../../src/identity/relme.ts";
import { mastodonVerifies } from "../../src/identity/verify.ts";
import { resolveSources } from "../../src/sources/index.ts";
import { validateProfile } from "../../src/config/index.ts";
import { HOME, env, profileWith, request, workerFor, type Worker } from "../helpers.ts";

const profile = profileWith(
  [
    { url: "https://mastodon.social/@camille" },
    { url: "https://Piaille.fr/@Camille_Ex" },
    { url: "https://github.com/camille", authn: true },
    { url: "https://bsky.app/profile/camille.example" },
    { url: "https://www.linkedin.com/in/camille-exemple", identity: false },
  ],
  {
    pgpkey: "https://camille.example/key.asc",
    indieauth: { metadata: "https://indieauth.example/metadata", authorization_endpoint: "https://indieauth.example/auth", token_endpoint: "https://indieauth.example/token" },
    note: 'Développeuse </script><script>alert(1)</script> & "web"',
  },
);

/** Mastodon's fetch, answered by the Worker itself (the page it would read at the home URL). */
function servedBy(worker: Worker): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const ctx = createExecutionContext();
    const response = await worker.fetch(new Request(input, init), env, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  }) as typeof fetch;
}

type Html5Node = { nodeName: string; attrs?: { name: string; value: string }[]; childNodes?: Html5Node[]; content?: Html5Node };

/** rel=me hrefs as an HTML5 parser (parse5, what Nokogiri::HTML5 implements) finds them. */
function html5RelMeHrefs(html: string): string[] {
  const hrefs: string[] = [];
  const walk = (node: Html5Node) => {
    if (node.nodeName === "a" || node.nodeName === "link") {
      const attr = (name: string) => node.attrs?.find((a) => a.name === name)?.value;
      const href = attr("href");
      if (href !== undefined && relTokens(attr("rel")).includes("me")) hrefs.push(href);
    }
    for (const child of node.childNodes ?? []) walk(child);
    if (node.content) walk(node.content);
  };
  walk(parse(html) as unknown as Html5Node);
  return hrefs;
}

describe("our page, as Mastodon verifies it", () => {
  it("is read the same by an HTML5 parser and by ours", async () => {
    const html = await (await request(workerFor(profile), "/")).text();
    const ours = pageLinks(html).links.filter((link) => link.rels.includes("me")).map((link) => link.href);
    expect(html5RelMeHrefs(html)).toEqual(ours);
    expect(ours).toEqual(expect.arrayContaining(["https://mastodon.social/@camille", "https://Piaille.fr/@Camille_Ex"]));
  });

  it("links back to every fediverse account by Mastodon's exact rule", async () => {
    const worker = workerFor(profile);
    const checked = validateProfile(profile);
    if (!checked.ok) throw new Error(checked.problems.join("\n"));
    const fediverse = resolveSources(checked.profile).filter((source) => source.fediverse);
    expect(fediverse.map((source) => source.url)).toEqual(["https://mastodon.social/@camille", "https://Piaille.fr/@Camille_Ex"]);
    for (const source of fediverse) {
      expect(await mastodonVerifies(HOME, source.url, servedBy(worker)), source.url).toEqual({ ok: true, reason: "rel=me link found" });
    }
  });

  it("fails where Mastodon would: another URL, a trailing slash, too many redirects, a non-200 page", async () => {
    const worker = workerFor(profile);
    expect((await mastodonVerifies(HOME, "https://mastodon.social/@camille/", servedBy(worker))).ok).toBe(false);
    expect((await mastodonVerifies(HOME, "https://mastodon.social/@someone", servedBy(worker))).ok).toBe(false);
    const hops = (n: number): typeof fetch =>
      (async (input: RequestInfo | URL, init?: RequestInit) => {
        const url = new URL(new Request(input).url);
        const hop = Number(url.searchParams.get("hop") ?? "0");
        if (hop < n) return new Response(null, { status: 302, headers: { Location: `${HOME}?hop=${hop + 1}` } });
        return servedBy(worker)(`${HOME}`, init);
      }) as typeof fetch;
    expect((await mastodonVerifies(HOME, "https://mastodon.social/@camille", hops(3))).ok).toBe(true);
    expect((await mastodonVerifies(HOME, "https://mastodon.social/@camille", hops(4))).ok).toBe(false);
    const accepted = (async () => new Response("<a rel=me href=https://mastodon.social/@camille>", { status: 203 })) as typeof fetch;
    expect(await mastodonVerifies(HOME, "https://mastodon.social/@camille", accepted)).toEqual({ ok: false, reason: "final status 203" });
    expect((await mastodonVerifies("http://camille.example/", "https://mastodon.social/@camille", servedBy(worker))).ok).toBe(false);
  });

  it("marks login providers, the Bluesky account and the PGP key, and emits hrefs exactly as configured", async () => {
    const html = await (await request(workerFor(profile), "/")).text();
    expect(html).toContain('<a class="u-url link" rel="me authn" href="https://github.com/camille">');
    expect(html).toContain('<a class="u-url link" rel="me atproto" href="https://bsky.app/profile/camille.example">');
    expect(html).toContain('<link rel="me" href="https://Piaille.fr/@Camille_Ex"/>');
    expect(html).toContain('<link rel="pgpkey" href="https://camille.example/key.asc"/>');
    expect(html).toMatch(/<a class="link" href="https:\/\/www\.linkedin\.com\/in\/camille-exemple">/);
  });
});

describe("identity metadata in the head", () => {
  it("has IndieAuth links, OpenGraph, Twitter card and fediverse:creator", async () => {
    const html = await (await request(workerFor(profile), "/")).text();
    expect(html).toContain('<link rel="indieauth-metadata" href="https://indieauth.example/metadata"/>');
    expect(html).toContain('<link rel="authorization_endpoint" href="https://indieauth.example/auth"/>');
    expect(html).toContain('<link rel="token_endpoint" href="https://indieauth.example/token"/>');
    expect(html).toContain('<meta property="og:type" content="profile"/>');
    expect(html).toContain('<meta property="og:url" content="https://camille.example/"/>');
    expect(html).toContain('<meta name="twitter:card" content="summary"/>');
    expect(html).toContain('<meta name="fediverse:creator" content="@camille@mastodon.social"/>');
  });

  it("embeds schema.org Person JSON-LD that no text can break out of", async () => {
    const response = await request(workerFor(profile), "/");
    const html = await response.text();
    const blocks = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(blocks.map((block) => block[1])).toEqual([' type="application/ld+json"']);
    const person = JSON.parse(blocks[0]![2]!) as Record<string, unknown>;
    expect(person).toMatchObject({ "@context": "https://schema.org", "@type": "Person", name: "Camille Exemple", url: HOME });
    expect(person.description).toBe(profile.note);
    expect(person.sameAs).toEqual([
      "https://mastodon.social/@camille",
      "https://Piaille.fr/@Camille_Ex",
      "https://github.com/camille",
      "https://bsky.app/profile/camille.example",
    ]);
    expect(blocks[0]![2]).not.toMatch(/[<>&]/);
    // The CSP still forbids every executable script; a JSON-LD data block needs no exception.
    expect(response.headers.get("Content-Security-Policy")).toContain("script-src 'none'");
  });

  it("has no fediverse:creator without a fediverse account", async () => {
    const html = await (await request(workerFor(profileWith([{ url: "https://github.com/camille" }])), "/")).text();
    expect(html).not.toContain("fediverse:creator");
    // Without profile.json's indieauth, the home is its own IndieAuth server (test/auth/).
    expect(html).toContain('<link rel="indieauth-metadata" href="https://camille.example/.well-known/oauth-authorization-server"/>');
    expect(html).not.toContain("indieauth.example");
  });
});
