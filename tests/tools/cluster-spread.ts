/**
 * How Vigil's Redis work spreads over the masters of a Redis Cluster (README "Scaling out"): starts a
 * private three-master cluster (tests/helpers/test-redis-cluster.ts), then
 *  1. runs `vigil bench poll --devices N` against it (dist/ must be built) and reports, per master, the
 *     peak memory the run added and the commands it served;
 *  2. pushes J jobs through a queue spread over S shards (VIGIL_QUEUE_SHARDS) and drains them with one
 *     worker per shard, reporting jobs/s and the commands each master served.
 * Usage (devices 0: the queue part only): npx tsx tests/tools/cluster-spread.ts [devices=100000] [jobs=30000] [shards=6] [first octet=120]
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { readMasters } from '../../src/bench/fleet/fleet-readings.js';
import { createRedisConnection, waitForRedis } from '../../src/platform/redis-connection.js';
import { createRedisKeys } from '../../src/platform/redis-keys.js';
import { ShardedQueue, startShardedWorkers } from '../../src/platform/sharded-queue.js';
import { startTestRedisCluster } from '../helpers/test-redis-cluster.js';

const run = promisify(execFile);
const [devices = 100_000, jobs = 30_000, shards = 6, firstOctet = 120] = process.argv.slice(2).map(Number);

const stats = readMasters;

/** Per master: the peak memory added over `before` (sampled twice a second) and the commands served. */
async function measure<T>(
  nodes: Redis[],
  work: () => Promise<T>,
): Promise<{ result: T; perMaster: object[] }> {
  const before = await stats(nodes);
  const peak = before.map((s) => s.usedMb);
  const sampler = setInterval(() => {
    void stats(nodes).then((now) => now.forEach((s, i) => (peak[i] = Math.max(peak[i] ?? 0, s.usedMb))));
  }, 500);
  const started = Date.now();
  const result = await work();
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  const after = await stats(nodes);
  const perMaster = after.map((s, i) => ({
    master: `${nodes[i]?.options.port}`,
    peak_added_mb: Math.round((peak[i] ?? 0) - (before[i]?.usedMb ?? 0)),
    commands: s.commands - (before[i]?.commands ?? 0),
    commands_per_s: Math.round((s.commands - (before[i]?.commands ?? 0)) / seconds),
  }));
  return { result, perMaster };
}

async function queueDrain(url: string, nodes: Redis[]): Promise<object> {
  const keys = createRedisKeys(`vigil-spread-${process.pid}`);
  const connection = createRedisConnection(url, 'worker', 'vigil-spread');
  await waitForRedis(connection);
  const queue = new ShardedQueue('probe', connection, keys, shards, { removeOnComplete: true });
  let done = 0;
  const { result: seconds, perMaster } = await measure(nodes, async () => {
    const started = Date.now();
    let resolveDone = (): void => undefined;
    const finished = new Promise<void>((resolve) => (resolveDone = resolve));
    const processor = (): Promise<void> => {
      if (++done === jobs) resolveDone();
      return Promise.resolve();
    };
    const workers = startShardedWorkers('probe', processor, keys, shards, { connection, concurrency: 64 });
    for (let i = 0; i < jobs; i += 500)
      await Promise.all(
        Array.from({ length: Math.min(500, jobs - i) }, (_, j) =>
          queue.add('probe', { deviceId: `cpe-${String(i + j).padStart(6, '0')}` }),
        ),
      );
    await finished;
    await Promise.all(workers.map((w) => w.close()));
    return (Date.now() - started) / 1000;
  });
  await queue.close();
  connection.disconnect();
  return { jobs, shards, seconds, jobs_per_s: Math.round(jobs / seconds), per_master: perMaster };
}

const cluster = await startTestRedisCluster();
const nodes = cluster.ports.map((port) => new Redis({ host: '127.0.0.1', port }));
try {
  // devices 0: the queue part alone (to compare shard counts in one sitting).
  const poll = await measure(nodes, async () => {
    if (devices === 0) return {};
    const { stdout } = await run(
      process.execPath,
      [
        'dist/cli/main.js',
        'bench',
        'poll',
        '--devices',
        String(devices),
        '--cycles',
        '2',
        '--concurrency',
        '400',
        '--first-octet',
        String(firstOctet),
        '--json',
      ],
      { env: { ...process.env, REDIS_URL: cluster.url }, maxBuffer: 64 * 2 ** 20, timeout: 900_000 },
    );
    const bench = JSON.parse(stdout) as Record<string, unknown>;
    const keep = ['devices', 'cycle_walls_s', 'poll_rate_warm', 'poll_rate_cold', 'redis_keys_mb'];
    return Object.fromEntries(keep.map((k) => [k, bench[k]]));
  });
  const queue = await queueDrain(cluster.url, nodes);
  console.log(JSON.stringify({ poll: { ...poll.result, per_master: poll.perMaster }, queue }, null, 2));
} finally {
  for (const node of nodes) node.disconnect();
  await cluster.stop();
}
