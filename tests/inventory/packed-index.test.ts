import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUCKET_MAX,
  PACKED_LUA,
  buildBuckets,
  byteOrder,
  packedIndexKeys,
  writeBuckets,
  type PackedIndexKeys,
} from '../../src/inventory/packed-index.js';
import { packedCount, packedMembersOf, packedRange } from '../../src/inventory/packed-index-read.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';

/** Applies [op, member] changes with the same Lua the inventory's change script runs. */
const APPLY_OPS = `${PACKED_LUA}
for i = 1, #ARGV, 2 do
  if ARGV[i] == 'add' then packAdd(KEYS[1], KEYS[2], ARGV[i + 1]) else packRem(KEYS[1], KEYS[2], ARGV[i + 1]) end
end
return 0`;

let test: TestRedis;

beforeAll(async () => {
  test = await createTestRedis();
});
afterAll(async () => {
  await test.close();
});

/** A deterministic generator, so a failure replays. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

const memberOf = (value: string, id: string): string => `${value}\u0000${id}`;

/** What the index must answer, kept as a plain sorted list (the model). */
function modelMembersOf(model: Set<string>, value: string): string[] {
  const prefix = memberOf(value, '');
  return [...model]
    .filter((m) => m.startsWith(prefix))
    .sort(byteOrder)
    .map((m) => m.slice(prefix.length));
}

async function apply(index: PackedIndexKeys, ops: [string, string][]): Promise<void> {
  for (let i = 0; i < ops.length; i += 500) {
    await test.redis.eval(APPLY_OPS, 2, index.buckets, index.directory, ...ops.slice(i, i + 500).flat());
  }
}

describe('byteOrder', () => {
  it('orders strings as Redis orders their UTF-8 bytes, astral characters and NUL included', () => {
    const pick = random(7);
    const alphabet = [
      'a',
      'b',
      'z',
      '-',
      '\u0000',
      '\u0001',
      'é',
      '\u00ff',
      '\u4e2d',
      '\uffee',
      '😀',
      '\u{10400}',
    ];
    const strings = Array.from({ length: 400 }, () =>
      Array.from(
        { length: 1 + Math.floor(pick() * 5) },
        () => alphabet[Math.floor(pick() * alphabet.length)],
      ).join(''),
    );
    const byBytes = [...strings].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect([...strings].sort(byteOrder)).toEqual(byBytes);
    // An import's buckets hold the members in that order, whichever sort it picked.
    for (const members of [strings, strings.filter((m) => !/[\ud800-\uffff]/.test(m))]) {
      const unique = [...new Set(members)].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      expect(buildBuckets(members).flatMap(([, text]) => text.split('\n'))).toEqual(unique);
    }
  });
});

describe('packed index', () => {
  it('answers members, counts and pages like a sorted set through imports, adds, removes and splits', async () => {
    const index = packedIndexKeys(test.keys, 'device-parent');
    const pick = random(42);
    const parents = ['an-1', 'an-2', 'bs-1', 'z', 'ä-parent'];
    const model = new Set<string>();
    for (let i = 0; i < 900; i++)
      model.add(memberOf(parents[i % 3] as string, `cpe-${String(i).padStart(5, '0')}`));
    await writeBuckets(test.redis, index, [...model], 60_000);
    await test.redis.persist(index.buckets);
    await test.redis.persist(index.directory);

    // Many changes, most to one parent so its buckets split past BUCKET_MAX, then a drain of another.
    const ops: [string, string][] = [];
    for (let i = 0; i < 3000; i++) {
      const parent = pick() < 0.6 ? 'an-2' : (parents[Math.floor(pick() * parents.length)] as string);
      const member = memberOf(parent, `cpe-${String(Math.floor(pick() * 5000)).padStart(5, '0')}`);
      const add = pick() < 0.7;
      ops.push([add ? 'add' : 'rem', member]);
      if (add) model.add(member);
      else model.delete(member);
    }
    for (const member of [...model].filter((m) => m.startsWith('an-1\u0000'))) {
      ops.push(['rem', member]);
      model.delete(member);
    }
    await apply(index, ops);

    const lists = await packedMembersOf(test.redis, index, [...parents, 'absent']);
    expect(lists).toEqual([...parents, 'absent'].map((p) => modelMembersOf(model, p)));
    expect(lists[0]).toEqual([]);
    expect((lists[1] ?? []).length).toBeGreaterThan(BUCKET_MAX);
    expect(await packedCount(test.redis, index, [...parents, 'absent'])).toEqual(
      [...parents, 'absent'].map((p) => modelMembersOf(model, p).length),
    );

    // Paging through one parent 97 at a time, each page from just after the last one's end.
    const expected = modelMembersOf(model, 'an-2');
    const paged: string[] = [];
    let from = { from: memberOf('an-2', ''), after: false, below: 'an-2\u0001' };
    for (;;) {
      const page = await packedRange(test.redis, index, from, 97);
      paged.push(...page.map((m) => m.slice('an-2\u0000'.length)));
      if (page.length < 97) break;
      from = { ...from, from: page[page.length - 1] as string, after: true };
    }
    expect(paged).toEqual(expected);

    // No bucket holds more than BUCKET_MAX, and no empty bucket is left behind.
    const sizes = Object.values(await test.redis.hgetall(index.buckets)).map((t) => t.split('\n').length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(BUCKET_MAX);
    expect(await test.redis.zcard(index.directory)).toBe(sizes.length);
  });

  it('starts an empty index from its first add and empties it again', async () => {
    const index = packedIndexKeys(test.keys, 'subscriber-phone');
    await apply(index, [
      ['add', memberOf('+7900', 'sub-2')],
      ['add', memberOf('+7900', 'sub-1')],
      ['add', memberOf('+7901', 'sub-3')],
      ['add', memberOf('+7900', 'sub-1')],
    ]);
    expect(await packedMembersOf(test.redis, index, ['+7900', '+7901', '+790'])).toEqual([
      ['sub-1', 'sub-2'],
      ['sub-3'],
      [],
    ]);
    await apply(index, [
      ['rem', memberOf('+7900', 'sub-1')],
      ['rem', memberOf('+7900', 'sub-2')],
      ['rem', memberOf('+7901', 'sub-3')],
      ['rem', memberOf('+7901', 'sub-9')],
    ]);
    expect(await test.redis.exists(index.buckets, index.directory)).toBe(0);
    expect(await packedCount(test.redis, index, ['+7900'])).toEqual([0]);
  });
});
