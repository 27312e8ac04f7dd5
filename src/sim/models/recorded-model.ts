import type { SnmprecRecord } from '../../recordings/snmprec-record.js';
import type { SnmpValue } from '../../snmp/snmp-value.js';
import { currentBootAtMs, uptimeTicks } from '../device-dynamics.js';
import type { SimDevice } from '../sim-device.js';
import { compileMibModel, ticks, type MibEntry, type MibModel, type ValueEnv } from './mib-model.js';
import { recordedCounterRates } from './recorded-counter-rates.js';

/**
 * A recorded device as the simulator serves it: plain data, so it crosses to a shard process as is
 * (Buffers and bigints survive Node's advanced serialization).
 */
export interface RecordedDeviceSpec {
  /** The device id (the file's name). */
  id: string;
  records: SnmprecRecord[];
  /** When the simulator loaded the file: counters go on from their recorded values from here. */
  loadedAtMs: number;
  /** Start of the recorded boot: loadedAtMs less the recorded sysUpTime. */
  bootAtMs: number;
}

export const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
export const SYS_OBJECT_ID = '1.3.6.1.2.1.1.2.0';
/** HOST-RESOURCES-MIB hrSystemUptime (RFC 2790): the host's uptime, apart from the agent's sysUpTime. */
const HR_SYSTEM_UPTIME = '1.3.6.1.2.1.25.1.1.0';
const TICKS_MODULO = 2 ** 32;

/** The recorded sysUpTime (or another TimeTicks object) in milliseconds; 0 when the file has none. */
export function recordedUptimeMs(records: readonly SnmprecRecord[], oid = SYS_UPTIME): number {
  const value = records.find((r) => r.oid === oid)?.value;
  return value?.type === 'TimeTicks' ? value.value * 10 : 0;
}

/**
 * The recording as a model of its own, served through the same sorted object table as the generated
 * models: every object as recorded, except that time moves. sysUpTime follows the device's boot (so
 * faults and reboots act on it as on any simulated device), hrSystemUptime advances with it, and
 * counters advance at the rates of recordedCounterRates from their recorded values during the recorded
 * boot, and from zero after a reboot (a held error counter too: a reboot clears it, as on the device).
 */
export function compileRecordedModel(spec: RecordedDeviceSpec): MibModel {
  // Interface counters count since the host booted, which may be long before its agent started.
  const countingMs = Math.max(
    recordedUptimeMs(spec.records),
    recordedUptimeMs(spec.records, HR_SYSTEM_UPTIME),
  );
  const rates = recordedCounterRates(spec.records, countingMs / 1000);
  const sinceStart = (device: SimDevice, env: ValueEnv): { sameBoot: boolean; ms: number } => {
    const bootAt = currentBootAtMs(device, env.nowMs, env.rebootSilenceMs);
    const sameBoot = bootAt === spec.bootAtMs;
    return { sameBoot, ms: Math.max(0, env.nowMs - (sameBoot ? spec.loadedAtMs : bootAt)) };
  };
  const entries = spec.records.map((record): MibEntry => {
    const { oid, value } = record;
    if (oid === SYS_UPTIME)
      return { oid, value: (d, env) => ticks(uptimeTicks(d, env.nowMs, env.rebootSilenceMs)) };
    if (oid === HR_SYSTEM_UPTIME && value.type === 'TimeTicks')
      return {
        oid,
        value: (d, env) => {
          const since = sinceStart(d, env);
          return ticks(((since.sameBoot ? value.value : 0) + Math.floor(since.ms / 10)) % TICKS_MODULO);
        },
      };
    const rate = rates.get(oid) ?? 0;
    if (value.type === 'Counter32')
      return {
        oid,
        value: (d, env) => {
          const since = sinceStart(d, env);
          const grown = (since.sameBoot ? value.value : 0) + Math.floor((rate * since.ms) / 1000);
          return { type: 'Counter32', value: grown % TICKS_MODULO };
        },
      };
    if (value.type === 'Counter64')
      return {
        oid,
        value: (d, env) => {
          const since = sinceStart(d, env);
          const grown = BigInt(Math.floor((rate * since.ms) / 1000));
          return {
            type: 'Counter64',
            value: BigInt.asUintN(64, (since.sameBoot ? value.value : 0n) + grown),
          };
        },
      };
    const fixed = asServed(value);
    return { oid, value: () => fixed };
  });
  const sysObjectId = spec.records.find((r) => r.oid === SYS_OBJECT_ID)?.value;
  return compileMibModel(sysObjectId?.type === 'ObjectIdentifier' ? sysObjectId.value : '0.0', entries);
}

/** Plain ASCII text as a string, as the generated models serve it: the bytes on the wire are the same. */
function asServed(value: SnmpValue): SnmpValue {
  if (value.type !== 'OctetString' || !Buffer.isBuffer(value.value)) return value;
  const plain = value.value.every((byte) => byte >= 0x20 && byte <= 0x7e);
  return plain ? { type: 'OctetString', value: value.value.toString('latin1') } : value;
}
