import { describe, expect, it } from 'vitest';
import { createRedisKeys } from '../../src/platform/redis-keys.js';
import { saveLivePayload, type PackedEntry } from '../../src/polling/save-live-payload.js';

const keys = createRedisKeys('payload-test', 4);

/** The entries back out of ARGV[2], read as SAVE_LIVE's Lua reads them (u16, u8, u32, u16 lengths). */
function readEntries(blob: Buffer, count: number) {
  const entries: { id: string; expected: Buffer; state: Buffer; ops: string }[] = [];
  let at = 0;
  const field = (length: number): Buffer => blob.subarray(at, (at += length));
  for (let i = 0; i < count; i++) {
    const id = field(blob.readUInt16LE((at += 2) - 2)).toString('utf8');
    const expected = field(blob.readUInt8((at += 1) - 1));
    const state = field(blob.readUInt32LE((at += 4) - 4));
    const ops = field(blob.readUInt16LE((at += 2) - 2)).toString('latin1');
    entries.push({ id, expected, state, ops });
  }
  expect(at).toBe(blob.length);
  return entries;
}

const facts = (status: 'unknown' | 'up' | 'degraded' | 'down', findingKinds: string[] = []) => ({
  status,
  findingKinds,
});

describe('SAVE_LIVE payload', () => {
  it('carries every entry in order, ids in UTF-8, frames and states byte for byte', () => {
    const head = Buffer.from([0xc1, 7, 0, 0, 0]);
    const entries: PackedEntry[] = [
      {
        state: {
          id: 'cpe-ü-1',
          bytes: Buffer.from('state-one'),
          expected: head,
          answeredAt: 1700,
          silent: false,
        },
        change: { id: 'cpe-ü-1', before: facts('unknown'), after: facts('up') },
      },
      {
        state: {
          id: 'cpe-2',
          bytes: Buffer.alloc(70_000, 9),
          expected: '',
          answeredAt: undefined,
          silent: true,
        },
        change: { id: 'cpe-2', before: facts('up'), after: facts('down') },
      },
    ];
    const { args } = saveLivePayload(keys, 1, entries);
    expect(args[0]).toBe('2');
    const read = readEntries(args[1], 2);
    expect(read.map((e) => e.id)).toEqual(['cpe-ü-1', 'cpe-2']);
    expect(read[0]?.expected.equals(head)).toBe(true);
    expect(read[0]?.state.toString()).toBe('state-one');
    expect(read[1]?.expected.length).toBe(0);
    expect(read[1]?.state.equals(Buffer.alloc(70_000, 9))).toBe(true);
    // KEYS: state hash, the four status sets (unknown, up, degraded, down), answered-at.
    expect(read[0]?.ops).toBe('a1700=3');
    expect(read[1]?.ops).toBe('-6=5');
  });

  it('names each finding set once, after the shard keys, and only for entries with finding kinds', () => {
    const entry = (id: string, before: string[], after: string[]): PackedEntry => ({
      state: { id, bytes: Buffer.from('s'), expected: 'L', answeredAt: 5, silent: false },
      change: { id, before: facts('up', before), after: facts('degraded', after) },
    });
    const { keys: named, args } = saveLivePayload(keys, 2, [
      entry('a', [], ['low_signal']),
      entry('b', ['low_signal', 'high_errors'], ['low_signal']),
      entry('c', [], []),
    ]);
    expect(named.slice(0, 6)).toEqual([
      keys.pollState(2),
      keys.devicesByStatus('unknown', 2),
      keys.devicesByStatus('up', 2),
      keys.devicesByStatus('degraded', 2),
      keys.devicesByStatus('down', 2),
      keys.devicesAnsweredAt(2),
    ]);
    expect(named.slice(6)).toEqual([
      keys.devicesByFinding('low_signal', 2),
      keys.devicesByFinding('high_errors', 2),
    ]);
    expect(readEntries(args[1], 3).map((e) => [e.expected.toString(), e.ops])).toEqual([
      ['L', 'a5=4+7'],
      ['L', 'a5=4-8+7'],
      ['L', 'a5=4'],
    ]);
  });
});
