import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/inventory/canonical-json.js';
import { checkRowLimits } from '../../src/inventory/check-row-limits.js';
import { findDeepNesting } from '../../src/inventory/find-deep-nesting.js';
import {
  detectInventoryFormat,
  INVENTORY_LIMITS,
  parseInventory,
  validateInventory,
} from '../../src/inventory/index.js';
import { AppError } from '../../src/shared/app-error.js';

/** `{"a":` n times around 1: an object n levels deep. */
const deepObject = (levels: number): string => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
const deepArray = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const device = (id: string, extra = '') =>
  `{"id":"${id}","kind":"cpe","parentId":null,"profile":"cpe-router","host":"10.0.0.1","auth":"sim"${extra}}`;
const document = (...devices: string[]) => `{"sites":[],"devices":[${devices.join(',')}],"subscribers":[]}`;

describe('findDeepNesting', () => {
  it('names the list, the row and the field of each place that nests too deep, once each', () => {
    const text = document(
      device('d0'),
      device('d1', `,"x":${deepArray(20_000)},"y":${deepObject(30)},"ok":${deepObject(2)}`),
      device('d2', `,"z":${deepObject(5)}`),
    );
    expect(findDeepNesting(text, 3 + 16)).toEqual([
      ['devices', 1, 'x'],
      ['devices', 1, 'y'],
    ]);
    expect(findDeepNesting(text, 3 + 4)).toEqual([
      ['devices', 1, 'x'],
      ['devices', 1, 'y'],
      ['devices', 2, 'z'],
    ]);
  });

  it('is not fooled by brackets, quotes and escapes inside strings', () => {
    const tricky = `{"devices":[{"k\\"[[[":"[[[[[[[[[[","q":"\\\\","x":[[1]]}]}`;
    expect(JSON.parse(tricky)).toBeTruthy();
    expect(findDeepNesting(tricky, 4)).toEqual([['devices', 0, 'x']]);
    expect(findDeepNesting(tricky, 5)).toEqual([]);
  });

  it('copes with text that is not JSON at all', () => {
    expect(findDeepNesting(']]]}}}{"a', 2)).toEqual([]);
    expect(findDeepNesting('[[[[', 2)).toEqual([[0, 0]]);
    expect(findDeepNesting('"unterminated [[[[', 1)).toEqual([]);
  });
});

describe('checkRowLimits', () => {
  const reasons = (value: Record<string, unknown>): string[] => {
    const found: string[] = [];
    checkRowLimits(value, ['id'], (reason) => found.push(reason));
    return found;
  };
  const nest = (levels: number): unknown => {
    let value: unknown = 'leaf';
    for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { v: value };
    return value;
  };

  it('lets 16 levels through and stops at 17, without recursing however deep the value is', () => {
    expect(reasons({ id: 'x', ok: nest(16) })).toEqual([]);
    expect(reasons({ id: 'x', deep: nest(17) })).toEqual(['field "deep" nests deeper than 16 levels']);
    expect(reasons({ id: 'x', deeper: nest(200_000) })).toEqual([
      'field "deeper" nests deeper than 16 levels',
    ]);
  });

  it('caps strings at any depth, key names, and the number of extra fields', () => {
    const long = 'é'.repeat(INVENTORY_LIMITS.maxStringLength + 1);
    expect(reasons({ id: 'x', notes: 'y'.repeat(INVENTORY_LIMITS.maxStringLength) })).toEqual([]);
    expect(reasons({ id: 'x', notes: long })).toEqual([
      'field "notes" holds a string of 4097 characters; at most 4096',
    ]);
    expect(reasons({ id: 'x', meta: { tags: ['a', { b: long }] } })).toEqual([
      'field "meta" holds a string of 4097 characters; at most 4096',
    ]);
    expect(reasons({ id: 'x', meta: { ['k'.repeat(129)]: 1 } })).toEqual([
      'field "meta" holds a key of 129 characters; at most 128',
    ]);
    expect(reasons({ id: 'x', ['n'.repeat(200)]: 1 })).toEqual([
      `field "${'n'.repeat(60)}…" has a name of 200 characters; at most 128`,
    ]);
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`f${i}`, i]));
    expect(reasons({ id: 'x', ...many })).toEqual(['has 65 extra fields; at most 64']);
    expect(reasons({ id: 'x', ...Object.fromEntries(Object.entries(many).slice(0, 64)) })).toEqual([]);
  });

  it('walks a list of a million items with no trouble', () => {
    expect(reasons({ id: 'x', samples: Array.from({ length: 1_000_000 }, (_, i) => i) })).toEqual([]);
  });
});

