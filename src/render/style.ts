/**
 * @module The page's stylesheet, served by the Worker at a fingerprinted path with a year-long
 * cache (CSP allows styles from 'self' only, so nothing inline). System fonts, light and dark
 * through prefers-color-scheme, 320 px to wide, a print style. A profile's accent colour is
 * appended as custom properties, adjusted per theme for contrast (accent.ts), so each profile
 * gets its own fingerprint.
 */
import { stableHash } from "../hash.ts";
import { accentPalette, DEFAULT_ACCENT, SURFACES } from "./accent.ts";

const { light, dark } = SURFACES;
const accent = accentPalette(DEFAULT_ACCENT);

export const CSS = `
:root{color-scheme:light dark;--bg:${light.bg};--card:${light.card};--fg:#1c1b19;--muted:#57534c;--line:#e2ded5;--accent:${accent.light};--shadow:0 1px 2px rgb(40 30 10/.05),0 6px 20px -8px rgb(40 30 10/.12)}
@media (prefers-color-scheme:dark){:root{--bg:${dark.bg};--card:${dark.card};--fg:#ecebe7;--muted:#aba79f;--line:#2d3238;--accent:${accent.dark};--shadow:0 1px 0 rgb(255 255 255/.03)}}
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:1rem/1.6 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,sans-serif;overflow-wrap:break-word}
a{color:var(--accent);text-underline-offset:.18em}
:focus-visible{outline:3px solid var(--accent);outline-offset:3px;border-radius:.35rem}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.skip{position:absolute;left:1rem;top:-4rem;z-index:1;background:var(--card);color:var(--fg);padding:.6rem 1rem;border-radius:.5rem}.skip:focus{top:1rem}
.page{max-width:38rem;margin:0 auto;padding:2.5rem 1.25rem 1rem}
.profile{text-align:center}
.avatar{display:block;margin:0 auto 1rem;width:6.5rem;height:6.5rem;border-radius:50%;object-fit:cover;background:var(--line);box-shadow:0 0 0 3px var(--bg),0 0 0 5px var(--accent)}
.monogram{display:grid;place-items:center;font-size:2.4rem;font-weight:700;color:var(--accent);background:var(--card)}
h1{font-size:clamp(1.6rem,1.2rem + 2vw,2.1rem);line-height:1.15;letter-spacing:-.015em;margin:0}
h1 a{color:inherit;text-decoration:none}
.meta{margin:.4rem 0 0;color:var(--muted);font-size:.95rem}
.meta>span+span::before{content:"·";margin:0 .5em}
.p-note{margin:.9rem auto 0;max-width:32rem;font-size:1.02rem}
.links{list-style:none;margin:1.75rem 0 0;padding:0;display:grid;gap:.7rem}
.link{display:flex;align-items:center;gap:.8rem;min-height:3.5rem;padding:.6rem 1.1rem;background:var(--card);color:var(--fg);border:1px solid var(--line);border-radius:.9rem;box-shadow:var(--shadow);text-decoration:none;font-weight:600;transition:border-color .15s,transform .15s}
.link:hover{border-color:var(--accent);transform:translateY(-1px)}
.link:hover .link-label{color:var(--accent)}
.icon-sprite{position:absolute;width:0;height:0;overflow:hidden}
.link svg{width:1.35rem;height:1.35rem;fill:currentColor;flex:none}
.link-text{display:flex;flex-direction:column;min-width:0;text-align:left;line-height:1.3}
.link-handle,.link-service{font-weight:400;font-size:.85rem;color:var(--muted);overflow-wrap:anywhere}
.verified{margin-left:auto;flex:none;display:grid;place-items:center;width:1.5rem;height:1.5rem;border-radius:50%;border:1.5px solid var(--accent);color:var(--accent);font-size:.85rem;line-height:1}
h2{font-size:.8rem;font-weight:700;letter-spacing:.09em;text-transform:uppercase;color:var(--muted);margin:3rem 0 1rem}
.entries{list-style:none;margin:0;padding:0;display:grid;gap:1rem}
.entry{background:var(--card);border:1px solid var(--line);border-radius:1rem;padding:1rem 1.2rem 1.1rem;box-shadow:var(--shadow)}
.entry-source{display:flex;align-items:center;flex-wrap:wrap;gap:.2rem .5rem;margin:0;color:var(--muted);font-size:.85rem}
.entry-source svg{width:1rem;height:1rem;fill:currentColor;flex:none}
.source-name{font-weight:600;color:var(--fg)}
.entry-source a{color:inherit}
.entry h3{font-size:1.1rem;line-height:1.35;margin:.35rem 0 0}
.entry h3 a{color:var(--fg);text-decoration:none}
.entry h3 a:hover{color:var(--accent);text-decoration:underline}
.excerpt{margin:.4rem 0 0}
.entry h3+.excerpt{color:var(--muted);display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:3;line-clamp:3;overflow:hidden}
.entry-image{display:block;width:100%;height:auto;aspect-ratio:3/2;max-height:20rem;object-fit:cover;margin:.8rem 0 0;border-radius:.65rem;background:var(--line)}
.with-thumb{display:grid;grid-template-columns:minmax(0,1fr) auto;column-gap:1rem}.with-thumb>*{grid-column:1}
.with-thumb>.entry-image{grid-column:2;grid-row:1/span 3;width:4.5rem;height:4.5rem;aspect-ratio:1;margin:0;align-self:start}
@media (min-width:30rem){.with-thumb>.entry-image{width:6rem;height:6rem}}
.empty{color:var(--muted)}
.page-footer{max-width:38rem;margin:0 auto;padding:2rem 1.25rem 3rem;color:var(--muted);font-size:.9rem;text-align:center}
.page-footer ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;justify-content:center;gap:.3rem 1.1rem}
.page-footer a{color:var(--muted)}.page-footer a:hover{color:var(--accent)}
.page-footer p{margin:1rem 0 0}
.lang-switch a{font-weight:600}
@media (min-width:64rem){.page{max-width:70rem;display:grid;grid-template-columns:21rem minmax(0,1fr);gap:4.5rem;align-items:start;padding-top:4.5rem}
.profile{position:sticky;top:3rem;text-align:left}.avatar{margin:0 0 1.25rem}.p-note{margin-left:0}
main h2{margin-top:.4rem}.page-footer{max-width:70rem;text-align:left}.page-footer ul{justify-content:flex-start}}
.status-summary{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:1rem 0 0}
.sources{list-style:none;margin:0;padding:0;display:grid;gap:1rem}
.source-card h2{all:unset;display:flex;flex-wrap:wrap;gap:.5rem;align-items:baseline;font-size:1.1rem;font-weight:700}
.source-card dl{display:grid;gap:0 1rem;margin:.8rem 0 0;font-size:.92rem}.source-card dd+dt{margin-top:.4rem}
@media (min-width:36rem){.source-card dl{grid-template-columns:minmax(8rem,max-content) 1fr;gap:.3rem 1rem}.source-card dd+dt{margin-top:0}}
.source-card dt{color:var(--muted)}.source-card dd{margin:0;min-width:0;overflow-wrap:anywhere}
.badge{display:inline-block;font-size:.78rem;font-weight:700;padding:.05rem .55rem;border-radius:999px;border:1px solid currentColor}
.badge-ok{color:var(--accent)}.badge-fail{color:#a4262c}
@media (prefers-color-scheme:dark){.badge-fail{color:#ff9a9a}}
.problem{margin:.2rem 0 0}.muted{color:var(--muted);font-size:.9rem;font-weight:400}.status-summary dd{margin:0}
.error-page{max-width:38rem;margin:0 auto;padding:3rem 1.25rem}
.error-page code{white-space:pre-wrap}
.compose{max-width:42rem}.compose label,.compose legend{font-weight:600}.compose .hint{color:var(--muted);font-size:.9rem}
.compose input[type=text],.compose input[type=password],.compose input[type=datetime-local],.compose input[type=file],.compose textarea{width:100%;max-width:100%;font:inherit;color:var(--fg);background:var(--card);border:1px solid var(--muted);border-radius:.5rem;padding:.5rem .65rem}
.compose input[readonly]{background:var(--bg)}.compose textarea{resize:vertical}
.compose fieldset{border:1px solid var(--line);border-radius:.75rem;margin:1rem 0;padding:.5rem 1rem 1rem;min-width:0}.compose .choice{display:inline-block;margin:.25rem 1.25rem .25rem 0}
.compose button{font:inherit;font-weight:600;color:var(--fg);background:var(--card);border:1px solid var(--muted);border-radius:.5rem;padding:.5rem 1rem;cursor:pointer}.compose button:hover{border-color:var(--accent)}
.compose button.primary{color:var(--card);background:var(--accent);border-color:var(--accent)}
.preview{border:2px dashed var(--line);border-radius:1rem;padding:0 1rem 1rem;margin:1.5rem 0}.preview img{max-width:100%;height:auto}
.draft-photos{list-style:none;margin:0;padding:0;display:grid;gap:1rem}.photo-thumb{display:block;height:auto;max-width:6rem;border-radius:.4rem;margin-bottom:.4rem}
.own-posts{list-style:none;margin:0;padding:0;display:grid;gap:.75rem}.own-posts li{background:var(--card);border:1px solid var(--line);border-radius:.75rem;padding:.6rem 1rem}.own-posts p{margin:.2rem 0}
.own-post-actions{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin:.4rem 0 .2rem}.own-post-actions form{margin:0}
.sign-out{margin:2rem 0 0}
.moderation-link{margin:1.5rem 0 0}.moderated-head{display:flex;flex-wrap:wrap;align-items:center;gap:.4rem .6rem}.moderated-author{display:inline-flex;align-items:center;gap:.45rem;font-weight:600}
.moderation-photo,.conversation .h-card img{border-radius:50%;object-fit:cover;background:var(--line);vertical-align:middle}
.moderated-excerpt{white-space:pre-line}.moderated-facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.1rem .8rem;margin:.4rem 0;font-size:.92rem}.moderated-facts dt{color:var(--muted)}.moderated-facts dd{margin:0;overflow-wrap:anywhere}
.conversation h3{font-size:1rem;margin:1.2rem 0 .5rem}.faces{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.5rem}.faces img{display:block}
.comments,.mentions{list-style:none;margin:0;padding:0;display:grid;gap:.75rem}.comment{background:var(--card);border:1px solid var(--line);border-radius:.75rem;padding:.6rem 1rem}.comment-meta{display:flex;flex-wrap:wrap;align-items:center;gap:.3rem .6rem;margin:0;font-size:.9rem}.comment .e-content p{margin:.4rem 0 0}.comment .e-content img{max-width:100%;height:auto}
@media (prefers-reduced-motion:reduce){.link{transition:none}.link:hover{transform:none}}
@media print{:root{--bg:#fff;--card:#fff;--fg:#000;--muted:#333;--line:#bbb;--accent:#000;--shadow:none}
.page{display:block;max-width:none;padding:0}.profile{position:static;text-align:left}.avatar{margin:0 0 .5rem;width:4rem;height:4rem;box-shadow:none}
.links{gap:.15rem;margin-top:1rem}.link{min-height:0;padding:0;border:0;display:block}.link-text{display:inline}.link{overflow-wrap:anywhere}.link::after{content:" — " attr(href);font-weight:400}.entry-source time::after{content:" (" attr(title) ")"}.link-handle{display:none}
.entry{break-inside:avoid;padding:.5rem 0;border:0;border-bottom:1px solid var(--line);border-radius:0}.entry-image{display:none}
.entry h3+.excerpt{display:block}.with-thumb{display:block}.skip,.page-footer{display:none}}
.compose input[type=url],.compose select{width:100%;max-width:100%;font:inherit;color:var(--fg);background:var(--card);border:1px solid var(--muted);border-radius:.5rem;padding:.5rem .65rem}.compose select{width:auto}
.field-problems{display:block}.field-problem{display:block;color:#a4262c;font-weight:600}.field-invalid input,.field-invalid textarea,.field-invalid select{border-color:#a4262c;border-width:2px}
@media (prefers-color-scheme:dark){.field-problem{color:#ff9a9a}.field-invalid input,.field-invalid textarea,.field-invalid select{border-color:#ff9a9a}}
.profile-versions{list-style:none;margin:0;padding:0;display:grid;gap:.75rem}.profile-versions li{background:var(--card);border:1px solid var(--line);border-radius:.75rem;padding:.6rem 1rem}.profile-versions form{margin:.3rem 0 0}
`.trim();

/** Fingerprinted path of the base stylesheet (error pages, and pages of a profile without accent). */
export const STYLESHEET_PATH = `/m2.${stableHash(CSS)}.css`;

export interface Stylesheet {
  path: string;
  css: string;
}

const byAccent = new Map<string, Stylesheet>();

/**
 * The stylesheet for a profile: the base CSS plus its accent per theme. Fingerprinted like the
 * base one, so changing the accent changes the URL.
 */
export function stylesheetFor(profile: { accent?: string | undefined }): Stylesheet {
  if (!profile.accent) return { path: STYLESHEET_PATH, css: CSS };
  const cached = byAccent.get(profile.accent);
  if (cached) return cached;
  const palette = accentPalette(profile.accent);
  const css = `${CSS}\n:root{--accent:${palette.light}}@media (prefers-color-scheme:dark){:root{--accent:${palette.dark}}}@media print{:root{--accent:#000}}`;
  const sheet = { path: `/m2.${stableHash(css)}.css`, css };
  byAccent.set(profile.accent, sheet);
  return sheet;
}
