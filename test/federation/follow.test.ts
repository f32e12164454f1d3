/**
 * Following the home from Mastodon: a Follow signed exactly as Mastodon signs it (draft-cavage,
 * `(request-target) host date digest content-type`), or with RFC 9421, stores the follower and
 * gets a signed Accept that verifies with the home's published key; anything unsigned, tampered,
 * stale or oversized changes nothing and sends nothing; Undo(Follow) and Delete(actor) remove.
 */
import { describe, expect, it } from "vitest";
import { homeStore } from "../../src/auth/grants.ts";
import { MAX_INBOX_BODY_BYTES } from "../../src/federation/limits.ts";
import { env } from "../helpers.ts";
import { actorOf, AP, deliverFrom, sha256, federatedHome, follow, mastodonAccount, mastodonSigned, postInbox, postsTo, rfc9421Signed, verifyAsMastodon, type RemoteAccount } from "./fediverse.ts";

const inboxOf = (home: string) => new URL("/activitypub/inbox", home).href;

async function followers(home: string) {
  return homeStore(env, home).federationFollowers();
}

describe("a Follow from Mastodon", () => {
  it("signed as Mastodon signs it: the follower is stored and a signed Accept, which verifies with the actor's published key, is POSTed to its inbox", async () => {
    const { worker, net, home } = federatedHome();
    const alex = await mastodonAccount(net);
    const body = follow(alex, home);
    const response = await deliverFrom(worker, home, alex, body);
    expect(response.status).toBe(202);
    expect(await followers(home)).toEqual([{ actor: alex.id, inbox: alex.inbox, sharedInbox: alex.sharedInbox, followId: JSON.parse(body).id }]);
    const accepts = await postsTo(net, alex.inbox);
    expect(accepts).toHaveLength(1);
    const accept = accepts[0]!;
    expect(accept.request.headers.get("content-type")).toBe(AP);
    expect(accept.activity).toMatchObject({ type: "Accept", actor: home, object: { id: JSON.parse(body).id, type: "Follow", actor: alex.id, object: home } });
    expect(await verifyAsMastodon(accept.request, accept.body, await actorOf(worker))).toBe(true);
  });

  it("signed with RFC 9421 (@method @target-uri content-digest, created): accepted the same way", async () => {
    const { worker, net, home } = federatedHome();
    const alex = await mastodonAccount(net);
    const body = follow(alex, home);
    expect((await postInbox(worker, body, await rfc9421Signed(alex, inboxOf(home), body))).status).toBe(202);
    expect((await followers(home)).map((follower) => follower.actor)).toEqual([alex.id]);
    expect(await postsTo(net, alex.inbox)).toHaveLength(1);
  });

  it("fetches the signer's key once: a second activity verifies with the cached key", async () => {
    const { worker, net, home } = federatedHome();
    const alex = await mastodonAccount(net);
    await deliverFrom(worker, home, alex, follow(alex, home));
    const undo = JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", id: `${alex.id}#follows/1/undo`, type: "Undo", actor: alex.id, object: JSON.parse(follow(alex, home)) });
    expect((await deliverFrom(worker, home, alex, undo)).status).toBe(202);
    expect(net.requests.filter((sent) => sent.url === alex.id)).toHaveLength(1);
  });
});

/** Each case: a Follow that must be refused, and the status it gets. Nothing may be stored, nothing sent. */
async function refusedWithoutEffect(make: (account: RemoteAccount, home: string) => Promise<{ body: string; headers: Record<string, string> }>, status: number, reason: string) {
  const { worker, net, home } = federatedHome();
  const alex = await mastodonAccount(net);
  const { body, headers } = await make(alex, home);
  const response = await postInbox(worker, body, headers);
  expect(response.status).toBe(status);
  expect(await response.text()).toContain(reason);
  expect(await followers(home)).toEqual([]);
  expect(net.requests.filter((sent) => sent.method === "POST")).toEqual([]);
  return { net, alex };
}

