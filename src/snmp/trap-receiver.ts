import { createSocket, type Socket } from 'node:dgram';
import snmp from 'net-snmp';
import type { Secret } from '../shared/secret.js';
import type { UsmUser } from './auth-profile.js';
import { guardMessageListeners } from './guard-message-listeners.js';
import { asReceiver, errorFields, type NetSnmpReceiver, type RawNotification } from './net-snmp-shims.js';
import { toNetSnmpUser } from './net-snmp-user.js';
import { trapFromPdu, versionOf, type Trap, type TrapSource } from './trap-from-pdu.js';
import { rejectionOf, TRAP_REJECTIONS, type TrapRejection } from './trap-rejection.js';

export type { Trap, TrapKind, TrapSource } from './trap-from-pdu.js';

export { TRAP_REJECTIONS, type TrapRejection };

export interface TrapReceiverStats {
  accepted: number;
  rejected: Record<TrapRejection, number>;
}

export interface TrapReceiverOptions {
  port: number;
  /** Address to bind; all interfaces when absent. */
  address?: string;
  /** Accepted v1/v2c communities; any other is rejected (unknown_community). */
  communities: readonly (string | Secret)[];
  /** Accepted SNMPv3 users. Keys are localized with each sender's engine ID (RFC 3414 section 2.6). */
  users: readonly UsmUser[];
  onTrap(trap: Trap): void | Promise<void>;
  /** Never given a credential: `detail` is a safe description, `source` where the datagram came from. */
  onRejected?(reason: TrapRejection, source: TrapSource | undefined, detail?: string): void;
  /** Our engine ID (hex), authoritative for v3 informs; random when absent. */
  engineId?: string;
  clock?: () => number;
}

export interface TrapReceiver {
  readonly stats: TrapReceiverStats;
  close(): Promise<void>;
}

/**
 * Receives SNMP notifications (RFC 3413 notification receiver) on net-snmp's Receiver: v1 and v2c traps
 * from the listed communities, v3 traps and informs from the listed USM users; informs are acknowledged
 * by net-snmp before delivery. Anything else — garbage, a wrong community, a bad digest — is counted in
 * `stats` and reported to onRejected; nothing a sender does can throw out of here. Resolves once bound.
 */
export async function createTrapReceiver(options: TrapReceiverOptions): Promise<TrapReceiver> {
  const stats: TrapReceiverStats = {
    accepted: 0,
    rejected: Object.fromEntries(TRAP_REJECTIONS.map((r) => [r, 0])) as Record<TrapRejection, number>,
  };
  const reject = (reason: TrapRejection, source?: TrapSource, detail?: string): void => {
    stats.rejected[reason] += 1;
    try {
      options.onRejected?.(reason, source, detail);
    } catch {
      // A failing observer must not take the receiver down with it.
    }
  };
  const counted: Counted = { options, stats, reject, clock: options.clock ?? Date.now };
  const { receiver, sockets } = openReceiver(options, (error, notification) => {
    try {
      receive(counted, error, notification);
    } catch {
      // Our own decoding of what net-snmp handed over failed on something unforeseen: drop it, counted.
      reject('handler_error');
    }
  });
  for (const socket of sockets)
    // An inform carrying a value net-snmp's reply encoder refuses (a BitString, an Integer above 2^31)
    // threw outside its try: one more malformed datagram.
    guardMessageListeners(socket, (_error, rinfo) =>
      reject(
        'malformed',
        { address: rinfo.address, port: rinfo.port },
        'the datagram broke the SNMP decoder',
      ),
    );
  const authorizer = receiver.getAuthorizer();
  for (const community of options.communities)
    authorizer.addCommunity(typeof community === 'string' ? community : community.reveal());
  for (const user of options.users) authorizer.addUser(toNetSnmpUser(user));
  await whenBound(receiver, sockets);
  return { stats, close: () => closeReceiver(receiver, sockets) };
}

/** What handling one notification reads and counts into. */
interface Counted {
  options: TrapReceiverOptions;
  stats: TrapReceiverStats;
  reject: (reason: TrapRejection, source?: TrapSource, detail?: string) => void;
  clock: () => number;
}

/** One notification (or net-snmp's reason for refusing a datagram) → a delivered Trap or a rejection. */
function receive(counted: Counted, error: Error | null, notification: RawNotification | null): void {
  const { options, stats, reject } = counted;
  const rinfo = errorFields(error).rinfo ?? notification?.rinfo;
  const source = rinfo ? { address: rinfo.address, port: rinfo.port } : undefined;
  if (error || !notification) {
    const { reason, detail } = rejectionOf(error ?? new Error('empty notification'));
    reject(reason, source, detail);
    return;
  }
  const content = trapFromPdu(notification.pdu);
  if ('malformed' in content) return reject('malformed', source, content.malformed);
  const trap: Trap = {
    source: source ?? { address: '', port: 0 },
    version: versionOf(notification.pdu),
    ...content,
    receivedAt: counted.clock(),
  };
  stats.accepted += 1;
  try {
    const pending = options.onTrap(trap);
    if (pending) pending.catch(() => reject('handler_error', source));
  } catch {
    reject('handler_error', source);
  }
}

/** net-snmp's Receiver on sockets of our own making, so that we know when they are bound. */
function openReceiver(
  options: TrapReceiverOptions,
  deliver: (error: Error | null, notification: RawNotification | null) => void,
): { receiver: NetSnmpReceiver; sockets: Socket[] } {
  const sockets: Socket[] = [];
  const receiver: unknown = snmp.createReceiver(
    {
      port: options.port,
      address: options.address ?? null,
      transport: 'udp4',
      ...(options.engineId ? { engineID: options.engineId } : {}),
      dgramModule: {
        createSocket: (type: 'udp4') => {
          // A burst of traps (an outage, or a flood) waits in the kernel instead of being dropped.
          const socket = createSocket({ type, recvBufferSize: 4 * 1024 * 1024 });
          sockets.push(socket);
          return socket;
        },
      },
    },
    deliver,
  );
  return { receiver: asReceiver(receiver), sockets };
}

function whenBound(receiver: NetSnmpReceiver, sockets: readonly Socket[]): Promise<unknown> {
  return Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve, rejectBind) => {
          socket.once('listening', () => resolve());
          socket.once('error', (error) => {
            receiver.close();
            rejectBind(error);
          });
        }),
    ),
  );
}

function closeReceiver(receiver: NetSnmpReceiver, sockets: readonly Socket[]): Promise<void> {
  return new Promise<void>((resolve) => {
    let open = sockets.length;
    if (open === 0) return resolve();
    for (const socket of sockets) socket.once('close', () => --open === 0 && resolve());
    receiver.close();
  });
}
