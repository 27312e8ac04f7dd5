import { describe, expect, it } from 'vitest';
import { parseOid, formatOid, compareOids } from '../../src/snmp/oid.js';
import { DEVICE_MODELS } from '../../src/sim/models/device-models.js';
import { createSimMibView } from '../../src/sim/sim-mib-view.js';
import { parseFaultParams } from '../../src/sim/fault-kinds.js';
import type { SimDevice } from '../../src/sim/sim-device.js';
import { simDevice } from '../helpers/sim-device.js';

const cpe: SimDevice = simDevice();

describe('simulated device models', () => {
  const view = createSimMibView({ rebootSilenceMs: 1000, onReboot: () => undefined });

  it('keeps every model in strict lexicographic OID order, as GetNext needs', () => {
    for (const model of Object.values(DEVICE_MODELS)) {
      for (let i = 1; i < model.oids.length; i++) {
        expect(compareOids(model.oids[i - 1]!, model.oids[i]!)).toBeLessThan(0);
      }
    }
  });

  it('walks the ifTable column by column', () => {
    const first = view.next(cpe, parseOid('1.3.6.1.2.1.2.2.1'));
    const second = view.next(cpe, first!.oid);
    expect(formatOid(first!.oid)).toBe('1.3.6.1.2.1.2.2.1.1.1');
    expect(formatOid(second!.oid)).toBe('1.3.6.1.2.1.2.2.1.1.2');
  });

  it('answers noSuchInstance for a known object with a wrong index and noSuchObject otherwise', () => {
    expect(view.get(cpe, parseOid('1.3.6.1.2.1.1.3.1'))).toBe('noSuchInstance');
    expect(view.get(cpe, parseOid('1.3.6.1.2.1.1.99.0'))).toBe('noSuchObject');
  });

  it('reports the end of the MIB view after the last object', () => {
    const last = DEVICE_MODELS['cpe-gpon'].oids.at(-1)!;
    expect(view.next(cpe, last)).toBeUndefined();
  });

  it('accepts only INTEGER 1 on the reboot object and refuses writes elsewhere', () => {
    const reboot = parseOid('1.3.6.1.4.1.32473.1.1.0');
    expect(view.set(cpe, reboot, { type: 'OctetString', value: 'x' })).toBe('wrongType');
    expect(view.set(cpe, reboot, { type: 'Integer', value: 2 })).toBe('wrongValue');
    expect(view.set(cpe, parseOid('1.3.6.1.2.1.1.5.0'), { type: 'OctetString', value: 'x' })).toBe(
      'notWritable',
    );
  });

  it('shows a low_signal fault in the optical power in hundredths of dBm', () => {
    const faulty = {
      ...cpe,
      faults: [{ kind: 'low_signal' as const, params: { dbm: -29.5 }, sinceMs: Date.now() }],
    };
    expect(view.get(faulty, parseOid('1.3.6.1.4.1.32473.1.3.0'))).toEqual({ type: 'Integer', value: -2950 });
  });

  it('rejects unknown and out-of-range fault parameters, listing each', () => {
    const result = parseFaultParams('packet_loss', { percent: 140, burst: 3 });
    expect('errors' in result && result.errors).toEqual([
      'unknown parameter "burst" for fault packet_loss (known: percent)',
      'percent must be between 0 and 100',
    ]);
  });
});