describe("a Follow that is not what it claims changes nothing and sends nothing", () => {
  it("unsigned: 401, and the actor is not even fetched", async () => {
    const { net, alex } = await refusedWithoutEffect(async (account, home) => ({ body: follow(account, home), headers: { "Content-Type": AP } }), 401, "not signed");
    expect(net.requests.filter((sent) => sent.url === alex.id)).toEqual([]);
  });

  it("the body changed after signing: 401", async () => {
    await refusedWithoutEffect(async (account, home) => {
      const body = follow(account, home);
      const headers = await mastodonSigned(account, inboxOf(home), body);
      return { body: body.replace(account.id, "https://mastodon.example/users/mallory"), headers };
    }, 401, "does not match its Digest");
  });

  it("a Digest that is not the body's (signed as sent): 401", async () => {
    await refusedWithoutEffect(async (account, home) => {
      const body = follow(account, home);
      return { body, headers: await mastodonSigned(account, inboxOf(home), body, { digest: "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }) };
    }, 401, "does not match its Digest");
  });

  it("the body changed, with a fresh unsigned Content-Digest beside the signed Digest: 401", async () => {
    await refusedWithoutEffect(async (account, home) => {
      const body = follow(account, home);
      const headers = await mastodonSigned(account, inboxOf(home), body);
      const forged = body.replace(account.id, "https://mastodon.example/users/mallory");
      return { body: forged, headers: { ...headers, "Content-Digest": `sha-256=:${await sha256(forged)}:` } };
    }, 401, "does not match its Digest");
  });

  it("a stale Date (two hours old, signed as sent): 401", async () => {
    await refusedWithoutEffect(async (account, home) => {
      const body = follow(account, home);
      return { body, headers: await mastodonSigned(account, inboxOf(home), body, { date: new Date(Date.now() - 2 * 60 * 60_000) }) };
    }, 401, "outside the allowed window");
  });

  it("signed by another key than the one the actor publishes: 401", async () => {
    await refusedWithoutEffect(async (account, home) => {
      const other = (await crypto.subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, false, ["sign", "verify"])) as CryptoKeyPair;
      const body = follow(account, home);
      return { body, headers: await mastodonSigned(account, inboxOf(home), body, { privateKey: other.privateKey }) };
    }, 401, "does not verify");
  });

  it("signed for another actor than the activity's: 401", async () => {
    await refusedWithoutEffect(async (account, home) => {
      const body = follow(account, home).replace(`"actor": "${account.id}"`, '"actor": "https://elsewhere.example/users/alex"');
      return { body, headers: await mastodonSigned(account, inboxOf(home), body) };
    }, 401, "not on the actor's origin");
  });

  it(`over ${MAX_INBOX_BODY_BYTES} bytes: 413 before anything is read or fetched`, async () => {
    const { net, alex } = await refusedWithoutEffect(async (account, home) => {
      const activity = JSON.parse(follow(account, home)) as Record<string, unknown>;
      const body = JSON.stringify({ ...activity, padding: "x".repeat(MAX_INBOX_BODY_BYTES) });
      return { body, headers: await mastodonSigned(account, inboxOf(home), body) };
    }, 413, "over");
    expect(net.requests.filter((sent) => sent.url === alex.id)).toEqual([]);
  });
});

describe("a follower leaves", () => {
  it("Undo(Follow) removes the follower", async () => {
    const { worker, net, home } = federatedHome();
    const alex = await mastodonAccount(net);
    const body = follow(alex, home);
    await deliverFrom(worker, home, alex, body);
    expect(await followers(home)).toHaveLength(1);
    const undo = JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", id: `${alex.id}#follows/9/undo`, type: "Undo", actor: alex.id, object: JSON.parse(body) });
    expect((await deliverFrom(worker, home, alex, undo)).status).toBe(202);
    expect(await followers(home)).toEqual([]);
  });

  it("Delete of the actor removes the follower, verified with the key cached when it followed (its document is gone)", async () => {
    const { worker, net, home } = federatedHome();
    const alex = await mastodonAccount(net);
    await deliverFrom(worker, home, alex, follow(alex, home));
    net.set(alex.id, new Response("Gone", { status: 410 }));
    const deleted = JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", id: `${alex.id}#delete`, type: "Delete", actor: alex.id, object: alex.id, to: ["https://www.w3.org/ns/activitystreams#Public"] });
    expect((await deliverFrom(worker, home, alex, deleted)).status).toBe(202);
    expect(await followers(home)).toEqual([]);
  });
});
