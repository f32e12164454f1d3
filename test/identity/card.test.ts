/** GET /card.vcf (vCard 4.0) and GET /qr.svg (the home URL as a QR code), through the Worker. */
import { encode } from "uqr";
import { describe, expect, it } from "vitest";
import { escapeText, foldLine } from "../../src/identity/vcard.ts";
import { HOME, profileWith, request, workerFor } from "../helpers.ts";

const longNote =
  "Développeuse web à Lyon; j'écris sur le Web indépendant, l'accessibilité et les flux — ça fait beaucoup, non ? Back\\slash.\nDeuxième ligne : 日本語も少し。";

const profile = profileWith(
  [
    { url: "https://mastodon.social/@camille" },
    { url: "https://github.com/camille" },
    { url: "https://www.linkedin.com/in/camille", identity: false },
    { url: "mailto:bonjour@camille.example" },
  ],
  { photo: "https://camille.example/avatar.jpg", note: longNote },
);

/** RFC 6350 §3.2 unfolding: a CRLF followed by one space or tab disappears. */
const unfold = (text: string) => text.replace(/\r\n[ \t]/g, "");

describe("GET /card.vcf", () => {
  it("is a vCard 4.0 of the profile, with the right type", async () => {
    const response = await request(workerFor(profile), "/card.vcf");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/vcard; charset=utf-8");
    const lines = unfold(await response.text()).split("\r\n");
    expect(lines).toEqual([
      "BEGIN:VCARD",
      "VERSION:4.0",
      "KIND:individual",
      "FN:Camille Exemple",
      "N:Exemple;Camille;;;",
      `NOTE:${escapeText(longNote)}`,
      "PHOTO:https://camille.example/avatar.jpg",
      "URL;PREF=1:https://camille.example/",
      "URL:https://mastodon.social/@camille",
      "URL:https://github.com/camille",
      "EMAIL:bonjour@camille.example",
      "LANG:fr",
      "SOURCE:https://camille.example/card.vcf",
      "END:VCARD",
      "",
    ]);
  });

  it("escapes text values and folds lines at 75 octets without splitting a character", async () => {
    expect(escapeText("a,b;c\\d\ne")).toBe("a\\,b\\;c\\\\d\\ne");
    const body = new Uint8Array(await (await request(workerFor(profile), "/card.vcf")).arrayBuffer());
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(body);
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    const encoder = new TextEncoder();
    const physical = text.split("\r\n");
    expect(physical.filter((line) => line.startsWith(" ")).length).toBeGreaterThanOrEqual(2);
    for (const line of physical) {
      expect(encoder.encode(line).length, line).toBeLessThanOrEqual(75);
      // Each physical line is valid UTF-8 on its own: no multi-octet character was cut.
      expect(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(encoder.encode(line))).toBe(line);
    }
    const folded = foldLine(`NOTE:${"é".repeat(80)}`);
    expect(folded.split("\r\n").map((line) => encoder.encode(line).length)).toEqual([75, 75, 17]);
    expect(unfold(folded)).toBe(`NOTE:${"é".repeat(80)}`);
  });
});

describe("GET /qr.svg", () => {
  it("is an SVG QR code of the home URL, cached for long", async () => {
    const response = await request(workerFor(profile), "/qr.svg");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("image/svg+xml");
    expect(response.headers.get("Cache-Control")).toMatch(/max-age=(\d{7,})/);
    const svg = await response.text();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 (\d+) \1">/);
    expect(svg).not.toMatch(/<script|on\w+=/i);
    // Read the dark modules back from the path and compare them with the QR code of the home URL.
    const expected = encode(HOME, { ecc: "M", border: 2 });
    const dark = new Set([...svg.matchAll(/M(\d+),(\d+)h8v8h-8z/g)].map((m) => `${Number(m[1]) / 8},${Number(m[2]) / 8}`));
    const wanted = new Set<string>();
    expected.data.forEach((row, y) => row.forEach((on, x) => on && wanted.add(`${x},${y}`)));
    expect(dark.size).toBeGreaterThan(100);
    expect(dark).toEqual(wanted);
  });

  it("is linked from the page footer with the vCard", async () => {
    const html = await (await request(workerFor(profile), "/")).text();
    expect(html).toContain('<a href="/card.vcf" type="text/vcard">Carte de contact (vCard)</a>');
    expect(html).toContain('<a href="/qr.svg" type="image/svg+xml">QR code de cette page</a>');
  });
});
