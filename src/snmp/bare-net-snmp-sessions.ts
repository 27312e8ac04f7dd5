import { readdirSync, readFileSync } from 'node:fs';
import snmp from 'net-snmp';
import { RequestTimedOutError } from './net-snmp-shims.js';

/** What the benchmarks' baseline is told: the same timeout, retries and community as the poll path. */
export interface BareNetSnmpOptions {
  community: string;
  timeoutMs: number;
  retries: number;
  /** Sessions (each a UDP socket) at most; by default what the descriptor limit leaves (`sessionBudget`). */
  maxSessions?: number;
}

export type BareGetOutcome = 'ok' | 'timeout' | 'error';

export interface BareNetSnmpSessions {
  /** One GET of `oids` from the device at host:port, through its session (created on first use). */
  get(host: string, port: number, oids: string[]): Promise<BareGetOutcome>;
  /** Sessions created so far. */
  readonly sessions: number;
  close(): void;
}

/** Descriptors kept free for everything else the process opens (Redis, the poll path's socket, files). */
const SPARE_DESCRIPTORS = 256;

/** The soft `ulimit -n` of this process, from /proc; 1024 (the usual default) where it cannot be read. */
function descriptorLimit(): number {
  try {
    const line = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return line?.[1] === 'unlimited' ? 1_048_576 : Number(line?.[1] ?? 1024);
  } catch {
    return 1024;
  }
}

/** How many more sockets this process may open, less a reserve: net-snmp binds one per session. */
export function sessionBudget(): number {
  let open = 64;
  try {
    open = readdirSync('/proc/self/fd').length;
  } catch {
    // Not Linux: assume a few dozen are open.
  }
  return Math.max(1, descriptorLimit() - open - SPARE_DESCRIPTORS);
}

interface Slot {
  session: snmp.Session;
  /** Devices using this session: above one, its requests go one at a time (see `get`). */
  users: number;
  /** The last request queued on a shared session. */
  tail: Promise<unknown>;
}

/**
 * The benchmarks' baseline, the best plain net-snmp loop a user would write: one session per device,
 * kept across cycles, so a warm cycle only sends and receives. net-snmp binds a socket per session,
 * so past the descriptor limit the remaining devices reuse the sessions round-robin: a session is
 * bound to one target, so a shared one is pointed at each device in turn, its requests one at a time.
 */
export function createBareNetSnmpSessions(options: BareNetSnmpOptions): BareNetSnmpSessions {
  const maxSessions = options.maxSessions ?? sessionBudget();
  const slots: Slot[] = [];
  const byDevice = new Map<string, Slot>();
  const slotFor = (host: string, port: number): Slot => {
    const key = `${host}:${port}`;
    let slot = byDevice.get(key);
    if (slot) return slot;
    if (slots.length < maxSessions) {
      const session = snmp.createSession(host, options.community, {
        port,
        version: snmp.Version2c,
        timeout: options.timeoutMs,
        retries: options.retries,
      });
      session.on('error', () => undefined);
      slot = { session, users: 0, tail: Promise.resolve() };
      slots.push(slot);
    } else {
      // Round-robin over the sessions there are; maxSessions ≥ 1, so there is one.
      slot = slots[byDevice.size % slots.length];
      if (!slot) throw new Error('no net-snmp session to share');
    }
    slot.users += 1;
    byDevice.set(key, slot);
    return slot;
  };
  return {
    get(host, port, oids) {
      const slot = slotFor(host, port);
      if (slot.users === 1) return request(slot.session, oids);
      const run = slot.tail.then(() => {
        // net-snmp reads the target and port off the session when it sends (and resends).
        Object.assign(slot.session, { target: host, port });
        return request(slot.session, oids);
      });
      slot.tail = run;
      return run;
    },
    get sessions() {
      return slots.length;
    },
    close() {
      for (const slot of slots) slot.session.close();
      slots.length = 0;
      byDevice.clear();
    },
  };
}

function request(session: snmp.Session, oids: string[]): Promise<BareGetOutcome> {
  return new Promise((resolve) => {
    session.get(oids, (error) => {
      if (!error) resolve('ok');
      else resolve(error instanceof RequestTimedOutError ? 'timeout' : 'error');
    });
  });
}
