import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeviceTable, packDevices } from '../../src/sim/device-table.js';
import { generateFleet } from '../../src/sim/fleet-generator.js';
import type { SimDevice } from '../../src/sim/sim-device.js';
import { writeInventoryFile } from '../../src/sim/write-inventory.js';

const fleet = (): ReturnType<typeof generateFleet> =>
  generateFleet({
    devices: 60,
    fanout: 9,
    seed: 7,
    firstOctet: 16,
    port: 1161,
    authProfile: 'sim',
    staleShare: 0.2,
    nowMs: 1_800_000_000_000,
  });

describe('DeviceTable', () => {
  it('gives back every device as it was packed, by index', () => {
    const devices = fleet().devices;
    (devices[12] as SimDevice).faults = [{ kind: 'line_errors', params: { perHour: 10 }, sinceMs: 5 }];
    const table = new DeviceTable(packDevices(devices.slice(10, 40)));
    expect(table.size).toBe(30);
    for (const device of devices.slice(10, 40)) expect(table.get(device.index)).toEqual(device);
    expect(table.get(9)).toBeUndefined();
    expect(table.get(40)).toBeUndefined();
    expect(table.has(39)).toBe(true);
  });

  it('finds devices of a set that is not a range of indexes', () => {
    const devices = fleet().devices;
    const picked = [devices[3], devices[17], devices[59]] as SimDevice[];
    const table = new DeviceTable(packDevices(picked));
    expect(Array.from(table.indexes())).toEqual([3, 17, 59]);
    expect(table.get(17)).toEqual(devices[17]);
    expect(table.get(4)).toBeUndefined();
  });

  it('keeps what changes (faults, reboots) and never aliases the packed objects', () => {
    const devices = fleet().devices;
    const table = new DeviceTable(packDevices(devices));
    const device = table.get(20) as SimDevice;
    device.bootAtMs += 1000;
    device.rebootCount = 2;
    device.faults = [{ kind: 'wan_down', params: {}, sinceMs: 9 }];
    expect(table.get(20)).toEqual(devices[20]);
    expect(table.set(device)).toBe(true);
    expect(table.get(20)).toEqual(device);
    expect(devices[20]?.faults).toEqual([]);
    device.faults = [];
    table.set(device);
    expect(table.get(20)?.faults).toEqual([]);
    expect(table.set({ ...device, index: 999 })).toBe(false);
  });
});

describe('writeInventoryFile', () => {
  it('writes the document that JSON.stringify would, whole', () => {
    const { inventory } = fleet();
    const dir = mkdtempSync(join(tmpdir(), 'vigil-inventory-'));
    try {
      const path = join(dir, 'inv.json');
      writeInventoryFile(path, inventory);
      expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(inventory);
      writeInventoryFile(path, { sites: [], devices: [], subscribers: [] });
      expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ sites: [], devices: [], subscribers: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
