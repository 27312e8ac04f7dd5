/**
 * A stored state's write count, framed ahead of its msgpack body: one byte 0xc1 (which msgpack never
 * writes) and the count as a little-endian uint32. A poll writes its state only if the stored one is
 * still the one it read (SAVE_LIVE compares these five bytes): two writers of one device (a trap's
 * announcement and a poll already in flight, a scheduled poll and a probe) must not each publish
 * finding changes judged from the same state while the last write silently undoes the other's; the
 * published findings and the stored state would disagree until the device changed again.
 */
const MARK = 0xc1;
const HEAD = 5;

/** No stored state: what the script sees for a field the hash does not hold. */
export const ABSENT_HEAD = '';
/** A state written before the frame: its bytes carry no count (the first framed write replaces it). */
export const UNFRAMED_HEAD = 'L';

/** The stored state's bytes, framed with its write count. */
export function frameState(body: Buffer, version: number): Buffer {
  const framed = Buffer.allocUnsafe(HEAD + body.length);
  framed[0] = MARK;
  framed.writeUInt32LE(version >>> 0, 1);
  body.copy(framed, HEAD);
  return framed;
}

/** A stored value's body and write count (0: written before the frame). */
export function readFrame(stored: Buffer): { body: Buffer; version: number } {
  if (stored.length < HEAD || stored[0] !== MARK) return { body: stored, version: 0 };
  return { body: stored.subarray(HEAD), version: stored.readUInt32LE(1) };
}

/**
 * What SAVE_LIVE must find stored for a write based on the state read at `version` (undefined: none
 * was stored) to go ahead: the frame's five bytes, or one of the two markers above.
 */
export function expectedHead(version: number | undefined): string | Buffer {
  if (version === undefined) return ABSENT_HEAD;
  if (version === 0) return UNFRAMED_HEAD;
  const head = Buffer.allocUnsafe(HEAD);
  head[0] = MARK;
  head.writeUInt32LE(version >>> 0, 1);
  return head;
}

/** The count the next write of a state read at `version` stores (wrapping; only equality matters). */
export function nextVersion(version: number | undefined): number {
  return ((version ?? 0) + 1) >>> 0 || 1;
}

/** The Lua that SAVE_LIVE uses to name what is stored: the frame's bytes, or one of the markers. */
export const STORED_HEAD_LUA = `
local function storedHead(value)
  if not value then return '${ABSENT_HEAD}' end
  if string.byte(value, 1) == ${MARK} and #value >= ${HEAD} then return string.sub(value, 1, ${HEAD}) end
  return '${UNFRAMED_HEAD}'
end`;