describe('the parsers and the validator (what `vigil inventory import` runs)', () => {
  it('a JSON document with a 20k-deep field: located errors, never a throw, nothing valid', () => {
    const text = document(
      device('d0', `,"x":${deepArray(20_000)}`),
      device('d1'),
      device('d2', `,"y":${deepObject(20_000)}`),
    );
    const parsed = parseInventory(text, { fileName: 'inventory.json' });
    expect(validateInventory(parsed).errors).toEqual([
      { location: 'devices[0]', reason: 'field "x" nests deeper than 16 levels' },
      { location: 'devices[2]', reason: 'field "y" nests deeper than 16 levels' },
    ]);
  });

  it('NDJSON: the too-deep line is located, the other lines are read', () => {
    const text = [
      `{"type":"device",${device('d0').slice(1)}`,
      `{"type":"device",${device('d1', `,"x":${deepObject(20_000)}`).slice(1)}`,
      `{"type":"device",${device('d2', ',"kind":"router"').slice(1)}`,
    ].join('\n');
    const parsed = parseInventory(text, { format: 'ndjson' });
    expect(parsed.rows.devices.map((r) => r.location)).toEqual(['line 1', 'line 3']);
    expect(validateInventory(parsed).errors).toEqual([
      { location: 'line 2', reason: 'field "x" nests deeper than 16 levels' },
      expect.objectContaining({ location: 'line 3' }),
    ]);
  });

  it('format detection reads no more than it needs of a deep first line', () => {
    expect(detectInventoryFormat(`{"type":"device","x":${deepArray(50_000)}}`)).toBe('ndjson');
    expect(detectInventoryFormat(document(device('d0', `,"x":${deepArray(50_000)}`)))).toBe('json');
  });

  it('CSV: a cell over 4 KiB and a row with too many columns are located errors', () => {
    const extraColumns = Array.from({ length: 65 }, (_, i) => `c${i}`);
    const text = [
      ['type', 'id', 'kind', 'profile', 'host', 'auth', 'notes', ...extraColumns].join(','),
      ['device', 'd0', 'cpe', 'cpe-router', '10.0.0.1', 'sim', 'short', ...extraColumns.map(() => '')].join(
        ',',
      ),
      [
        'device',
        'd1',
        'cpe',
        'cpe-router',
        '10.0.0.2',
        'sim',
        'n'.repeat(5000),
        ...extraColumns.map(() => ''),
      ].join(','),
      ['device', 'd2', 'cpe', 'cpe-router', '10.0.0.3', 'sim', '', ...extraColumns.map(() => 'v')].join(','),
    ].join('\n');
    expect(validateInventory(parseInventory(text, { format: 'csv' })).errors).toEqual([
      { location: 'line 3', reason: 'field "notes" holds a string of 5000 characters; at most 4096' },
      { location: 'line 4', reason: 'has 65 extra fields; at most 64' },
    ]);
  });

  it('known fields have their own caps, and messages quote an excerpt, never the whole value', () => {
    const rows = [
      {
        id: 'd0',
        kind: 'cpe',
        profile: 'cpe-router',
        host: `${'h'.repeat(300)}.example`,
        auth: 'sim',
        model: 'm'.repeat(129),
      },
      { id: 'x'.repeat(1_000_000), kind: 'cpe', profile: 'cpe-router', host: '10.0.0.1', auth: 'sim' },
    ];
    const subscribers = [
      {
        id: 's0',
        deviceIds: Array.from({ length: 1001 }, (_, i) => `d${i}`),
        name: 'n'.repeat(257),
        phone: '1'.repeat(40),
        language: `ru${'-abc'.repeat(20)}`,
      },
    ];
    const { errors } = validateInventory(
      parseInventory(JSON.stringify({ devices: rows, subscribers }), { format: 'json' }),
    );
    expect(errors).toEqual([
      { location: 'devices[0]', reason: '"model" is 129 characters long; at most 128' },
      { location: 'devices[0]', reason: '"host" is 308 characters long; at most 253' },
      { location: 'devices[1]', reason: '"id" is 1000000 characters long; at most 128' },
      { location: 'subscribers[0]', reason: '"name" is 257 characters long; at most 256' },
      { location: 'subscribers[0]', reason: '"language" is 82 characters long; at most 35' },
      { location: 'subscribers[0]', reason: '"phone" is 40 characters long; at most 32' },
      { location: 'subscribers[0]', reason: '"deviceIds" names 1001 devices; at most 1000' },
    ]);
    expect(JSON.stringify(errors).length).toBeLessThan(2_000);
  });

  it('canonicalJson refuses, with a coded error, a record deeper than any validated one', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[{"c":2,"d":1}]}');
    const deep = JSON.parse(deepArray(20_000)) as unknown;
    expect(() => canonicalJson(deep)).toThrow(AppError);
    expect(() => canonicalJson(deep)).toThrow(/deeper than 64 levels/);
  });
});
