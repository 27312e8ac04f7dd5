import type { Logger } from '../platform/logger.js';
import { AppError } from '../shared/app-error.js';
import { devicesPerProcessLimit } from './descriptor-limit.js';
import { applyReboot, isReachable, settleFaultRemoval } from './device-dynamics.js';
import { deviceSnapshot, type DeviceSnapshot } from './device-snapshot.js';
import { parseFaultParams, type FaultKind } from './fault-kinds.js';
import { generateFleet, type Fleet, type FleetOptions } from './fleet-generator.js';
import { startChildProcessShard, startInProcessShard, type ShardHandle } from './shard-handle.js';
import type { LoadedRecording } from './load-recordings.js';
import { forgetRecordedModels, registerRecordedModels } from './models/model-of.js';
import { addRecordedDevices, refuseRecordingFault } from './recorded-fleet.js';
import { releaseFreedMemory } from './release-memory.js';
import type { SimDevice } from './sim-device.js';
import type { ShardStats, SimCredentials } from './sim-shard.js';

export interface SimulatorOptions extends Omit<FleetOptions, 'nowMs'> {
  credentials: SimCredentials;
  /** How long a rebooted device stays silent before it answers again with a fresh uptime. */
  rebootSilenceMs: number;
  trapTarget?: { host: string; port: number };
  trapCommunity?: string;
  /** Defaults to what the open-file limit allows; above it, devices are spread over child processes. */
  devicesPerProcess?: number;
  /**
   * Every device behind one socket per port in this process (IP_PKTINFO; src/sim/native): a million
   * devices need one descriptor, not a process per 19,000. Linux, and built by `npm ci`.
   */
  sharedSocket?: boolean;
  /** Recordings of real devices served beside the generated fleet (`--recordings`), after it. */
  recordings?: readonly LoadedRecording[];
  log: Logger;
}

/** Faults that only make sense on some kinds of device. */
const FAULT_TARGETS: Partial<Record<FaultKind, SimDevice['kind'][]>> = {
  low_signal: ['cpe'],
  cell_down: ['base_station'],
  cell_degraded: ['base_station'],
};

/**
 * The simulator's supervisor: generates the fleet, starts the shards that answer SNMP, and keeps a
 * mirror of every device's state so that faults, reboots and the control API act in one place.
 * Every change is applied here first and then published to the shard that owns the device (and,
 * for devices with children, to every shard, whose devices' reachability depends on it).
 */
export class Simulator {
  private readonly byId = new Map<string, number>();
  private readonly shardOf: Int32Array;
  private readonly hasChildren = new Set<number>();
  private shards: ShardHandle[] = [];

  private constructor(
    readonly fleet: Fleet,
    private readonly options: SimulatorOptions,
  ) {
    this.shardOf = new Int32Array(fleet.devices.length);
    for (const device of fleet.devices) {
      this.byId.set(device.id, device.index);
      if (device.parentIndex >= 0) this.hasChildren.add(device.parentIndex);
    }
  }

  static async start(options: SimulatorOptions): Promise<Simulator> {
    const fleet = generateFleet({ ...options, nowMs: Date.now() });
    const recordings = options.recordings ?? [];
    addRecordedDevices(fleet, recordings, options);
    registerRecordedModels(recordings.map((r) => r.spec));
    const simulator = new Simulator(fleet, options);
    await simulator.startShards();
    return simulator;
  }

  get devices(): readonly SimDevice[] {
    return this.fleet.devices;
  }

  /** Drops the inventory document (written out by `vigil sim --inventory-out`); the devices stay. */
  releaseInventory(): void {
    this.fleet.inventory = { sites: [], devices: [], subscribers: [] };
    // The document was most of the start-up's garbage: now is when giving it back pays.
    releaseFreedMemory();
  }

  get processCount(): number {
    return this.shards.length;
  }

