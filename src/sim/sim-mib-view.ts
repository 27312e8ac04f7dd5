import type { MibView } from '../snmp/snmp-responder.js';
import { uptimeMs } from './device-dynamics.js';
import type { ValueEnv } from './models/mib-model.js';
import { modelOf } from './models/model-of.js';
import type { SimDevice } from './sim-device.js';

export interface SimMibViewOptions {
  rebootSilenceMs: number;
  /** Called after a SET of the reboot object was accepted; the response goes out first. */
  onReboot(device: SimDevice): void;
  clock?: () => number;
}

/** Answers SNMP for any simulated device (generated or recorded) from its model's object table and its state. */
export function createSimMibView(options: SimMibViewOptions): MibView<SimDevice> {
  const clock = options.clock ?? Date.now;
  const env = (device: SimDevice): ValueEnv => {
    const nowMs = clock();
    return {
      nowMs,
      upMs: uptimeMs(device, nowMs, options.rebootSilenceMs),
      rebootSilenceMs: options.rebootSilenceMs,
    };
  };

  return {
    get(device, oid) {
      const model = modelOf(device);
      const entry = model.find(oid);
      if (entry) return entry.value(device, env(device));
      // An object we know with a wrong instance is noSuchInstance; anything else noSuchObject.
      const next = model.nextIndex(oid.slice(0, -1));
      const sibling = next >= 0 ? model.oids[next] : undefined;
      const sameObject =
        sibling !== undefined &&
        oid.length > 1 &&
        sibling.slice(0, oid.length - 1).every((n, i) => n === oid[i]);
      return sameObject ? 'noSuchInstance' : 'noSuchObject';
    },
    next(device, oid) {
      const model = modelOf(device);
      const index = model.nextIndex(oid);
      if (index < 0) return undefined;
      const entry = model.entries[index];
      const nextOid = model.oids[index];
      if (!entry || !nextOid) return undefined;
      return { oid: nextOid, value: entry.value(device, env(device)) };
    },
    set(device, oid, value) {
      const entry = modelOf(device).find(oid);
      if (!entry?.write) return 'notWritable';
      const action = entry.write(value);
      if (action === 'reboot') {
        // Let the response leave before the device goes silent, as a real agent acknowledges first.
        setImmediate(() => options.onReboot(device));
        return 'ok';
      }
      return action === 'ignore' ? 'ok' : action;
    },
  };
}
