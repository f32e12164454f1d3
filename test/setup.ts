// Each test starts from empty storage (the plugin isolates files; this isolates tests).
import { reset } from "cloudflare:test";
import { beforeEach } from "vitest";

beforeEach(async () => {
  await reset();
});
