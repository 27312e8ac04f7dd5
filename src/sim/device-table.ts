import { RECORDED_MODEL, type ActiveFault, type SimDevice, type SimDeviceKind } from './sim-device.js';

const KINDS: readonly SimDeviceKind[] = ['cpe', 'access_node', 'base_station'];
const MODELS: readonly SimDevice['model'][] = [
  'cpe-gpon',
  'cpe-lte',
  'access-node',
  'base-station',
  RECORDED_MODEL,
];

/**
 * Devices as columns (struct of arrays): a few numbers per device in typed arrays, its id and address,
 * model labels in a small table and faults only where there are some. What a shard keeps and what
 * crosses the IPC channel to it: tens of bytes a device instead of an object of a few hundred.
 */
export interface PackedDevices {
  indexes: Int32Array;
  ids: string[];
  hosts: string[];
  ports: Uint16Array;
  kinds: Uint8Array;
  models: Uint8Array;
  labels: string[];
  labelCodes: Uint16Array;
  parents: Int32Array;
  seeds: Uint32Array;
  bootAtMs: Float64Array;
  silentUntilMs: Float64Array;
  extraErrors: Float64Array;
  rebootCounts: Uint32Array;
  /** Slot → active faults, for the devices that have any. */
  faults: [number, ActiveFault[]][];
}

function codeOf<T>(table: readonly T[], value: T, what: string): number {
  const code = table.indexOf(value);
  if (code < 0) throw new Error(`unknown device ${what} ${String(value)}`);
  return code;
}

/** Packs devices into columns; faults are copied, so the packed set never aliases the objects. */
export function packDevices(devices: readonly SimDevice[]): PackedDevices {
  const n = devices.length;
  const labels: string[] = [];
  const packed: PackedDevices = {
    indexes: new Int32Array(n),
    ids: new Array<string>(n),
    hosts: new Array<string>(n),
    ports: new Uint16Array(n),
    kinds: new Uint8Array(n),
    models: new Uint8Array(n),
    labels,
    labelCodes: new Uint16Array(n),
    parents: new Int32Array(n),
    seeds: new Uint32Array(n),
    bootAtMs: new Float64Array(n),
    silentUntilMs: new Float64Array(n),
    extraErrors: new Float64Array(n),
    rebootCounts: new Uint32Array(n),
    faults: [],
  };
  devices.forEach((device, slot) => {
    packed.indexes[slot] = device.index;
    packed.ids[slot] = device.id;
    packed.hosts[slot] = device.host;
    packed.ports[slot] = device.port;
    packed.kinds[slot] = codeOf(KINDS, device.kind, 'kind');
    packed.models[slot] = codeOf(MODELS, device.model, 'model');
    let label = labels.indexOf(device.modelLabel);
    if (label < 0) label = labels.push(device.modelLabel) - 1;
    packed.labelCodes[slot] = label;
    writeState(packed, slot, device);
  });
  return packed;
}

/** The fields that change over a device's life (faults, reboots), written into its slot. */
function writeState(packed: PackedDevices, slot: number, device: SimDevice): void {
  packed.parents[slot] = device.parentIndex;
  packed.seeds[slot] = device.seed;
  packed.bootAtMs[slot] = device.bootAtMs;
  packed.silentUntilMs[slot] = device.silentUntilMs;
  packed.extraErrors[slot] = device.extraErrors;
  packed.rebootCounts[slot] = device.rebootCount;
  if (device.faults.length > 0) packed.faults.push([slot, structuredClone(device.faults)]);
}

/**
 * A packed device set to read and update by device index. `get` builds a device object for the
 * moment it is used (an answer, a trap); `set` writes a changed one back.
 */
export class DeviceTable {
  private readonly first: number;
  private readonly slots: Map<number, number> | undefined;
  private readonly faults: Map<number, ActiveFault[]>;

  constructor(private readonly packed: PackedDevices) {
    const { indexes } = packed;
    this.first = indexes[0] ?? 0;
    const contiguous = indexes.every((index, slot) => index === this.first + slot);
    // A fleet's shard is a contiguous range of indexes: no lookup table needed for it.
    this.slots = contiguous ? undefined : new Map(Array.from(indexes, (index, slot) => [index, slot]));
    this.faults = new Map(packed.faults);
    packed.faults = [];
  }

  get size(): number {
    return this.packed.indexes.length;
  }

  private slotOf(index: number): number | undefined {
    if (this.slots) return this.slots.get(index);
    const slot = index - this.first;
    return slot >= 0 && slot < this.size ? slot : undefined;
  }

  has(index: number): boolean {
    return this.slotOf(index) !== undefined;
  }

  /** Every device's index, in the order they were packed. */
  indexes(): Int32Array {
    return this.packed.indexes;
  }

  get(index: number): SimDevice | undefined {
    const slot = this.slotOf(index);
    if (slot === undefined) return undefined;
    const p = this.packed;
    return {
      index,
      id: p.ids[slot] as string,
      kind: KINDS[p.kinds[slot] as number] as SimDeviceKind,
      model: MODELS[p.models[slot] as number] as SimDevice['model'],
      modelLabel: p.labels[p.labelCodes[slot] as number] as string,
      host: p.hosts[slot] as string,
      port: p.ports[slot] as number,
      parentIndex: p.parents[slot] as number,
      seed: p.seeds[slot] as number,
      bootAtMs: p.bootAtMs[slot] as number,
      silentUntilMs: p.silentUntilMs[slot] as number,
      extraErrors: p.extraErrors[slot] as number,
      faults: this.faults.get(slot) ?? [],
      rebootCount: p.rebootCounts[slot] as number,
    };
  }

  /** Writes a device's changing state back; false when it is not in this table. */
  set(device: SimDevice): boolean {
    const slot = this.slotOf(device.index);
    if (slot === undefined) return false;
    const p = this.packed;
    p.parents[slot] = device.parentIndex;
    p.seeds[slot] = device.seed;
    p.bootAtMs[slot] = device.bootAtMs;
    p.silentUntilMs[slot] = device.silentUntilMs;
    p.extraErrors[slot] = device.extraErrors;
    p.rebootCounts[slot] = device.rebootCount;
    if (device.faults.length > 0) this.faults.set(slot, device.faults);
    else this.faults.delete(slot);
    return true;
  }
}
