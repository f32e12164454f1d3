/**
 * @module The page's stylesheet, served by the Worker at a fingerprinted path with a year-long
 * cache (CSP allows styles from 'self' only, so nothing inline). System fonts, light and dark.
 */
import { stableHash } from "../hash.ts";

export const CSS = `
:root{color-scheme:light dark;--bg:#fbfaf7;--fg:#1d1b18;--muted:#5c574f;--card:#fff;--line:#e4e0d8;--accent:#0b5cad;--accent-fg:#fff}
@media (prefers-color-scheme:dark){:root{--bg:#15171a;--fg:#ecebe8;--muted:#a9a59d;--card:#1e2125;--line:#33373d;--accent:#7cb6ff;--accent-fg:#0b1726}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0 auto;max-width:42rem;padding:1.5rem 1rem 3rem;background:var(--bg);color:var(--fg);font:1.0625rem/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;overflow-wrap:anywhere}
a{color:var(--accent)}
a:focus-visible{outline:3px solid var(--accent);outline-offset:2px;border-radius:4px}
.skip{position:absolute;left:-9999px}.skip:focus{left:1rem;top:1rem;background:var(--card);padding:.5rem}
.profile{text-align:center;margin-bottom:2rem}
.avatar{width:7.5rem;height:7.5rem;border-radius:50%;object-fit:cover;border:3px solid var(--line)}
h1{font-size:1.9rem;margin:.5rem 0 .25rem}h1 a{color:inherit;text-decoration:none}
.p-note{color:var(--muted);margin:.25rem auto 1.25rem;max-width:34rem}
.links{list-style:none;padding:0;margin:0;display:grid;gap:.6rem}
.link{display:flex;align-items:center;justify-content:center;gap:.6rem;min-height:3rem;padding:.6rem 1rem;border:1px solid var(--line);border-radius:.8rem;background:var(--card);color:var(--fg);text-decoration:none;font-weight:600}
.link:hover{border-color:var(--accent)}
.link svg,.entry-source svg{width:1.25rem;height:1.25rem;fill:currentColor;flex:none}
.link-handle{font-weight:400;color:var(--muted);font-size:.9em}
h2{font-size:1.25rem;margin:2rem 0 1rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:.8rem;padding:1rem 1.1rem;margin:0 0 1rem}
.card h3{font-size:1.1rem;margin:.25rem 0 .5rem}
.entry-source{display:flex;align-items:center;gap:.4rem;flex-wrap:wrap;margin:0;color:var(--muted);font-size:.9rem}
.e-content img,.card>img{max-width:100%;height:auto;border-radius:.5rem}
.e-content{overflow-wrap:anywhere}.e-content pre{overflow-x:auto}
footer{margin-top:2.5rem;color:var(--muted);font-size:.9rem;text-align:center}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem;border-bottom:1px solid var(--line);vertical-align:top}
.error-page code{white-space:pre-wrap}
@media print{body{max-width:none;background:#fff;color:#000}.link{border:0;justify-content:flex-start;min-height:0}.skip,footer nav{display:none}a{color:#000}}
`.trim();

/** Fingerprinted path: a new stylesheet gets a new URL, so the old one can be cached forever. */
export const STYLESHEET_PATH = `/m2.${stableHash(CSS)}.css`;
