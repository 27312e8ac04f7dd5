import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { AppError } from '../shared/app-error.js';
import { freeTcpPort } from './free-tcp-port.js';

export interface RedisEndpoint {
  url: string;
  /** True when we started it: it lives in a temporary directory and stops with `stop()`. */
  private: boolean;
  stop(): Promise<void>;
}

async function answers(url: string, timeoutMs = 1_000): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * The Redis the demo uses: the one at `url` when it answers; otherwise, when a `redis-server` binary
 * exists, a private one on a free loopback port, keeping nothing on disk, stopped by `stop()`.
 */
export async function ensureRedis(url: string): Promise<RedisEndpoint> {
  if (await answers(url)) return { url, private: false, stop: () => Promise.resolve() };
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    throw new AppError(
      'ERR_REDIS_UNAVAILABLE',
      `no Redis answers at ${url} and no redis-server binary is installed`,
    );
  }
  const port = await freeTcpPort();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-redis-'));
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    {
      stdio: 'ignore',
    },
  );
  // Killed with this process, however it exits; the directory is removed by stop() or left in tmp.
  const killOnExit = (): void => void server.kill('SIGTERM');
  process.once('exit', killOnExit);
  const privateUrl = `redis://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 50 && !(await answers(privateUrl, 200)); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    if (server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  if (!(await answers(privateUrl))) {
    await stop();
    throw new AppError('ERR_REDIS_UNAVAILABLE', `a private redis-server on port ${port} did not start`);
  }
  return { url: privateUrl, private: true, stop };
}
