import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
// community.json (or its absence) as a module, as wrangler's build step makes it.
import "./scripts/community-module.mjs";

export default defineConfig({
  // Vite's pre-bundles per checkout, not in node_modules: git worktrees sharing one node_modules
  // would otherwise rebuild each other's mid-run (workerd then crashes, "Message is too large").
  cacheDir: ".vite",
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        // Tests run without .dev.vars; admin tests pass their own token.
        bindings: { ADMIN_TOKEN: "test-admin-token" },
        // A bucket for the R2 media store's own test (the Worker itself uses KV unless MEDIA is bound).
        r2Buckets: ["TEST_MEDIA"],
        // No test reaches the network: anything not served by a test's fake fetch ends here.
        outboundService: (request: Request) => new Response(`tests have no network (${request.url})`, { status: 599 }),
      },
    }),
  ],
  test: {
    // One worker for every file: starting a worker per file sends the bundled main module over the
    // pool's WebSocket, and past ~2 MB (the Worker with its Durable Objects) workerd refuses it
    // ("Message is too large", code 1009). Storage is still reset before every test (setup.ts).
    isolate: false,
    include: ["test/**/*.test.{ts,tsx}"],
    setupFiles: ["./test/setup.ts"],
    // sanitize-html requires postcss, whose CommonJS graph workerd's module loader cannot follow:
    // pre-bundle it with Vite, as wrangler's esbuild does for the deployed Worker. The same for
    // microformats-parser (src/auth/client.ts): discovered mid-run, its parse5 graph crashed the
    // next test file's worker ("WebSocket protocol error … Message is too large").
    deps: { optimizer: { ssr: { enabled: true, include: ["sanitize-html", "microformats-parser"] } } },
  },
});
