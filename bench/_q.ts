import { host, seed, syntheticTimeline, compare } from "./serve.ts";
const h = await host("bench/.out/hello", 8792);
const m = await host("bench/.out/m2", 8793);
await seed(m, syntheticTimeline(10, ["mastodon", "github", "blog"]));
for (const path of process.argv.slice(2)) {
  const r = await fetch("http://127.0.0.1:8793" + path); const n = (await r.arrayBuffer()).byteLength;
  const c = await compare("http://127.0.0.1:8793" + path, `http://127.0.0.1:8792/?bytes=${n}`, 5);
  console.log(path, r.status, n, Math.round(c.target.requestsPerSecond), Math.round(c.baseline.requestsPerSecond), c.ratio.toFixed(2));
}
await h.dispose(); await m.dispose();