  private async startShards(): Promise<void> {
    const devices = this.fleet.devices;
    const perProcess = this.options.sharedSocket
      ? Math.max(1, devices.length)
      : (this.options.devicesPerProcess ?? devicesPerProcessLimit());
    const parents = devices.filter((d) => this.hasChildren.has(d.index));
    const shardCount = Math.ceil(devices.length / perProcess);
    const common = {
      parents,
      credentials: this.options.credentials,
      rebootSilenceMs: this.options.rebootSilenceMs,
      ...(this.options.trapTarget ? { trapTarget: this.options.trapTarget } : {}),
      ...(this.options.trapCommunity ? { trapCommunity: this.options.trapCommunity } : {}),
      onDeviceChanged: (device: SimDevice) => this.mirror(device),
      onProblem: (message: string) => this.options.log.warn({ problem: message }, 'simulator shard problem'),
      ...(this.options.sharedSocket ? { sharedSocket: true } : {}),
    };
    const starts: Promise<ShardHandle>[] = [];
    for (let s = 0; s < shardCount; s++) {
      const owned = devices.slice(s * perProcess, (s + 1) * perProcess);
      for (const device of owned) this.shardOf[device.index] = s;
      // The first shard is served here: a process of its own would cost a Node runtime (~50 MB)
      // for no more descriptors than this process has left beside the control API.
      const start = s === 0 ? startInProcessShard : startChildProcessShard;
      // A shard process compiles the recordings it serves; in this process they are registered already.
      const ids = new Set(owned.map((d) => d.id));
      const recordings = (this.options.recordings ?? []).map((r) => r.spec).filter((r) => ids.has(r.id));
      starts.push(start({ ...common, owned, recordings }));
    }
    const results = await Promise.allSettled(starts);
    this.shards = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      await this.close();
      throw new AppError('ERR_SIM_START', `simulator could not start: ${String(failure.reason)}`, {
        cause: failure.reason,
      });
    }
  }

  /** A shard changed a device (reboot by SET): take its state and tell the others if it has children. */
  private mirror(device: SimDevice): void {
    this.fleet.devices[device.index] = device;
    if (this.hasChildren.has(device.index)) {
      this.shards.forEach((shard, s) => {
        if (s !== this.shardOf[device.index]) shard.applyStates([device]);
      });
    }
  }

  private publish(device: SimDevice): void {
    if (this.hasChildren.has(device.index)) for (const shard of this.shards) shard.applyStates([device]);
    else this.shards[this.shardOf[device.index] as number]?.applyStates([device]);
  }

  device(id: string): SimDevice {
    const index = this.byId.get(id);
    if (index === undefined) throw new AppError('ERR_SIM_DEVICE_NOT_FOUND', `no simulated device "${id}"`);
    return this.fleet.devices[index] as SimDevice;
  }

  snapshot(id: string, nowMs = Date.now()): DeviceSnapshot {
    const device = this.device(id);
    const lookup = (index: number): SimDevice | undefined => this.fleet.devices[index];
    const reachable = isReachable(device, lookup, nowMs, this.options.rebootSilenceMs);
    return deviceSnapshot(device, reachable, nowMs, this.options.rebootSilenceMs);
  }

  addFault(id: string, kind: FaultKind, rawParams: Record<string, unknown> = {}): SimDevice {
    const device = this.device(id);
    const allowed = FAULT_TARGETS[kind];
    if (allowed && !allowed.includes(device.kind)) {
      throw new AppError(
        'ERR_SIM_FAULT_INVALID',
        `fault ${kind} applies to ${allowed.join(', ')}, not to a ${device.kind}`,
      );
    }
    refuseRecordingFault(device, kind);
    const parsed = parseFaultParams(kind, rawParams);
    if ('errors' in parsed)
      throw new AppError('ERR_SIM_FAULT_INVALID', parsed.errors.join('; '), { details: parsed.errors });
    const nowMs = Date.now();
    if (device.faults.some((f) => f.kind === kind))
      settleFaultRemoval(device, kind, nowMs, this.options.rebootSilenceMs);
    device.faults = [
      ...device.faults.filter((f) => f.kind !== kind),
      { kind, params: parsed.params, sinceMs: nowMs },
    ];
    this.publish(device);
    this.options.log.info({ device: id, fault: kind, params: parsed.params }, 'fault added');
    return device;
  }

  /** Removes one fault kind, or all faults when `kind` is omitted. Returns how many were removed. */
  removeFaults(id: string, kind?: FaultKind): number {
    const device = this.device(id);
    const removed = device.faults.filter((f) => kind === undefined || f.kind === kind);
    const nowMs = Date.now();
    for (const fault of removed) settleFaultRemoval(device, fault.kind, nowMs, this.options.rebootSilenceMs);
    device.faults = device.faults.filter((f) => !removed.includes(f));
    if (removed.length > 0) {
      this.publish(device);
      this.options.log.info({ device: id, faults: removed.map((f) => f.kind) }, 'faults removed');
    }
    return removed.length;
  }

  /** A reboot as if by the power button: the same effect as the SNMP reboot SET. */
  reboot(id: string): SimDevice {
    const device = this.device(id);
    applyReboot(device, Date.now(), this.options.rebootSilenceMs);
    this.publish(device);
    return device;
  }

  async stats(): Promise<ShardStats & { processes: number }> {
    const all = await Promise.all(this.shards.map((s) => s.stats()));
    const total: ShardStats & { processes: number } = {
      processes: this.shards.length,
      devices: 0,
      received: 0,
      answered: 0,
      dropped: 0,
      rejected: 0,
      trapsSent: 0,
      trapsFailed: 0,
    };
    for (const stats of all)
      for (const key of Object.keys(stats) as (keyof ShardStats)[]) total[key] += stats[key];
    return total;
  }

  async close(): Promise<void> {
    await Promise.all(this.shards.splice(0).map((s) => s.close()));
    forgetRecordedModels((this.options.recordings ?? []).map((r) => r.spec.id));
  }
}
