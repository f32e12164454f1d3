/** IndieAuth §6 the token endpoint: PKCE, single use (concurrent redemptions too), expiry, errors. */
import { describe, expect, it } from "vitest";
import { HOME, request, workerFor } from "../helpers.ts";
import { ADMIN, approvedCode, clientNet, exchange, pkce, profile } from "./flow.ts";

const TEN_MINUTES = 10 * 60_000;

describe("§6.3.1 Redeeming the Authorization Code", () => {
  it("refuses a wrong code_verifier (PKCE S256), and the code is then used up", async () => {
    const worker = workerFor(profile, { auth: { fetcher: clientNet().fetcher } });
    const { verifier, challenge } = await pkce();
    const code = await approvedCode(worker, challenge, { scope: "create" });
    const wrong = await exchange(worker, code, (await pkce()).verifier);
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ error: "invalid_grant", error_description: "code_verifier does not match the code_challenge" });
    expect((await exchange(worker, code, verifier)).status).toBe(400);
  });

  it("refuses a code used twice", async () => {
    const worker = workerFor(profile, { auth: { fetcher: clientNet().fetcher } });
    const { verifier, challenge } = await pkce();
    const code = await approvedCode(worker, challenge, { scope: "create" });
    expect((await exchange(worker, code, verifier)).status).toBe(200);
    const again = await exchange(worker, code, verifier);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: "invalid_grant", error_description: "the code was already used" });
  });

  it("gives exactly one token to two redemptions at once", async () => {
    const worker = workerFor(profile, { auth: { fetcher: clientNet().fetcher } });
    const { verifier, challenge } = await pkce();
    const code = await approvedCode(worker, challenge, { scope: "create" });
    const answers = await Promise.all([exchange(worker, code, verifier), exchange(worker, code, verifier), exchange(worker, code, verifier)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400, 400]);
    const bodies = (await Promise.all(answers.map((answer) => answer.json()))) as Record<string, unknown>[];
    expect(bodies.filter((body) => typeof body.access_token === "string")).toHaveLength(1);
  });

  it("refuses a code past its 10 minutes (the clock is injected), and accepts one just before", async () => {
    let clock = Date.parse("2026-03-01T10:00:00Z");
    const worker = workerFor(profile, { auth: { fetcher: clientNet().fetcher, now: () => clock } });
    const early = await pkce();
    const earlyCode = await approvedCode(worker, early.challenge, { scope: "create" });
    clock += TEN_MINUTES - 1;
    expect((await exchange(worker, earlyCode, early.verifier)).status).toBe(200);
    const late = await pkce();
    const lateCode = await approvedCode(worker, late.challenge, { scope: "create" });
    clock += TEN_MINUTES;
    const expired = await exchange(worker, lateCode, late.verifier);
    expect(expired.status).toBe(400);
    expect(await expired.json()).toEqual({ error: "invalid_grant", error_description: "the code has expired" });
  });

  it("refuses a client_id or redirect_uri other than the authorization request's", async () => {
    const worker = workerFor(profile, { auth: { fetcher: clientNet().fetcher } });
    const { verifier, challenge } = await pkce();
    const code = await approvedCode(worker, challenge, { scope: "create" });
    const other = await exchange(worker, code, verifier, { redirect_uri: "https://app.example/elsewhere" });
    expect(other.status).toBe(400);
    expect(((await other.json()) as { error: string }).error).toBe("invalid_grant");
  });

  it("answers unsupported_grant_type, invalid_request and an unknown code as OAuth JSON errors", async () => {
    const worker = workerFor(profile);
    const { verifier } = await pkce();
    const refresh = await exchange(worker, "x", verifier, { grant_type: "refresh_token" });
    expect(refresh.status).toBe(400);
    expect(((await refresh.json()) as { error: string }).error).toBe("unsupported_grant_type");
    const noVerifier = await exchange(worker, "x", "short");
    expect(await noVerifier.json()).toEqual({ error: "invalid_request", error_description: "code_verifier must be 43 to 128 unreserved characters" });
    const unknown = await exchange(worker, "A".repeat(43), verifier);
    expect(await unknown.json()).toEqual({ error: "invalid_grant", error_description: "the code is unknown" });
  });

  it("refuses a form body larger than its bound (16 KB) before reading it", async () => {
    const response = await request(workerFor(profile), "/auth/token", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: `code=${"a".repeat(20_000)}` });
    expect(response.status).toBe(413);
  });
});

describe("§6.4 Access Token Verification", () => {
  it("GET /auth/token answers 401 without a valid bearer token, and the owner's secret as every scope", async () => {
    const worker = workerFor(profile);
    const refused = await request(worker, "/auth/token", { headers: { Authorization: "Bearer not-a-token" } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("WWW-Authenticate")).toContain("Bearer");
    expect((await request(worker, "/auth/token")).status).toBe(401);
    const owner = await request(worker, "/auth/token", { headers: { Authorization: `Bearer ${ADMIN}` } });
    expect(await owner.json()).toEqual({ me: HOME, client_id: HOME, scope: "create update delete undelete media profile email" });
  });

  it("introspection needs a bearer token and says active: false for an unknown token", async () => {
    const worker = workerFor(profile);
    const body = () => new URLSearchParams({ token: "never-issued" });
    expect((await request(worker, "/auth/introspect", { method: "POST", body: body() })).status).toBe(401);
    const answer = await request(worker, "/auth/introspect", { method: "POST", headers: { Authorization: `Bearer ${ADMIN}` }, body: body() });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ active: false });
  });
});

describe("§7 Token Revocation", () => {
  it("answers 200 whatever the token (RFC 7009 §2.2)", async () => {
    const response = await request(workerFor(profile), "/auth/revoke", { method: "POST", body: new URLSearchParams({ token: "never-issued" }) });
    expect(response.status).toBe(200);
  });
});
