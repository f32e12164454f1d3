/**
 * @module Reading a body up to a bound: chunk by chunk as it streams, so a missing or false
 * Content-Length can never make m2 hold more than the bound. Shared by the feed fetch, the
 * delegated token check, the ActivityPub inbox and the owner's JSON routes.
 */

/**
 * Settles with `promise`, or rejects when `signal` aborts first. The runtime's fetch honours the
 * signal itself; this also bounds a fetcher or a body stream that does not (a server that sends
 * headers, then nothing).
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/**
 * The bytes of `body` (a request's or a response's), or "too-large" as soon as they pass
 * `maxBytes` (a declared Content-Length over it is refused before anything is read).
 *
 * @example
 * const bytes = await readUpTo(request.body, request.headers.get("content-length"), 65_536);
 * if (bytes === "too-large") return new Response(null, { status: 413 });
 */
export async function readUpTo(body: ReadableStream<Uint8Array> | null, contentLength: string | null, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array | "too-large"> {
  const declared = Number(contentLength);
  if (contentLength !== null && Number.isFinite(declared) && declared > maxBytes) {
    await body?.cancel().catch(() => {});
    return "too-large";
  }
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await (signal ? untilAborted(reader.read(), signal) : reader.read());
    } catch (error) {
      reader.cancel().catch(() => {});
      throw error;
    }
    if (chunk.done) break;
    total += chunk.value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return "too-large";
    }
    chunks.push(chunk.value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
