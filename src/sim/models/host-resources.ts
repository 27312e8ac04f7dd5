import { seeded } from '../device-dynamics.js';
import { faultOf } from '../sim-device.js';
import { int, oidValue, str, type MibEntry } from './mib-model.js';

/** HOST-RESOURCES-MIB (RFC 2790): one processor's load and the RAM storage row. */
export function hostResources(ramKb: number): MibEntry[] {
  const hrStorageEntry = '1.3.6.1.2.1.25.2.3.1';
  const ramRow = 1;
  const processorIndex = 196608;
  return [
    { oid: '1.3.6.1.2.1.25.2.2.0', value: () => int(ramKb) },
    { oid: `${hrStorageEntry}.1.${ramRow}`, value: () => int(ramRow) },
    { oid: `${hrStorageEntry}.2.${ramRow}`, value: () => oidValue('1.3.6.1.2.1.25.2.1.2') },
    { oid: `${hrStorageEntry}.3.${ramRow}`, value: () => str('Physical memory') },
    { oid: `${hrStorageEntry}.4.${ramRow}`, value: () => int(1024) },
    { oid: `${hrStorageEntry}.5.${ramRow}`, value: () => int(ramKb) },
    {
      oid: `${hrStorageEntry}.6.${ramRow}`,
      value: (d) => {
        const fault = faultOf(d, 'high_memory');
        const share = fault ? (fault.params.percent as number) / 100 : 0.3 + 0.3 * seeded(d.seed, 7);
        return int(Math.round(ramKb * share));
      },
    },
    {
      oid: `1.3.6.1.2.1.25.3.3.1.2.${processorIndex}`,
      value: (d, env) => {
        const fault = faultOf(d, 'high_cpu');
        if (fault) return int(fault.params.percent as number);
        // A little noise per minute, so samples are not identical, without a random generator.
        return int(3 + 20 * seeded(d.seed, 8) + 4 * seeded(d.seed, Math.floor(env.nowMs / 60_000)));
      },
    },
    { oid: `1.3.6.1.2.1.25.3.3.1.1.${processorIndex}`, value: () => oidValue('0.0') },
  ];
}
