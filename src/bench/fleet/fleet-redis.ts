import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildProcess } from '../../platform/child-process.js';
import { freeTcpPort } from '../../platform/free-tcp-port.js';
import { startLocalRedisCluster } from '../local-redis-cluster.js';

/**
 * The fleet bench's own Redis, one redis-server or a Redis Cluster of `masters` masters: a million
 * devices' keys must not fill the Redis others share.
 */
export interface FleetRedis {
  url: string;
  /** Every master: one, or each master of the cluster. */
  masters: { port: number; pid: number }[];
  close(): Promise<void>;
}

/** A private Redis: a single server (masters 1) or a cluster of `masters` masters on this machine. */
export async function startFleetRedis(masters = 1): Promise<FleetRedis> {
  if (masters === 1) return startSingleRedis();
  const cluster = await startLocalRedisCluster(masters);
  return {
    url: cluster.url,
    masters: cluster.ports.map((port, i) => ({ port, pid: cluster.pids[i] ?? 0 })),
    close: () => cluster.stop(),
  };
}

/** Keeps nothing on disk (a bench's data is thrown away) and never evicts, as Vigil needs. */
async function startSingleRedis(): Promise<FleetRedis> {
  const port = await freeTcpPort();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-fleet-redis-'));
  try {
    const server = await startChildProcess({
      name: `redis-server :${port}`,
      command: 'redis-server',
      args: [
        ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
        ...['--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'],
        ...['--protected-mode', 'yes', '--daemonize', 'no'],
      ],
      readyWhen: { line: (line) => /Ready to accept connections/.test(line) },
      readyTimeoutMs: 30_000,
    });
    return {
      url: `redis://127.0.0.1:${port}`,
      masters: [{ port, pid: server.pid }],
      close: async () => {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
