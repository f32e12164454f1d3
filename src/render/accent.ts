/**
 * @module The profile's accent colour, made readable in both themes. WCAG 2 relative luminance
 * and contrast ratio; the colour is darkened (light theme) or lightened (dark theme) by the
 * smallest step that gives text in that colour a 4.5:1 contrast on every surface it sits on.
 */

export type Rgb = readonly [number, number, number];

/** "#0b5cad" or "#fa0" → [r, g, b] in 0–255. */
export function parseHex(hex: string): Rgb {
  let digits = hex.replace(/^#/, "");
  if (digits.length === 3) digits = [...digits].map((digit) => digit + digit).join("");
  const value = Number.parseInt(digits, 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

export function toHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((channel) => Math.round(channel).toString(16).padStart(2, "0")).join("")}`;
}

/** WCAG 2 relative luminance (sRGB). */
export function luminance([r, g, b]: Rgb): number {
  const linear = (channel: number) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/** WCAG 2 contrast ratio, 1 to 21. */
export function contrast(a: Rgb, b: Rgb): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

function mix(from: Rgb, to: Rgb, amount: number): Rgb {
  return [0, 1, 2].map((i) => from[i]! + (to[i]! - from[i]!) * amount) as unknown as Rgb;
}

/** The colour closest to `colour` (mixed toward `toward`) whose contrast with every surface is ≥ `ratio`. */
export function readableOn(colour: Rgb, surfaces: readonly Rgb[], toward: Rgb, ratio = 4.5): Rgb {
  for (let step = 0; step <= 100; step++) {
    const candidate = mix(colour, toward, step / 100).map(Math.round) as unknown as Rgb;
    if (surfaces.every((surface) => contrast(candidate, surface) >= ratio)) return candidate;
  }
  return toward;
}

/** Page surfaces of each theme (kept in step with style.ts's custom properties). */
export const SURFACES = {
  light: { bg: "#f6f5f1", card: "#ffffff" },
  dark: { bg: "#111315", card: "#1b1e22" },
} as const;

export const DEFAULT_ACCENT = "#0f766e";

export interface AccentPalette {
  light: string;
  dark: string;
  /** Text colour on a fill of the light accent (the favicon's monogram). */
  ink: string;
}

/**
 * The accent per theme, each readable as text on that theme's surfaces (≥ 4.5:1).
 *
 * @example
 * accentPalette("#ffcc00") // { light: "#7a6200"-ish (darkened), dark: "#ffcc00" (kept), ink: … }
 */
export function accentPalette(accent = DEFAULT_ACCENT): AccentPalette {
  const colour = parseHex(accent);
  const light = readableOn(colour, [parseHex(SURFACES.light.bg), parseHex(SURFACES.light.card)], [0, 0, 0]);
  const dark = readableOn(colour, [parseHex(SURFACES.dark.bg), parseHex(SURFACES.dark.card)], [255, 255, 255]);
  const ink = contrast(light, [255, 255, 255]) >= contrast(light, [0, 0, 0]) ? "#ffffff" : "#000000";
  return { light: toHex(light), dark: toHex(dark), ink };
}
