/**
 * The media endpoint (micropub.rocks 700–702) and photos uploaded with a post (300–301): stored
 * content-addressed, served with their type and a year's caching, and never with the location a
 * camera wrote into them.
 */
import { describe, expect, it } from "vitest";
import gif from "../fixtures/media/gif.gif?inline";
import jpeg from "../fixtures/media/jpeg-gps.jpg?inline";
import png from "../fixtures/media/png-gps.png?inline";
import webp from "../fixtures/media/webp-gps.webp?inline";
import { MAX_MEDIA_BYTES, r2Media, sniff, storeMedia, withoutMetadata } from "../../src/posts/media.ts";
import { env, profileWith, request, workerFor, type Worker } from "../helpers.ts";

const ADMIN = { Authorization: "Bearer test-admin-token" };

/** The bytes of a fixture (Vite inlines it as a data: URL). */
function bytesOf(dataUrl: string): Uint8Array {
  const binary = atob(dataUrl.slice(dataUrl.indexOf(",") + 1));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/** True when `needle` occurs in `bytes`. */
function contains(bytes: Uint8Array, needle: string): boolean {
  const pattern = new TextEncoder().encode(needle);
  outer: for (let i = 0; i + pattern.length <= bytes.length; i++) {
    for (let j = 0; j < pattern.length; j++) if (bytes[i + j] !== pattern[j]) continue outer;
    return true;
  }
  return false;
}

function home(): Worker {
  return workerFor(profileWith([{ url: "https://github.com/camille" }]));
}

async function upload(worker: Worker, bytes: Uint8Array, name: string, type: string, headers: Record<string, string> = ADMIN) {
  const form = new FormData();
  form.append("file", new File([bytes], name, { type }));
  return request(worker, "/micropub/media", { method: "POST", headers, body: form });
}

/** Uploads, then fetches what the Location names. */
async function uploaded(worker: Worker, bytes: Uint8Array, name: string, type: string) {
  const response = await upload(worker, bytes, name, type);
  expect(response.status).toBe(201);
  const location = response.headers.get("Location")!;
  expect(location).toMatch(/^https:\/\/camille\.example\/media\/[0-9a-f]{64}\.(jpg|png|gif|webp)$/);
  const served = await request(worker, new URL(location).pathname);
  expect(served.status).toBe(200);
  return { location, served, body: new Uint8Array(await served.arrayBuffer()) };
}

describe("the media endpoint (micropub.rocks 700–702)", () => {
  it("is announced in q=config", async () => {
    const config = (await (await request(home(), "/micropub?q=config", { headers: ADMIN })).json()) as Record<string, unknown>;
    expect(config["media-endpoint"]).toBe("https://camille.example/micropub/media");
  });

  it("700: takes a JPEG, serves it as image/jpeg for a year, without its EXIF GPS position", async () => {
    const original = bytesOf(jpeg);
    expect(contains(original, "Exif")).toBe(true);
    const { served, body } = await uploaded(home(), original, "sunset.jpg", "image/jpeg");
    expect(served.headers.get("Content-Type")).toBe("image/jpeg");
    expect(served.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(contains(body, "Exif")).toBe(false);
    expect(sniff(body)).toBe("image/jpeg");
    // The image itself is untouched: only the APP1 segment went.
    expect(body.byteLength).toBe(original.byteLength - (((original[4]! << 8) | original[5]!) + 2));
  });

  it("701: takes a PNG, without its eXIf chunk or its text comment", async () => {
    const original = bytesOf(png);
    expect(contains(original, "eXIf")).toBe(true);
    const { served, body } = await uploaded(home(), original, "city.png", "image/png");
    expect(served.headers.get("Content-Type")).toBe("image/png");
    expect(contains(body, "eXIf")).toBe(false);
    expect(contains(body, "45.76N")).toBe(false);
    expect(contains(body, "IDAT")).toBe(true);
  });

  it("702: takes a GIF as it is", async () => {
    const original = bytesOf(gif);
    const { served, body } = await uploaded(home(), original, "anim.gif", "image/gif");
    expect(served.headers.get("Content-Type")).toBe("image/gif");
    expect(body).toEqual(original);
  });

  it("takes a WebP, without its EXIF chunk, its flag cleared", async () => {
    const original = bytesOf(webp);
    const { body } = await uploaded(home(), original, "photo.webp", "image/webp");
    expect(contains(body, "EXIF")).toBe(false);
    expect(body[20]! & 0b1000).toBe(0);
    expect(new DataView(body.buffer, body.byteOffset).getUint32(4, true)).toBe(body.byteLength - 8);
  });

  it("names an upload by its cleaned bytes: the same photo twice is one file", async () => {
    const worker = home();
    const first = await upload(worker, bytesOf(jpeg), "a.jpg", "image/jpeg");
    const second = await upload(worker, withoutMetadata(bytesOf(jpeg), "image/jpeg"), "b.jpg", "image/jpeg");
    expect(first.headers.get("Location")).toBe(second.headers.get("Location"));
  });

  it("refuses what is not an image whatever its declared type, a damaged image, a file too large, and a request without a token", async () => {
    const worker = home();
    const script = await upload(worker, new TextEncoder().encode("<svg onload=alert(1)>"), "x.jpg", "image/jpeg");
    expect(script.status).toBe(400);
    expect(((await script.json()) as { error_description: string }).error_description).toContain("JPEG, PNG, GIF and WebP");
    const damaged = bytesOf(jpeg).slice(0, 30);
    expect((await upload(worker, damaged, "cut.jpg", "image/jpeg")).status).toBe(400);
    const huge = new Uint8Array(MAX_MEDIA_BYTES + 1);
    huge.set([0xff, 0xd8, 0xff]);
    expect((await upload(worker, huge, "huge.jpg", "image/jpeg")).status).toBe(400);
    expect((await upload(worker, bytesOf(gif), "a.gif", "image/gif", {})).status).toBe(401);
  });
});

describe("photos uploaded with a post (micropub.rocks 300–301)", () => {
  it("300: a multipart create with one photo links the stored photo from the post", async () => {
    const worker = home();
    const form = new FormData();
    form.append("h", "entry");
    form.append("content", "Nice sunset tonight");
    form.append("photo", new File([bytesOf(jpeg)], "sunset.jpg", { type: "image/jpeg" }));
    const response = await request(worker, "/micropub", { method: "POST", headers: ADMIN, body: form });
    expect(response.status).toBe(201);
    const page = await (await request(worker, new URL(response.headers.get("Location")!).pathname)).text();
    const src = /class="u-photo" src="(https:\/\/camille\.example\/media\/[0-9a-f]{64}\.jpg)"/.exec(page)?.[1];
    expect(src).toBeDefined();
    expect(contains(new Uint8Array(await (await request(worker, new URL(src!).pathname)).arrayBuffer()), "Exif")).toBe(false);
  });

  it("301: two photos sent as photo[] are both in the post", async () => {
    const worker = home();
    const form = new FormData();
    form.append("h", "entry");
    form.append("content", "Two photos");
    form.append("photo[]", new File([bytesOf(jpeg)], "sunset.jpg", { type: "image/jpeg" }));
    form.append("photo[]", new File([bytesOf(png)], "city.png", { type: "image/png" }));
    const response = await request(worker, "/micropub", { method: "POST", headers: ADMIN, body: form });
    expect(response.status).toBe(201);
    const page = await (await request(worker, new URL(response.headers.get("Location")!).pathname)).text();
    expect(page.match(/class="u-photo" src="https:\/\/camille\.example\/media\/[0-9a-f]{64}\.(?:jpg|png)"/g)).toHaveLength(2);
  });
});

describe("the R2 media store (when a MEDIA bucket is bound)", () => {
  it("keeps the cleaned bytes under their content address, with their type", async () => {
    const store = r2Media((env as unknown as { TEST_MEDIA: R2Bucket }).TEST_MEDIA);
    const stored = await storeMedia(store, bytesOf(png));
    expect(stored).toMatchObject({ type: "image/png" });
    const found = await store.get((stored as { name: string }).name);
    expect(found?.type).toBe("image/png");
    const body = new Uint8Array(await new Response(found!.body).arrayBuffer());
    expect(contains(body, "eXIf")).toBe(false);
    expect(await store.get("0".repeat(64) + ".png")).toBeNull();
  });
});
