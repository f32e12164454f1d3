/** The accent colour stays readable (WCAG 4.5:1) on every surface of both themes. */
import { describe, expect, it } from "vitest";
import { accentPalette, contrast, DEFAULT_ACCENT, luminance, parseHex, SURFACES } from "../../src/render/accent.ts";
import { CSS, stylesheetFor } from "../../src/render/style.ts";

const surfaces = (theme: "light" | "dark") => [parseHex(SURFACES[theme].bg), parseHex(SURFACES[theme].card)];

describe("contrast", () => {
  it("follows WCAG 2: black on white is 21:1, a colour on itself 1:1", () => {
    expect(contrast([0, 0, 0], [255, 255, 255])).toBeCloseTo(21, 5);
    expect(contrast([120, 40, 200], [120, 40, 200])).toBe(1);
    expect(luminance(parseHex("#fff"))).toBe(1);
    // The classic reference: #767676 on white is just over 4.5:1.
    expect(contrast(parseHex("#767676"), [255, 255, 255])).toBeGreaterThan(4.5);
    expect(contrast(parseHex("#777777"), [255, 255, 255])).toBeLessThan(4.5);
  });
});

describe("accentPalette", () => {
  const accents = ["#ffcc00", "#ffff00", "#00ff00", "#0000ff", "#000000", "#ffffff", "#c2410c", "#7c3aed", "#e11d48", "#888", DEFAULT_ACCENT];
  for (const accent of accents) {
    it(`makes ${accent} readable as text in the light and dark themes`, () => {
      const palette = accentPalette(accent);
      for (const surface of surfaces("light")) expect(contrast(parseHex(palette.light), surface)).toBeGreaterThanOrEqual(4.5);
      for (const surface of surfaces("dark")) expect(contrast(parseHex(palette.dark), surface)).toBeGreaterThanOrEqual(4.5);
      expect(contrast(parseHex(palette.ink), parseHex(palette.light))).toBeGreaterThanOrEqual(4.5);
    });
  }

  it("keeps a colour that is already readable, and only darkens or lightens the others", () => {
    expect(accentPalette("#0000ff").light).toBe("#0000ff");
    expect(accentPalette("#ffcc00").dark).toBe("#ffcc00");
    const yellow = accentPalette("#ffcc00").light;
    expect(luminance(parseHex(yellow))).toBeLessThan(luminance(parseHex("#ffcc00")));
    expect(accentPalette("#0000ff").dark).not.toBe("#0000ff");
  });

  it("is appended to the stylesheet per theme, with a new fingerprint", () => {
    const sheet = stylesheetFor({ accent: "#ffcc00" });
    const palette = accentPalette("#ffcc00");
    expect(sheet.css.startsWith(CSS)).toBe(true);
    expect(sheet.css).toContain(`:root{--accent:${palette.light}}@media (prefers-color-scheme:dark){:root{--accent:${palette.dark}}}`);
    expect(sheet.path).toMatch(/^\/m2\.[a-z0-9]+\.css$/);
    expect(sheet.path).not.toBe(stylesheetFor({}).path);
  });

  it("gives the base stylesheet the default accent's palette", () => {
    const palette = accentPalette(DEFAULT_ACCENT);
    expect(CSS).toContain(`--accent:${palette.light}`);
    expect(CSS).toContain(`--accent:${palette.dark}`);
    expect(CSS).not.toContain("@font-face");
    expect(CSS).not.toContain("@import");
  });
});
