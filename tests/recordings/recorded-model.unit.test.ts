import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { SnmprecRecord } from '../../src/recordings/snmprec-record.js';
import { isAppError } from '../../src/shared/app-error.js';
import { applyReboot } from '../../src/sim/device-dynamics.js';
import { loadRecordings } from '../../src/sim/load-recordings.js';
import type { ValueEnv } from '../../src/sim/models/mib-model.js';
import { compileRecordedModel } from '../../src/sim/models/recorded-model.js';
import { parseRecordingSidecar } from '../../src/sim/recording-sidecar.js';
import type { SimDevice } from '../../src/sim/sim-device.js';
import { parseOid } from '../../src/snmp/oid.js';

const LOADED_AT = 1_700_000_000_000;
const RECORDED_UP_TICKS = 360_000; // one hour
const BOOT_AT = LOADED_AT - RECORDED_UP_TICKS * 10;
const SILENCE_MS = 2_000;

const records: SnmprecRecord[] = [
  { oid: '1.3.6.1.2.1.1.1.0', value: { type: 'OctetString', value: Buffer.from('Linux gw') } },
  { oid: '1.3.6.1.2.1.1.3.0', value: { type: 'TimeTicks', value: RECORDED_UP_TICKS } },
  // ifIndex 1: 100 Mbit/s, up; ifIndex 2: down.
  { oid: '1.3.6.1.2.1.2.2.1.5.1', value: { type: 'Gauge32', value: 100_000_000 } },
  { oid: '1.3.6.1.2.1.2.2.1.5.2', value: { type: 'Gauge32', value: 100_000_000 } },
  { oid: '1.3.6.1.2.1.2.2.1.8.1', value: { type: 'Integer', value: 1 } },
  { oid: '1.3.6.1.2.1.2.2.1.8.2', value: { type: 'Integer', value: 2 } },
  { oid: '1.3.6.1.2.1.2.2.1.10.1', value: { type: 'Counter32', value: 2 ** 32 - 1_000 } },
  { oid: '1.3.6.1.2.1.2.2.1.10.2', value: { type: 'Counter32', value: 5_000 } },
  { oid: '1.3.6.1.2.1.2.2.1.14.1', value: { type: 'Counter32', value: 77 } },
  { oid: '1.3.6.1.2.1.25.1.1.0', value: { type: 'TimeTicks', value: 8_640_000 } },
  { oid: '1.3.6.1.2.1.31.1.1.1.6.1', value: { type: 'Counter64', value: 10_000_000_000n } },
  // Outside IF-MIB: at its own mean since boot, 3600 over the host's 24 h.
  { oid: '1.3.6.1.2.1.4.3.0', value: { type: 'Counter32', value: 86_400 } },
];

const model = compileRecordedModel({ id: 'gw', records, loadedAtMs: LOADED_AT, bootAtMs: BOOT_AT });
const device = (): SimDevice => ({
  index: 0,
  id: 'gw',
  kind: 'cpe',
  model: 'recording',
  modelLabel: 'gw',
  host: '127.0.0.1',
  port: 161,
  parentIndex: -1,
  seed: 1,
  bootAtMs: BOOT_AT,
  silentUntilMs: 0,
  extraErrors: 0,
  faults: [],
  rebootCount: 0,
});
const read = (d: SimDevice, oid: string, nowMs: number): unknown => {
  const env: ValueEnv = { nowMs, upMs: nowMs - d.bootAtMs, rebootSilenceMs: SILENCE_MS };
  return model.find(parseOid(oid))?.value(d, env).value;
};

describe('a recording served as a model', () => {
  it('serves what was recorded at load time, and sysUpTime, hrSystemUptime and counters move with the clock', () => {
    const d = device();
    expect(read(d, '1.3.6.1.2.1.1.1.0', LOADED_AT)).toBe('Linux gw');
    expect(read(d, '1.3.6.1.2.1.1.3.0', LOADED_AT)).toBe(RECORDED_UP_TICKS);
    expect(read(d, '1.3.6.1.2.1.31.1.1.1.6.1', LOADED_AT)).toBe(10_000_000_000n);
    const later = LOADED_AT + 10_000;
    expect(read(d, '1.3.6.1.2.1.1.3.0', later)).toBe(RECORDED_UP_TICKS + 1_000);
    expect(read(d, '1.3.6.1.2.1.25.1.1.0', later)).toBe(8_640_000 + 1_000);
    // 2% of 100 Mbit/s in: 250 kB/s, so 2.5 MB in 10 s; the 32-bit counter wraps past 2^32.
    expect(read(d, '1.3.6.1.2.1.31.1.1.1.6.1', later)).toBe(10_000_000_000n + 2_500_000n);
    expect(read(d, '1.3.6.1.2.1.2.2.1.10.1', later)).toBe(2_500_000 - 1_000);
    expect(read(d, '1.3.6.1.2.1.2.2.1.10.2', later)).toBe(5_000); // the port is down
    expect(read(d, '1.3.6.1.2.1.2.2.1.14.1', later)).toBe(77); // errors stay put
    expect(read(d, '1.3.6.1.2.1.4.3.0', later)).toBe(86_400 + 10);
  });

  it('restarts uptime and counters near zero after a reboot', () => {
    const d = device();
    const rebootAt = LOADED_AT + 60_000;
    applyReboot(d, rebootAt, SILENCE_MS);
    const back = rebootAt + SILENCE_MS + 4_000;
    expect(read(d, '1.3.6.1.2.1.1.3.0', back)).toBe(400);
    expect(read(d, '1.3.6.1.2.1.25.1.1.0', back)).toBe(400);
    expect(read(d, '1.3.6.1.2.1.2.2.1.10.1', back)).toBe(1_000_000);
    expect(read(d, '1.3.6.1.2.1.2.2.1.14.1', back)).toBe(0);
  });
});

describe('recording sidecars and directories', () => {
  it('reads a sidecar, and names each mistake with file:line', () => {
    expect(parseRecordingSidecar('kind: base_station\nparent: bs-0001\n', 'a.yaml')).toEqual({
      kind: 'base_station',
      parent: 'bs-0001',
      profile: 'generic',
    });
    const bad = parseRecordingSidecar('kind: router\nmodel: A\ncommunity: public\n', 'b.yaml');
    expect('errors' in bad && bad.errors.map((e) => `${e.file}:${e.line} ${e.message}`)).toEqual([
      'b.yaml:1 "router" is not one of cpe, access_node, base_station',
      expect.stringMatching(/^b\.yaml:3 credentials never go in/),
    ]);
  });

  it('refuses a directory with any bad file, listing every problem', async () => {
    const dir = fileURLToPath(new URL('./fixtures/refused', import.meta.url));
    const error = await loadRecordings(dir, LOADED_AT).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAppError(error) && error.code).toBe('ERR_SIM_START');
    const lines = String((error as Error).message)
      .split('\n')
      .map((line) => line.replace(dir, 'DIR'));
    expect(lines).toEqual([
      'recordings refused:',
      'DIR/bad name!.snmprec: the file name makes the device id; use letters, digits, ".", "_" and "-" (at most 64)',
      'DIR/broken.snmprec:2: 1.3.6.1.2.1.1.5.0: hex value must be pairs of hex digits',
      expect.stringMatching(/^DIR\/sidecar\.yaml:1 kind: "router" is not one of/),
      expect.stringMatching(/^DIR\/sidecar\.yaml:3 community: credentials never go in/),
    ]);
  });
});
