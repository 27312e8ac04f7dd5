import { describe, expect, it } from 'vitest';
import { detectCells } from '../../src/detection/detect-cells.js';
import type { DeviceKind } from '../../src/probes/probe-types.js';
import { type Row, DEVICE_ID, cell, context, failedPoll, isUnknown, presentOf, sample } from './factories.js';

function judge(cells: Record<string, Row>, kind: DeviceKind = 'base_station') {
  return detectCells(context({ sample: sample({ cells }), device: { id: DEVICE_ID, kind } }));
}

describe('detectCells', () => {
  it.each<{ name: string; cells: Record<string, Row>; expected: unknown[] }>([
    { name: 'all cells up', cells: { '1': cell('A', 'up'), '2': cell('B', 'up') }, expected: [] },
    {
      name: 'one cell down',
      cells: { '1': cell('A', 'up'), '2': cell('B', 'down', 0) },
      expected: [['cell_down', '2', 'major', 'cell B is down, 0 UEs attached']],
    },
    {
      name: 'one cell degraded, unnamed',
      cells: { '3': { cellOperStatus: 'degraded', cellConnectedUes: 1_532 }, '1': cell('A', 'up') },
      expected: [['cell_degraded', '3', 'minor', 'cell 3 is degraded, 1,532 UEs attached']],
    },
    {
      name: 'every cell down while the station answers',
      cells: { '2': cell('B', 'down', 0), '1': cell('A', 'down', 0) },
      expected: [
        ['base_station_down', undefined, 'critical', 'all 2 cells down while the station answers'],
        ['cell_down', '1', 'major', 'cell A is down, 0 UEs attached'],
        ['cell_down', '2', 'major', 'cell B is down, 0 UEs attached'],
      ],
    },
    { name: 'no cells at all', cells: {}, expected: [] },
  ])('$name', ({ cells, expected }) => {
    expect(presentOf(judge(cells))).toEqual(expected);
  });

  it('speaks only for base stations', () => {
    const j = judge({ '1': cell('A', 'down') }, 'cpe');
    expect(j.kinds).toEqual([]);
    expect(j.present).toEqual([]);
  });

  it('cannot say all cells are down when one of them did not answer', () => {
    const j = judge({ '1': cell('A', 'down'), '2': { cellName: 'B', cellOperStatus: null } });
    expect(presentOf(j).map((p) => p[0])).toEqual(['cell_down']);
    expect(isUnknown(j, 'base_station_down')).toBe(true);
    expect(isUnknown(j, 'cell_down', '2')).toBe(true);
    expect(isUnknown(j, 'cell_down', '1')).toBe(false);
  });

  it('knows nothing without a cells table', () => {
    const ctx = context({ poll: failedPoll(), device: { id: DEVICE_ID, kind: 'base_station' } });
    expect(isUnknown(detectCells(ctx), 'cell_down', '1')).toBe(true);
  });
});
