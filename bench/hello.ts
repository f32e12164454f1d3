/**
 * @module The serving baseline: a hello-world Hono Worker, bundled and hosted exactly like m2.
 * `?bytes=N` answers a constant body of N bytes, so that a baseline can move as many bytes as the
 * m2 route it is compared with and the ratio measures m2's own work, not the size of the answer.
 */
import { Hono } from "hono";

const bodies = new Map<number, string>();

const app = new Hono();
app.get("*", (c) => {
  const bytes = Math.min(Number(c.req.query("bytes") ?? 0) || 0, 10_000_000);
  if (bytes === 0) return c.text("Hello, world!");
  let body = bodies.get(bytes);
  if (body === undefined) bodies.set(bytes, (body = "x".repeat(bytes)));
  return c.text(body);
});

export default app;
