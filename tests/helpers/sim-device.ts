import type { SimDevice } from '../../src/sim/sim-device.js';

/** A simulated GPON router's state for pure tests; override what the test is about. */
export function simDevice(overrides: Partial<SimDevice> = {}): SimDevice {
  return {
    index: 0,
    id: 'cpe-000001',
    kind: 'cpe',
    model: 'cpe-gpon',
    modelLabel: 'SimRouter GP-1',
    host: '127.16.0.1',
    port: 1161,
    parentIndex: -1,
    seed: 12345,
    bootAtMs: Date.now() - 1000,
    silentUntilMs: 0,
    extraErrors: 0,
    faults: [],
    rebootCount: 0,
    ...overrides,
  };
}
