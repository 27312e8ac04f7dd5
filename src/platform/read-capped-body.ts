/** What outbound callers read of a receiver's answer: enough for a ticket id or an error excerpt. */
export const RESPONSE_BODY_CAP_BYTES = 64 * 1024;

export interface CappedBody {
  /** The first `maxBytes` at most, decoded as UTF-8 (a character cut at the cap becomes U+FFFD). */
  text: string;
  /** Bytes read, never more than `maxBytes`. */
  bytes: number;
  /** The receiver sent more than `maxBytes`: the rest was not read and the connection was dropped. */
  overCap: boolean;
}

/**
 * Reads at most `maxBytes` of a fetch response's body, then cancels the stream, which aborts the
 * connection rather than draining it: a receiver that answers webhooks or dispatches with 300 MB (by
 * mistake or on purpose) costs us 64 KiB, not 300 MB of memory and its transfer time. A body that
 * fails mid-way (reset, timeout) keeps what arrived; the status line already says how the call went.
 */
export async function readCappedBody(
  response: Response,
  maxBytes = RESPONSE_BODY_CAP_BYTES,
): Promise<CappedBody> {
  if (response.body === null) return { text: '', bytes: 0, overCap: false };
  // Node types a fetch body as ReadableStream<any>; undici's chunks are Uint8Arrays.
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let overCap = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = maxBytes - bytes;
      if (value.byteLength > room) {
        chunks.push(value.subarray(0, room));
        bytes += room;
        overCap = true;
        break;
      }
      chunks.push(value);
      bytes += value.byteLength;
    }
  } catch {
    // Reset or timed out mid-body: what arrived is all there is.
  } finally {
    // Cancel, not drain: undici aborts the request and destroys the socket.
    await reader.cancel().catch(() => undefined);
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks, bytes));
  return { text, bytes, overCap };
}

/**
 * A short, single-line excerpt of a receiver's body for an error record (dead letters): control
 * characters become spaces, it ends at `maxChars` with an ellipsis, and an over-cap body says so.
 */
export function bodyExcerpt(body: CappedBody, maxChars = 200): string {
  // eslint-disable-next-line no-control-regex -- flattening control characters is the point
  const flat = body.text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  const shown = flat.length > maxChars ? `${flat.slice(0, maxChars)}…` : flat;
  if (!body.overCap) return shown;
  return `${shown}${shown === '' ? '' : ' '}[body over ${Math.round(body.bytes / 1024)} KiB, not read further]`;
}
