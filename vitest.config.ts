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
    include: ["test/**/*.test.{ts,tsx}"],
    setupFiles: ["./test/setup.ts"],
    // sanitize-html requires postcss, whose CommonJS graph workerd's module loader cannot follow:
    // pre-bundle it with Vite, as wrangler's esbuild does for the deployed Worker. The same for
    // microformats-parser (src/auth/client.ts): discovered mid-run, its parse5 graph crashed the
    // next test file's worker ("WebSocket protocol error … Message is too large").
    deps: { optimizer: { ssr: { enabled: true, include: ["sanitize-html", "microformats-parser"] } } },
    // Vitest 5 caches transformed modules on disk by default and hands a fresh worker all of its
    // test file's cached graph at once (fetchWarmModules); the Cloudflare pool inlines that into one
    // WebSocket message, and workerd refuses messages over 1 MiB ("Message is too large"), killing
    // the worker of the second file that loads the app. The app's graph is at that size now (a
    // 130 KiB module added to it was enough): modules are fetched one by one instead.
    fsModuleCache: false,
  },
});
