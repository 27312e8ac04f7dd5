import { describe, expect, it } from 'vitest';
import { compileProbe } from '../../src/probes/compile-probe.js';
import { applyDerived, computeDerivedMetric } from '../../src/probes/derived-metric.js';
import { explainProbe } from '../../src/probes/explain-derived.js';
import type { PollSample, SampleValue } from '../../src/probes/poll-result.js';
import type { Probe } from '../../src/probes/probe-types.js';
import { rowSelected } from '../../src/probes/row-selection.js';
import { formatYamlFileError } from '../../src/shared/yaml/yaml-file-error.js';

const RAM = '1.3.6.1.2.1.25.2.1.2';
const DISK = '1.3.6.1.2.1.25.2.1.4';
const OTHER = '1.3.6.1.2.1.25.2.1.1';

const HEADER = `name: inline
description: x
deviceKinds: [cpe]
scalars:
  sysUpTime: { oid: 1.3.6.1.2.1.1.3.0, type: timeticks }
  memTotalReal: { oid: 1.3.6.1.4.1.2021.4.5.0, type: integer, optional: true }
  memAvailReal: { oid: 1.3.6.1.4.1.2021.4.6.0, type: integer, optional: true }
  memCached: { oid: 1.3.6.1.4.1.2021.4.15.0, type: integer, optional: true }
  sysDescr: { oid: 1.3.6.1.2.1.1.1.0, type: string }
tables:
  storage:
    rows:
      where:
        - { hrStorageType: ${RAM} }
        - { hrStorageDescr: /^(Memory buffers|Cached memory)$/ }
    columns:
      hrStorageType: { oid: 1.3.6.1.2.1.25.2.3.1.2, type: oid }
      hrStorageDescr: { oid: 1.3.6.1.2.1.25.2.3.1.3, type: string }
      hrStorageAllocationUnits: { oid: 1.3.6.1.2.1.25.2.3.1.4, type: integer }
      hrStorageSize: { oid: 1.3.6.1.2.1.25.2.3.1.5, type: integer }
      hrStorageUsed: { oid: 1.3.6.1.2.1.25.2.3.1.6, type: integer }
  interfaces:
    rows: { except: { ifType: 24 } }
    columns:
      ifDescr: { oid: 1.3.6.1.2.1.2.2.1.2, type: string }
      ifType: { oid: 1.3.6.1.2.1.2.2.1.3, type: integer }
  sensors:
    columns:
      entPhySensorType: { oid: 1.3.6.1.2.1.99.1.1.1.1, type: enum, values: { 8: celsius, 9: percentRH } }
      entPhySensorScale: { oid: 1.3.6.1.2.1.99.1.1.1.2, type: integer }
      entPhySensorPrecision: { oid: 1.3.6.1.2.1.99.1.1.1.3, type: integer }
      entPhySensorValue: { oid: 1.3.6.1.2.1.99.1.1.1.4, type: integer }
`;
const RAM_TERM = (column: string): string =>
  `{ table: storage, column: ${column}, times: hrStorageAllocationUnits, where: { hrStorageType: ${RAM} } }`;
const DERIVED = `derived:
  memorySize:
    unit: bytes
    first:
      - sum: [${RAM_TERM('hrStorageSize')}]
      - { sum: [memTotalReal], scale: 1024 }
  memoryUsed:
    unit: bytes
    first:
      - sum: [${RAM_TERM('hrStorageUsed')}]
        minus:
          - { table: storage, column: hrStorageUsed, times: hrStorageAllocationUnits, where: { hrStorageDescr: /^Cached memory$/ }, ifMissing: 0 }
      - sum: [memTotalReal]
        minus: [memAvailReal, { scalar: memCached, ifMissing: 0 }]
        scale: 1024
  temperature:
    unit: celsius
    sum:
      - { table: sensors, column: entPhySensorValue, where: { entPhySensorType: celsius }, reduce: max, precision: entPhySensorPrecision, dataScale: entPhySensorScale }
`;

function compiled(text: string): Probe {
  const result = compileProbe(text, 'probes/inline.yaml');
  if ('errors' in result) throw new Error(result.errors.map(formatYamlFileError).join('\n'));
  return result.probe;
}
function errorsOf(text: string): string[] {
  const result = compileProbe(text, 'probes/inline.yaml');
  return 'errors' in result ? result.errors.map(formatYamlFileError) : [];
}

type Rows = Record<string, Record<string, SampleValue>>;
const storageRow = (
  type: string,
  descr: string,
  size: number,
  used: number,
): Record<string, SampleValue> => ({
  hrStorageType: type,
  hrStorageDescr: descr,
  hrStorageAllocationUnits: 1024,
  hrStorageSize: size,
  hrStorageUsed: used,
});
const sample = (tables: Record<string, Rows>, scalars: Record<string, SampleValue> = {}): PollSample => ({
  at: 0,
  scalars: { sysUpTime: 100, ...scalars },
  tables,
});

