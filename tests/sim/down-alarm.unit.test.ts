import { describe, expect, it } from 'vitest';
import { downAlarm } from '../../src/sim/down-alarm.js';
import type { SimDevice, SimDeviceKind } from '../../src/sim/sim-device.js';

function device(index: number, kind: SimDeviceKind, parentIndex = -1, down = false): SimDevice {
  return {
    index,
    id: `${kind}-${index}`,
    kind,
    model: kind === 'cpe' ? 'cpe-gpon' : kind === 'access_node' ? 'access-node' : 'base-station',
    modelLabel: 'test',
    host: `127.0.0.${index + 1}`,
    port: 161,
    parentIndex,
    seed: 1,
    bootAtMs: 0,
    silentUntilMs: 0,
    extraErrors: 0,
    faults: down ? [{ kind: 'down', params: {}, sinceMs: 0 }] : [],
    rebootCount: 0,
  };
}

describe("a down fault's alarm", () => {
  const an = device(0, 'access_node');
  const bs = device(1, 'base_station');
  const parents = new Map([
    [0, an],
    [1, bs],
  ]);
  const parentOf = (d: SimDevice) => parents.get(d.parentIndex);

  it('is a dying gasp from a base station or access node that loses power', () => {
    expect(downAlarm(bs, device(1, 'base_station', -1, true), parentOf)).toEqual({
      sender: device(1, 'base_station', -1, true),
      alarm: 'dying_gasp',
      subject: 'base_station-1',
    });
    expect(downAlarm(an, device(0, 'access_node', -1, true), parentOf)?.alarm).toBe('dying_gasp');
  });

  it("is the access node's loss of signal naming a CPE below it, and nothing for an LTE CPE", () => {
    const gpon = device(5, 'cpe', 0);
    expect(downAlarm(gpon, device(5, 'cpe', 0, true), parentOf)).toEqual({
      sender: an,
      alarm: 'loss_of_signal',
      subject: 'cpe-5',
    });
    const lte = device(6, 'cpe', 1);
    expect(downAlarm(lte, device(6, 'cpe', 1, true), parentOf)).toBeUndefined();
  });

  it('is sent once, when the fault is added: not again, not at start, not when it is removed', () => {
    const down = device(1, 'base_station', -1, true);
    expect(downAlarm(down, down, parentOf)).toBeUndefined();
    expect(downAlarm(undefined, down, parentOf)).toBeUndefined();
    expect(downAlarm(down, bs, parentOf)).toBeUndefined();
  });
});
