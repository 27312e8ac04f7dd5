import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startChildProcess, type SupervisedChild } from '../platform/child-process.js';
import { freeTcpPort } from '../platform/free-tcp-port.js';

export interface DrillRedisOptions {
  /** `maxmemory` in bytes at start (0: none); the policy is always `noeviction`, as Vigil needs. */
  maxmemoryBytes?: number;
  /** A replica of the server on this port (the failover drill's second data node). */
  replicaOf?: number;
}

/** A redis-server of the drill's own: AOF on, fsync every second, its own port and directory. */
export interface DrillRedis {
  readonly url: string;
  readonly port: number;
  /** True between start and kill. */
  readonly running: boolean;
  /** SIGKILL: no shutdown save, what is on disk is all a restart gets. */
  kill(): Promise<void>;
  /** Starts it again on the same port and directory: it loads its AOF. Resolves once it accepts connections. */
  restart(): Promise<void>;
  /** A command on a connection of the drill's own (CONFIG SET, INFO, reads of Vigil's keys). */
  admin(): Redis;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
}

/** Debian's redis-server logs this once it has loaded its data and listens. */
const READY_LINE = /Ready to accept connections/;

function serverArgs(port: number, dir: string, maxmemoryBytes: number, replicaOf?: number): string[] {
  return [
    ...(replicaOf !== undefined ? ['--replicaof', '127.0.0.1', String(replicaOf)] : []),
    ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
    // README "Operations": Vigil's queues and records must survive a restart, and nothing may be evicted.
    ...['--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''],
    ...['--maxmemory', String(maxmemoryBytes), '--maxmemory-policy', 'noeviction'],
    ...['--protected-mode', 'yes', '--daemonize', 'no'],
  ];
}

export async function startDrillRedis(options: DrillRedisOptions = {}): Promise<DrillRedis> {
  const port = await freeTcpPort();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-drill-redis-'));
  const args = serverArgs(port, dir, options.maxmemoryBytes ?? 0, options.replicaOf);
  const start = (): Promise<SupervisedChild> =>
    startChildProcess({
      name: `redis-server :${port}`,
      command: 'redis-server',
      args,
      readyWhen: { line: (line) => READY_LINE.test(line) },
      readyTimeoutMs: 30_000,
    });
  let server: SupervisedChild | undefined;
  try {
    server = await start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const url = `redis://127.0.0.1:${port}`;
  let admin: Redis | undefined;
  return {
    url,
    port,
    get running() {
      return server?.running ?? false;
    },
    async kill() {
      await server?.kill();
    },
    async restart() {
      if (server?.running) throw new Error('the drill Redis is still running');
      server = await start();
    },
    admin() {
      admin ??= new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => 200 });
      admin.on('error', () => undefined);
      return admin;
    },
    async close() {
      admin?.disconnect();
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