describe('derived metrics', () => {
  const probe = compiled(HEADER + DERIVED);
  const metric = (name: string) => probe.derived.find((m) => m.name === name)!;

  it('read RAM by its type wherever the row is, less the cache the agent reports apart', () => {
    // A disk in row 1 and RAM in row 3: reading row 1 would say "disk 90% full" for memory.
    const polled = sample({
      storage: {
        '3': storageRow(RAM, 'Physical memory', 1_000_000, 900_000),
        '7': storageRow(OTHER, 'Cached memory', 600_000, 600_000),
      },
    });
    applyDerived(probe.derived, polled);
    expect(polled.scalars.memorySize).toBe(1_000_000 * 1024);
    expect(polled.scalars.memoryUsed).toBe(300_000 * 1024);
    expect(computeDerivedMetric(metric('memoryUsed'), polled)).toEqual({
      value: 300_000 * 1024,
      alternative: 0,
      rows: { storage: ['3', '7'] },
    });
  });

  it('fall back to the next formula when the first has no rows, and to null when none can', () => {
    const ucd = sample({}, { memTotalReal: 1000, memAvailReal: 250, memCached: null });
    applyDerived(probe.derived, ucd);
    expect(ucd.scalars.memorySize).toBe(1000 * 1024);
    // memCached is missing and counts as 0; memAvailReal is required.
    expect(ucd.scalars.memoryUsed).toBe(750 * 1024);
    const nothing = sample({}, { memTotalReal: 1000, memAvailReal: null });
    applyDerived(probe.derived, nothing);
    expect(nothing.scalars.memoryUsed).toBeNull();
    expect(nothing.scalars.temperature).toBeNull();
  });

  it('read ENTITY-SENSOR values with their precision and data scale, hottest working sensor', () => {
    const polled = sample({
      sensors: {
        // 45.5 °C in tenths, units (9)
        '10': {
          entPhySensorType: 'celsius',
          entPhySensorScale: 9,
          entPhySensorPrecision: 1,
          entPhySensorValue: 455,
        },
        // 51,250 milli-°C, milli (8)
        '11': {
          entPhySensorType: 'celsius',
          entPhySensorScale: 8,
          entPhySensorPrecision: 0,
          entPhySensorValue: 51_250,
        },
        // a humidity sensor is not a temperature
        '12': {
          entPhySensorType: 'percentRH',
          entPhySensorScale: 9,
          entPhySensorPrecision: 0,
          entPhySensorValue: 99,
        },
      },
    });
    expect(computeDerivedMetric(metric('temperature'), polled).value).toBeCloseTo(51.25, 6);
  });
});

describe('row selection', () => {
  const probe = compiled(HEADER + DERIVED);
  const table = (name: string) => probe.tables.find((t) => t.name === name)!;

  it('keeps rows by a column value or a pattern, and drops the rows an except names', () => {
    const storage = table('storage').rows;
    expect(rowSelected(storage, storageRow(RAM, 'RAM', 1, 1))).toBe(true);
    expect(rowSelected(storage, storageRow(OTHER, 'Cached memory', 1, 1))).toBe(true);
    expect(rowSelected(storage, storageRow(DISK, '/', 1, 1))).toBe(false);
    expect(rowSelected(storage, storageRow(OTHER, 'Shared memory', 1, 1))).toBe(false);
    const interfaces = table('interfaces').rows;
    expect(rowSelected(interfaces, { ifDescr: 'lo', ifType: 24 })).toBe(false);
    expect(rowSelected(interfaces, { ifDescr: 'eth0', ifType: 6 })).toBe(true);
    expect(rowSelected(undefined, {})).toBe(true);
  });

  it('is explained by vigil check --explain', () => {
    const text = explainProbe(probe).join('\n');
    expect(text).toContain(
      `table storage (at most 1000 rows): rows where hrStorageType = ${RAM}, or hrStorageDescr ~ /^(Memory buffers|Cached memory)$/`,
    );
    expect(text).toContain('table interfaces (at most 1000 rows): every row except where ifType = 24');
    expect(text).toContain('derived memoryUsed (bytes) = the first of these');
    expect(text).toContain('2. memTotalReal − memAvailReal − memCached (0 if none), × 1024');
  });
});

describe('compile errors in rows and derived', () => {
  it('name every mistake with its line, with hints', () => {
    const bad =
      HEADER.replace('- { hrStorageType:', '- { hrStorageTyp:').replace(
        '/^(Memory buffers|Cached memory)$/',
        '/^(unclosed$/',
      ) +
      `derived:
  sysDescr: { sum: [1] }
  memoryUsed: { unit: bytes, sum: [memTotalReal] }
  ramLeft: { sum: [{ table: storag, column: hrStorageUsed }] }
  cpuLoad: { sum: [sysDescr] }
  temperature: { sum: [{ table: sensors, column: entPhySensorValue, where: { entPhySensorType: kelvin } }] }
  other: { first: [] }
`;
    const errors = errorsOf(bad);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /inline\.yaml:14 tables\.storage\.rows\.where\[0\]\.hrStorageTyp: "hrStorageTyp" is not a column of this table \(did you mean "hrStorageType"\?\)/,
        ),
        expect.stringMatching(
          /tables\.storage\.rows\.where\[1\]\.hrStorageDescr: not a valid regular expression/,
        ),
        expect.stringMatching(/derived\.sysDescr: "sysDescr" is already a scalar/),
        expect.stringMatching(
          /derived\.ramLeft\.sum\[0\]\.table: no table "storag" in this probe \(did you mean "storage"\?\)/,
        ),
        expect.stringMatching(/derived\.memoryUsed: needs memorySize as well/),
        expect.stringMatching(/derived\.cpuLoad\.sum\[0\]: sysDescr is of type string, not a number/),
        expect.stringMatching(
          /entPhySensorType is an enum: compare with one of its names \(celsius, percentRH\)/,
        ),
        expect.stringMatching(/derived\.other\.first: list at least one formula/),
      ]),
    );
  });
});
