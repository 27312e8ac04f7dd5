import { seeded } from '../device-dynamics.js';
import { faultOf, type SimDevice } from '../sim-device.js';
import { int, oidValue, str, type MibEntry, type ValueEnv } from './mib-model.js';

const HR_STORAGE_ENTRY = '1.3.6.1.2.1.25.2.3.1';
const HR_STORAGE_TYPES = {
  other: '1.3.6.1.2.1.25.2.1.1',
  ram: '1.3.6.1.2.1.25.2.1.2',
  flashMemory: '1.3.6.1.2.1.25.2.1.9',
} as const;
/** hrProcessorTable rows are hrDeviceIndex values; Net-SNMP numbers processors from 196608 (768 × 256). */
const FIRST_PROCESSOR = 196608;

/**
 * How an agent lays out hrStorageTable. `net-snmp`: Linux-based firmware — row 1 is RAM and its
 * hrStorageUsed counts buffers and page cache (MemTotal − MemFree), which rows 6 and 7 report apart.
 * `flash-first`: an embedded agent that lists its flash file system first and RAM second. A probe that
 * reads row 1 or forgets the cache rows misreads one of them.
 */
export type StorageLayout = 'net-snmp' | 'flash-first';

export interface HostResources {
  ramKb: number;
  layout: StorageLayout;
  processors: number;
}

/** Share of RAM applications use (what `free` calls used): the high_memory fault sets it. */
export function ramInUseShare(d: SimDevice): number {
  const fault = faultOf(d, 'high_memory');
  return fault ? (fault.params.percent as number) / 100 : 0.3 + 0.3 * seeded(d.seed, 7);
}

/** Buffers and page cache: a healthy Linux box keeps most of its free RAM as cache. */
function cacheShare(d: SimDevice): { buffers: number; cached: number } {
  const free = 1 - ramInUseShare(d);
  return { buffers: 0.04 * free, cached: 0.8 * free };
}

/** One core's load: the high_cpu fault sets every core; otherwise a little noise per minute and core. */
export function coreLoadPercent(d: SimDevice, env: ValueEnv, core = 0): number {
  const fault = faultOf(d, 'high_cpu');
  if (fault) return fault.params.percent as number;
  return Math.round(
    3 + 20 * seeded(d.seed, 8 + core) + 4 * seeded(d.seed, Math.floor(env.nowMs / 60_000) + core),
  );
}

function storageRow(
  row: number,
  type: string,
  descr: string,
  sizeKb: number,
  usedKb: (d: SimDevice) => number,
): MibEntry[] {
  return [
    { oid: `${HR_STORAGE_ENTRY}.1.${row}`, value: () => int(row) },
    { oid: `${HR_STORAGE_ENTRY}.2.${row}`, value: () => oidValue(type) },
    { oid: `${HR_STORAGE_ENTRY}.3.${row}`, value: () => str(descr) },
    { oid: `${HR_STORAGE_ENTRY}.4.${row}`, value: () => int(1024) },
    { oid: `${HR_STORAGE_ENTRY}.5.${row}`, value: () => int(sizeKb) },
    { oid: `${HR_STORAGE_ENTRY}.6.${row}`, value: (d) => int(Math.round(usedKb(d))) },
  ];
}

function storageRows({ ramKb, layout }: HostResources): MibEntry[] {
  if (layout === 'flash-first') {
    const flashKb = 65_536;
    return [
      ...storageRow(1, HR_STORAGE_TYPES.flashMemory, '/flash', flashKb, () => flashKb * 0.93),
      ...storageRow(2, HR_STORAGE_TYPES.ram, 'RAM', ramKb, (d) => ramKb * ramInUseShare(d)),
    ];
  }
  const cache = (d: SimDevice): { buffers: number; cached: number } => cacheShare(d);
  return [
    ...storageRow(1, HR_STORAGE_TYPES.ram, 'Physical memory', ramKb, (d) => {
      const { buffers, cached } = cache(d);
      return ramKb * (ramInUseShare(d) + buffers + cached);
    }),
    ...storageRow(6, HR_STORAGE_TYPES.other, 'Memory buffers', ramKb, (d) => ramKb * cache(d).buffers),
    ...storageRow(7, HR_STORAGE_TYPES.other, 'Cached memory', ramKb, (d) => ramKb * cache(d).cached),
  ];
}

/** HOST-RESOURCES-MIB (RFC 2790): hrMemorySize, hrStorageTable in the model's layout, a load per core. */
export function hostResources(spec: HostResources): MibEntry[] {
  const processors = Array.from({ length: spec.processors }, (_, core) => FIRST_PROCESSOR + core);
  return [
    { oid: '1.3.6.1.2.1.25.2.2.0', value: () => int(spec.ramKb) },
    ...storageRows(spec),
    ...processors.map((index) => ({ oid: `1.3.6.1.2.1.25.3.3.1.1.${index}`, value: () => oidValue('0.0') })),
    ...processors.map((index, core) => ({
      oid: `1.3.6.1.2.1.25.3.3.1.2.${index}`,
      value: (d: SimDevice, env: ValueEnv) => int(coreLoadPercent(d, env, core)),
    })),
  ];
}
