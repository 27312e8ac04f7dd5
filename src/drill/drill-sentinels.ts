import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startChildProcess, type SupervisedChild } from '../platform/child-process.js';
import { freeTcpPort } from '../platform/free-tcp-port.js';

export const SENTINEL_PRIMARY_NAME = 'vigil-drill';

/** Sentinel's timing in the drill: a primary silent this long is down (README "Operations"). */
export const DOWN_AFTER_MS = 2_000;

export interface DrillSentinels {
  /** REDIS_URL in the Sentinel form: redis+sentinel://host:port,…/<primary name>. */
  url: string;
  /** Resolves once every Sentinel knows `replicas` replicas of the primary. */
  knowReplicas(replicas: number, timeoutMs: number): Promise<void>;
  /** The primary's port as the first Sentinel names it now. */
  primaryPort(): Promise<number>;
  close(): Promise<void>;
}

function sentinelConf(port: number, dir: string, primaryPort: number): string {
  return [
    `port ${port}`,
    'bind 127.0.0.1',
    `dir ${dir}`,
    `sentinel monitor ${SENTINEL_PRIMARY_NAME} 127.0.0.1 ${primaryPort} 2`,
    `sentinel down-after-milliseconds ${SENTINEL_PRIMARY_NAME} ${DOWN_AFTER_MS}`,
    `sentinel failover-timeout ${SENTINEL_PRIMARY_NAME} 10000`,
    `sentinel parallel-syncs ${SENTINEL_PRIMARY_NAME} 1`,
    '',
  ].join('\n');
}

/** One redis-sentinel on a free port; its directory is added to `dirs` at once, for the cleanup. */
async function startSentinel(
  primaryPort: number,
  dirs: string[],
): Promise<{ child: SupervisedChild; port: number }> {
  const port = await freeTcpPort();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-drill-sentinel-'));
  dirs.push(dir);
  // Sentinel rewrites its configuration file, so each has a writable one.
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(conf, sentinelConf(port, dir, primaryPort));
  const child = await startChildProcess({
    name: `redis-sentinel :${port}`,
    // Debian's redis-sentinel is redis-server in Sentinel mode; this needs only the redis-server package.
    command: 'redis-server',
    args: [conf, '--sentinel'],
    readyWhen: { line: (line) => line.includes('+monitor master') },
    readyTimeoutMs: 30_000,
  });
  return { child, port };
}

/** Three Sentinels (Debian's redis-server --sentinel) watching the primary on `primaryPort`, quorum 2, each in a directory of its own. */
export async function startDrillSentinels(primaryPort: number, count = 3): Promise<DrillSentinels> {
  const children: SupervisedChild[] = [];
  const dirs: string[] = [];
  const ports: number[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(children.map((c) => c.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let n = 0; n < count; n++) {
      const sentinel = await startSentinel(primaryPort, dirs);
      children.push(sentinel.child);
      ports.push(sentinel.port);
    }
  } catch (error) {
    await close();
    throw error;
  }
  const ask = async <T>(port: number, ...args: string[]): Promise<T> => {
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await client.connect();
      return (await client.call('SENTINEL', ...args)) as T;
    } finally {
      client.disconnect();
    }
  };
  return {
    url: `redis+sentinel://${ports.map((p) => `127.0.0.1:${p}`).join(',')}/${SENTINEL_PRIMARY_NAME}`,
    async knowReplicas(replicas, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const known = await Promise.all(
          ports.map((p) => ask<unknown[]>(p, 'REPLICAS', SENTINEL_PRIMARY_NAME)),
        );
        if (known.every((list) => list.length >= replicas)) return;
        if (Date.now() > deadline)
          throw new Error(`the Sentinels did not see ${replicas} replica(s) in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    async primaryPort() {
      const [, port] = await ask<[string, string]>(
        ports[0] as number,
        'GET-MASTER-ADDR-BY-NAME',
        SENTINEL_PRIMARY_NAME,
      );
      return Number(port);
    },
    close,
  };
}
