import type { UsmUser } from '../snmp/auth-profile.js';
import type { RecordedDeviceSpec } from './models/recorded-model.js';
import type { SimDevice } from './sim-device.js';
import type { ShardStats, SimCredentials, SimShardOptions } from './sim-shard.js';

/** A USM user with its keys in the clear, for the IPC channel only (Secret does not survive cloning). */
export type WireUser = Omit<UsmUser, 'authKey' | 'privKey'> & {
  authKey?: string | undefined;
  privKey?: string | undefined;
};

export type WireShardOptions = Omit<SimShardOptions, 'onDeviceChanged' | 'onProblem' | 'credentials'> & {
  credentials: Omit<SimCredentials, 'readUsers' | 'writeUsers'> & {
    readUsers: WireUser[];
    writeUsers: WireUser[];
  };
};

/** Supervisor → shard process. Credentials travel over IPC, never on a command line or in env. */
export type ToShard =
  | { type: 'init'; options: WireShardOptions; recordings: RecordedDeviceSpec[] }
  | { type: 'states'; devices: SimDevice[] }
  | { type: 'stats'; requestId: number }
  | { type: 'close' };

/** Shard process → supervisor. */
export type FromShard =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'changed'; device: SimDevice }
  | { type: 'problem'; message: string }
  | { type: 'stats'; requestId: number; stats: ShardStats };
