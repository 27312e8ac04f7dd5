import type { RemoteInfo, Socket } from 'node:dgram';
import { createSnmpResponder, type SnmpResponder } from '../snmp/snmp-responder.js';
import { sendTrap, TRAP_OIDS, type TrapRequest } from '../snmp/trap-sender.js';
import type { UsmUser } from '../snmp/auth-profile.js';
import { applyReboot, currentBootAtMs, isReachable, uptimeTicks } from './device-dynamics.js';
import { createSimMibView } from './sim-mib-view.js';
import { faultOf, type SimDevice } from './sim-device.js';
import { DeviceTable, type PackedDevices } from './device-table.js';
import { bindDeviceSocket, type DeviceSocket, type DeviceSocketListeners } from './device-socket.js';
import { downAlarm, type DownAlarm } from './down-alarm.js';
import { bindSharedSockets, type SharedSockets } from './shared-device-sockets.js';
import { ALARM_TRAP_OIDS, alarmVarbinds } from '../snmp/alarm-traps.js';

const BINDS_AT_ONCE = 500;

export interface SimCredentials {
  readCommunities: string[];
  writeCommunities: string[];
  readUsers: UsmUser[];
  writeUsers: UsmUser[];
  engineId?: string;
}

export interface ShardStats {
  devices: number;
  received: number;
  answered: number;
  dropped: number;
  rejected: number;
  trapsSent: number;
  trapsFailed: number;
}

export interface SimShardOptions {
  /** Devices this shard answers for (it binds one UDP socket for each), packed (device-table.ts). */
  owned: PackedDevices;
  /** Mirrors of every device that has children, so this shard knows when an ancestor is down. */
  parents: SimDevice[];
  credentials: SimCredentials;
  rebootSilenceMs: number;
  trapTarget?: { host: string; port: number };
  trapCommunity?: string;
  /** A device changed here (a reboot by SET): the supervisor mirrors it. */
  onDeviceChanged(device: SimDevice): void;
  onProblem?(message: string): void;
  /** One socket per port for every device (shared-device-sockets.ts) instead of one per device. */
  sharedSocket?: boolean;
}

/**
 * Serves a set of simulated devices over real UDP, one socket per device at the device's own
 * address. Runs in the simulator's process or in a child process when the descriptor limit of one
 * process is too small for the fleet (see README "Simulator").
 */
export class SimShard {
  /** The devices served here, as columns: a device object exists only while it is being used. */
  private readonly owned: DeviceTable;
  /** Every device with children, as objects (a few hundred): reachability reads them on every answer. */
  private readonly parents = new Map<number, SimDevice>();
  private readonly sockets: DeviceSocket[] = [];
  private shared: SharedSockets | undefined;
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly responder: SnmpResponder<SimDevice>;
  private readonly stats: ShardStats;

  constructor(private readonly options: SimShardOptions) {
    this.owned = new DeviceTable(options.owned);
    for (const device of options.parents)
      this.parents.set(device.index, this.owned.get(device.index) ?? device);
    this.stats = {
      devices: this.owned.size,
      received: 0,
      answered: 0,
      dropped: 0,
      rejected: 0,
      trapsSent: 0,
      trapsFailed: 0,
    };
    const view = createSimMibView({
      rebootSilenceMs: options.rebootSilenceMs,
      onReboot: (device) => this.reboot(device.index),
    });
    this.responder = createSnmpResponder({
      view,
      ...options.credentials,
      onRejected: () => {
        this.stats.rejected += 1;
      },
    });
  }

  async start(): Promise<void> {
    const indexes = this.owned.indexes();
    if (this.options.sharedSocket) {
      const owned = this.owned;
      // One device object at a time: a million at once would be a few hundred MB of start-up garbage.
      const devices = function* (): Generator<SimDevice> {
        for (const index of indexes) yield owned.get(index) as SimDevice;
      };
      this.shared = bindSharedSockets(devices(), this.listeners);
    } else await this.bindEach(indexes);
    for (const index of indexes) this.scheduleTimers(this.owned.get(index) as SimDevice, undefined);
  }

