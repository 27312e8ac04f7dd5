import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Secret } from '../shared/secret.js';
import type { UsmUser } from '../snmp/auth-profile.js';
import type { RecordedDeviceSpec } from './models/recorded-model.js';
import type { FromShard, ToShard, WireUser } from './shard-messages.js';
import { packDevices } from './device-table.js';
import type { SimDevice } from './sim-device.js';
import { SimShard, type ShardStats, type SimShardOptions } from './sim-shard.js';

/** How the simulator drives a shard, wherever it runs. */
export interface ShardHandle {
  applyStates(devices: SimDevice[]): void;
  stats(): Promise<ShardStats>;
  close(): Promise<void>;
}

export type ShardStartOptions = Omit<SimShardOptions, 'owned' | 'onDeviceChanged' | 'onProblem'> & {
  /** The devices the shard serves (packed for it: device-table.ts). */
  owned: SimDevice[];
  onDeviceChanged(device: SimDevice): void;
  onProblem(message: string): void;
  /** The recordings among `owned`: a shard process compiles their models (README "Recordings"). */
  recordings?: RecordedDeviceSpec[];
};

/** Copies, so the shard's state and the supervisor's mirror never alias, as across processes. */
const copy = <T>(value: T): T => structuredClone(value);

export async function startInProcessShard(options: ShardStartOptions): Promise<ShardHandle> {
  // Recordings served in this process are in its registry already (Simulator.start).
  const { recordings: _registered, ...shardOptions } = options;
  const shard = new SimShard({
    ...shardOptions,
    owned: packDevices(options.owned),
    parents: copy(options.parents),
    onDeviceChanged: (device) => options.onDeviceChanged(copy(device)),
  });
  await shard.start();
  return {
    applyStates: (devices) => shard.applyStates(copy(devices)),
    stats: () => Promise.resolve(shard.getStats()),
    close: () => shard.close(),
  };
}

export function toWireUser(user: UsmUser): WireUser {
  return { ...user, authKey: user.authKey?.reveal(), privKey: user.privKey?.reveal() };
}

export function fromWireUser(user: WireUser): UsmUser {
  const result: UsmUser = { name: user.name };
  if (user.authProtocol) result.authProtocol = user.authProtocol;
  if (user.authKey !== undefined) result.authKey = new Secret(user.authKey);
  if (user.privProtocol) result.privProtocol = user.privProtocol;
  if (user.privKey !== undefined) result.privKey = new Secret(user.privKey);
  return result;
}

export async function startChildProcessShard(options: ShardStartOptions): Promise<ShardHandle> {
  const child = forkShardProcess();
  const shard: ChildShard = { child, pending: new Map(), nextRequestId: 1, closing: false };
  const ready = whenReady(shard, options);
  const send = (message: ToShard): void => {
    if (child.connected) child.send(message);
  };
  send({ type: 'init', options: initOptions(options), recordings: options.recordings ?? [] });
  await ready;

  return {
    applyStates: (devices) => send({ type: 'states', devices }),
    stats: () =>
      new Promise((resolve) => {
        const requestId = shard.nextRequestId++;
        shard.pending.set(requestId, resolve);
        send({ type: 'stats', requestId });
      }),
    close: () =>
      new Promise((resolve) => {
        shard.closing = true;
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        send({ type: 'close' });
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}

/** The shard's process and the stats requests awaiting its answer. */
interface ChildShard {
  child: ChildProcess;
  pending: Map<number, (stats: ShardStats) => void>;
  nextRequestId: number;
  closing: boolean;
}

function forkShardProcess(): ChildProcess {
  // Run from sources (tests), the child runs the TypeScript entry through tsx; built, the JS one.
  const fromSources = import.meta.url.endsWith('.ts');
  const entry = fileURLToPath(
    new URL(fromSources ? './shard-process.ts' : './shard-process.js', import.meta.url),
  );
  return fork(entry, [], {
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // A small young generation: a shard's garbage is short-lived answers, and each of the many shard
    // processes would otherwise reserve 16 MB semi-spaces it never needs (README "Simulator"). One V8
    // helper thread, not four: a shard's collections are small, and each helper's malloc arena costs
    // resident memory in every one of the shard processes (~3 MB each, measured at 100k devices).
    execArgv: [...(fromSources ? ['--import', 'tsx'] : []), '--max-semi-space-size=1', '--v8-pool-size=1'],
  });
}

/** Dispatches the shard's messages; resolves on its `ready`, rejects if it fails or exits first. */
function whenReady(shard: ChildShard, options: ShardStartOptions): Promise<void> {
  const { child, pending } = shard;
  return new Promise<void>((resolve, reject) => {
    child.on('message', (message: FromShard) => {
      switch (message.type) {
        case 'ready':
          return resolve();
        case 'failed':
          return reject(new Error(message.message));
        case 'changed':
          return options.onDeviceChanged(message.device);
        case 'problem':
          return options.onProblem(message.message);
        case 'stats':
          pending.get(message.requestId)?.(message.stats);
          pending.delete(message.requestId);
      }
    });
    child.once('exit', (code) => {
      if (!shard.closing) {
        options.onProblem(`simulator shard process exited with code ${code}`);
        reject(new Error(`shard process exited with code ${code}`));
      }
    });
  });
}

/** The init message's options: secrets revealed for the IPC channel (see toWireUser). */
function initOptions(options: ShardStartOptions): Extract<ToShard, { type: 'init' }>['options'] {
  const { credentials } = options;
  return {
    owned: packDevices(options.owned),
    parents: options.parents,
    rebootSilenceMs: options.rebootSilenceMs,
    ...(options.trapTarget ? { trapTarget: options.trapTarget } : {}),
    ...(options.trapCommunity ? { trapCommunity: options.trapCommunity } : {}),
    credentials: {
      ...credentials,
      readUsers: credentials.readUsers.map(toWireUser),
      writeUsers: credentials.writeUsers.map(toWireUser),
    },
  };
}
