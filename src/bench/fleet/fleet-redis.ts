import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildProcess } from '../../platform/child-process.js';
import { freeTcpPort } from '../../platform/free-tcp-port.js';

/** The fleet bench's own redis-server: a million devices' keys must not fill the Redis others share. */
export interface FleetRedis {
  url: string;
  pid: number;
  close(): Promise<void>;
}

/** Keeps nothing on disk (a bench's data is thrown away) and never evicts, as Vigil needs. */
export async function startFleetRedis(): Promise<FleetRedis> {
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
      pid: server.pid,
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
