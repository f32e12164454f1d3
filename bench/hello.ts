/**
 * @module The serving baseline: a hello-world Hono Worker, bundled and hosted exactly like m2. It
 * answers a constant body, so that a baseline can move as many bytes as the m2 route it is
 * compared with and the ratio measures m2's own work, not the size of the answer:
 *
 * - `GET /?bytes=N`: N bytes of text/plain (the plain hello-world, any size).
 * - `PUT /answers/<name>` with `{ bytes, headers }`, then `GET /answers/<name>`: N bytes with
 *   exactly those headers, the same answer on the wire as the m2 route it stands beside.
 */
import { Hono } from "hono";

const bodies = new Map<number, string>();
const answers = new Map<string, { body: ArrayBuffer; headers: Headers }>();

const app = new Hono();
app.put("/answers/:name", async (c) => {
  const { bytes, headers } = await c.req.json<{ bytes: number; headers: [string, string][] }>();
  answers.set(c.req.param("name"), { body: new TextEncoder().encode("x".repeat(bytes)).buffer as ArrayBuffer, headers: new Headers(headers) });
  return c.body(null, 204);
});
app.get("/answers/:name", (c) => {
  const answer = answers.get(c.req.param("name"));
  if (!answer) return c.notFound();
  return new Response(answer.body, { headers: answer.headers });
});
app.get("*", (c) => {
  const bytes = Math.min(Number(c.req.query("bytes") ?? 0) || 0, 10_000_000);
  if (bytes === 0) return c.text("Hello, world!");
  let body = bodies.get(bytes);
  if (body === undefined) bodies.set(bytes, (body = "x".repeat(bytes)));
  return c.text(body);
});

export default app;