  private async bindEach(indexes: Int32Array): Promise<void> {
    // A few hundred binds at a time: all at once, their promises would grow the heap (and the
    // resident memory V8 keeps afterwards) far past what the bound sockets need.
    for (let from = 0; from < indexes.length; from += BINDS_AT_ONCE) {
      const batch = Array.from(indexes.subarray(from, from + BINDS_AT_ONCE), (index) => this.bind(index));
      const results = await Promise.allSettled(batch);
      for (const r of results) if (r.status === 'fulfilled') this.sockets.push(r.value);
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed.length > 0) {
        await this.close();
        throw new Error(
          `${failed.length} device sockets could not bind; first: ${String(failed[0]?.reason)}`,
        );
      }
    }
  }

  private bind(index: number): Promise<DeviceSocket> {
    const { host, port } = this.owned.get(index) as SimDevice;
    return bindDeviceSocket(index, host, port, this.listeners);
  }

  /** One pair of listeners for every socket: the socket says which device it is. */
  private readonly listeners: DeviceSocketListeners = {
    onMessage: (socket, datagram, rinfo) => this.receive(socket, datagram, rinfo),
    // A socket error after bind (e.g. ICMP-triggered) is a device outcome, never a crash.
    onError: (socket, error) =>
      this.options.onProblem?.(`${this.owned.get(socket.index)?.id ?? socket.index}: ${error.message}`),
  };

  private receive(socket: DeviceSocket, datagram: Buffer, rinfo: RemoteInfo): void {
    this.stats.received += 1;
    const device = this.owned.get(socket.index);
    if (!device || !this.isReachable(device, Date.now())) {
      this.stats.dropped += 1;
      return;
    }
    const loss = faultOf(device, 'packet_loss');
    if (loss && Math.random() * 100 < (loss.params.percent as number)) {
      this.stats.dropped += 1;
      return;
    }
    const slow = faultOf(device, 'slow');
    const answer = (): void => {
      this.stats.answered += 1;
      // net-snmp only calls send(buffer, offset, length, port, address, callback) on the socket it is
      // given (Listener.prototype.send), which a DeviceSocket has.
      this.responder.handle(device, socket as unknown as Socket, datagram, rinfo);
    };
    if (slow) setTimeout(answer, slow.params.latencyMs as number);
    else answer();
  }

  isReachable(device: SimDevice, nowMs: number): boolean {
    return isReachable(device, this.lookup, nowMs, this.options.rebootSilenceMs);
  }

  private readonly lookup = (index: number): SimDevice | undefined =>
    this.parents.get(index) ?? this.owned.get(index);

  /** Keeps a changed device: in the table when served here, and as a parent when it has children. */
  private store(device: SimDevice): void {
    this.owned.set(device);
    if (this.parents.has(device.index)) this.parents.set(device.index, device);
  }

  /** New state for devices from the supervisor (a fault added or removed, a reboot elsewhere). */
  applyStates(devices: SimDevice[]): void {
    for (const next of devices) {
      const previous = this.lookup(next.index);
      if (!previous) continue;
      this.store(next);
      if (this.owned.has(next.index)) this.scheduleTimers(next, previous);
    }
  }

  private reboot(index: number): void {
    const device = this.lookup(index);
    if (!device) return;
    const previous = { ...device };
    applyReboot(device, Date.now(), this.options.rebootSilenceMs);
    this.store(device);
    this.scheduleTimers(device, previous);
    this.options.onDeviceChanged(device);
  }

  /** Traps follow state changes: linkDown/linkUp for the WAN port, coldStart when the agent comes back. */
  private scheduleTimers(device: SimDevice, previous: SimDevice | undefined): void {
    const nowMs = Date.now();
    const wasWanDown = previous ? faultOf(previous, 'wan_down') !== undefined : false;
    const isWanDown = faultOf(device, 'wan_down') !== undefined;
    if (previous && wasWanDown !== isWanDown) this.trap(device, isWanDown ? 'linkDown' : 'linkUp');
    const alarm = downAlarm(previous, device, (d) => this.lookup(d.parentIndex));
    if (alarm) this.alarm(alarm, previous);

    const existing = this.timers.get(device.index);
    if (existing) clearTimeout(existing);
    this.timers.delete(device.index);

    const loop = faultOf(device, 'reboot_loop');
    let comesBackAt: number | undefined;
    if (loop) {
      const bootAt = currentBootAtMs(device, nowMs, this.options.rebootSilenceMs);
      const periodMs = (loop.params.periodSeconds as number) * 1000;
      // Silent now: back at this cycle's boot; up now: back after the next cycle's silence.
      comesBackAt = bootAt > nowMs ? bootAt : bootAt + periodMs;
    } else if (device.silentUntilMs > nowMs) {
      comesBackAt = device.silentUntilMs;
    }
    if (comesBackAt === undefined) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(device.index);
        const current = this.lookup(device.index);
        if (!current) return;
        if (this.isReachable(current, Date.now())) this.trap(current, 'coldStart');
        this.scheduleTimers(current, current);
      },
      Math.max(0, comesBackAt - nowMs) + 5,
    );
    timer.unref();
    this.timers.set(device.index, timer);
  }

  private trap(device: SimDevice, kind: 'coldStart' | 'linkDown' | 'linkUp'): void {
    if (!this.isReachable(device, Date.now())) return;
    const upstreamIfIndex = 1;
    const varbinds =
      kind === 'coldStart'
        ? []
        : [
            {
              oid: `1.3.6.1.2.1.2.2.1.1.${upstreamIfIndex}`,
              value: { type: 'Integer' as const, value: upstreamIfIndex },
            },
            { oid: `1.3.6.1.2.1.2.2.1.7.${upstreamIfIndex}`, value: { type: 'Integer' as const, value: 1 } },
            {
              oid: `1.3.6.1.2.1.2.2.1.8.${upstreamIfIndex}`,
              value: { type: 'Integer' as const, value: kind === 'linkDown' ? 2 : 1 },
            },
          ];
    this.send(device, TRAP_OIDS[kind], varbinds);
  }

  /**
   * A down fault's alarm: a dying gasp leaves as the sender goes dark, so it is sent when the sender
   * could still be heard just before (`previous`); a loss of signal when the reporting parent answers.
   */
  private alarm(alarm: DownAlarm, previous: SimDevice | undefined): void {
    const heard =
      alarm.alarm === 'dying_gasp'
        ? previous !== undefined && this.isReachable(previous, Date.now())
        : this.isReachable(alarm.sender, Date.now());
    if (heard) this.send(alarm.sender, ALARM_TRAP_OIDS[alarm.alarm], alarmVarbinds(alarm.subject));
  }

  private send(device: SimDevice, trapOid: string, varbinds: TrapRequest['varbinds']): void {
    const target = this.options.trapTarget;
    if (!target) return;
    sendTrap({
      sourceAddress: device.host,
      targetHost: target.host,
      targetPort: target.port,
      community: this.options.trapCommunity ?? this.options.credentials.readCommunities[0] ?? 'public',
      trapOid,
      uptimeTicks: uptimeTicks(device, Date.now(), this.options.rebootSilenceMs),
      varbinds,
    }).then(
      () => {
        this.stats.trapsSent += 1;
      },
      (error: unknown) => {
        this.stats.trapsFailed += 1;
        this.options.onProblem?.(
          `trap from ${device.id}: ${error instanceof Error ? error.message : String(error)}`,
        );
      },
    );
  }

  getStats(): ShardStats {
    return { ...this.stats };
  }

  /** Closing a socket frees its address at once (libuv closes the descriptor in uv_close). */
  close(): Promise<void> {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const socket of this.sockets.splice(0)) socket.close();
    this.shared?.close();
    this.shared = undefined;
    return Promise.resolve();
  }
}
