import { createServer } from 'node:net';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface LocalRedisCluster {
  /** The masters' loopback ports, in the order they were started. */
  readonly ports: readonly number[];
  /** Their process ids, in the same order. */
  readonly pids: readonly number[];
  /** `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,…`: what REDIS_URL is given to reach this cluster. */
  readonly url: string;
  /** Stops every node (SIGTERM, then SIGKILL) and removes their directories. */
  stop(): Promise<void>;
}

/**
 * A port free on loopback now that none of this cluster's nodes has been given yet, below Linux's
 * ephemeral range (32768–60999): there, the many client sockets of tests running beside this one can
 * take a port between the check and the node's bind, and the kernel may hand out the same port twice
 * (a node whose bus port equals its own port never starts).
 */
async function unusedPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (taken.has(port) || !(await canListen(port))) continue;
    taken.add(port);
    return port;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {
    timeout: 10_000,
  });
  return stdout;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`local cluster: ${what} not within ${timeoutMs} ms`);
    await sleep(100);
  }
}

function startNode(dir: string, port: number, busPort: number): ChildProcess {
  const node = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--cluster-port',
      String(busPort),
      '--bind',
      '127.0.0.1',
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      join(dir, `nodes-${port}.conf`),
      '--cluster-node-timeout',
      '5000',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
      '--dir',
      dir,
    ],
    { stdio: 'ignore' },
  );
  node.on('error', () => undefined);
  return node;
}

async function stopNode(node: ChildProcess): Promise<void> {
  if (node.exitCode !== null || node.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => node.once('exit', () => resolve()));
  node.kill('SIGTERM');
  const killed = await Promise.race([exited.then(() => true), sleep(3_000).then(() => false)]);
  if (!killed) {
    node.kill('SIGKILL');
    await exited;
  }
}

/**
 * Redis Cluster masters (three at least, no replicas) on free loopback ports, each in a private
 * directory under a temporary one, keeping nothing on disk and never evicting (as Vigil needs), joined
 * by Debian's `redis-cli --cluster create` and ready once every node reports `cluster_state:ok`. The
 * nodes die with this process, whatever ends it. For tests and benches on one machine, not production.
 */
export async function startLocalRedisCluster(masters = 3): Promise<LocalRedisCluster> {
  if (masters < 3) throw new Error(`a Redis Cluster needs 3 masters at least, not ${masters}`);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-local-cluster-'));
  const ports: number[] = [];
  const nodes: ChildProcess[] = [];
  const taken = new Set<number>();
  const killOnExit = (): void => nodes.forEach((node) => node.kill('SIGKILL'));
  process.once('exit', killOnExit);
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map(stopNode));
    process.off('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const [port, busPort] = [await unusedPort(taken), await unusedPort(taken)];
      ports.push(port);
      nodes.push(startNode(dir, port, busPort));
    }
    for (const port of ports)
      await waitFor(`node ${port} answering`, async () => (await cli(port, 'PING')).includes('PONG'), 10_000);
    await run(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((port) => `127.0.0.1:${port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { timeout: 30_000 },
    );
    for (const port of ports)
      await waitFor(
        `cluster_state:ok on ${port}`,
        async () => (await cli(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'),
        20_000,
      );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ports,
    pids: nodes.map((node) => node.pid ?? 0),
    url: `redis+cluster://${ports.map((port) => `127.0.0.1:${port}`).join(',')}`,
    stop,
  };
}
