import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HostileAgent } from '../../fuzz/hostile-agent.js';
import { deleteKeyPrefix } from '../../platform/delete-key-prefix.js';
import { createRedisConnection, waitForRedis } from '../../platform/redis-connection.js';
import { Secret } from '../../shared/secret.js';
import type { BenchChild } from '../bench-child.js';
import { freeUdpPort } from '../../platform/free-udp-port.js';
import { writeProbes } from '../write-probes.js';
import type { FuzzBenchOptions } from './fuzz-bench-options.js';
import type { FuzzBenchResult } from './fuzz-bench-result.js';
import { fuzzDecoder } from './fuzz-decoder.js';
import { fuzzReport } from './fuzz-report.js';
import { watchHealth } from './health-watch.js';
import { waitForHostileAnswers } from './hostile-answers-phase.js';
import { startHostileAgents, startHostileServe } from './hostile-serve.js';
import { sendToTrapPort } from './trap-port-phase.js';

const secret = (): string => randomBytes(18).toString('base64url');

/**
 * `vigil bench fuzz`: the long run of the fuzz harness. A `vigil serve` (all roles, built, over its own
 * Redis prefix) polls hostile devices (every behaviour, v2c and v3) until they have sent `answers`
 * hostile answers, while `datagrams` seeded mutations of v1/v2c/v3 traps and informs (and the datagrams
 * that once stopped it) go to its trap port; `/healthz` is asked four times a second throughout and the
 * process's memory read from /proc. Reports crashes, escapes (exceptions that reached the process),
 * health, memory, and what the service counted.
 */
export async function runFuzzBench(
  options: FuzzBenchOptions,
  say: (line: string) => void,
): Promise<FuzzBenchResult> {
  const decoder = fuzzDecoder(options.seed, Math.min(options.datagrams, 200_000));
  say(`decoder: ${decoder.datagrams} datagrams, ${decoder.escapes} escapes, max ${decoder.maxMicros} µs`);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-fuzz-'));
  const probesDir = join(dir, 'probes');
  writeProbes(options.probesDir, probesDir, options.pollIntervalSeconds ?? 5);
  const prefix = `vigil-bench-fuzz-${randomBytes(4).toString('hex')}`;
  const redis = createRedisConnection(options.redisUrl, 'worker', 'vigil-bench-fuzz');
  const community = secret();
  const user = {
    name: 'fuzz-user',
    authProtocol: 'sha' as const,
    authKey: new Secret(secret()),
    privProtocol: 'aes' as const,
    privKey: new Secret(secret()),
  };
  const agents: HostileAgent[] = [];
  const sender = createSocket('udp4');
  let serve: BenchChild | undefined;
  try {
    await waitForRedis(redis);
    const trapPort = await freeUdpPort();
    await startHostileAgents(options.firstOctet, options.seed, agents);
    const service = await startHostileServe(
      { ...options, prefix, community, user, trapPort, probesDir, agents },
      (child) => (serve = child),
    );
    say(
      `service: vigil serve (pid ${service.serve.pid}); ${options.devices} hostile devices over ${agents.length} behaviours`,
    );
    const metrics = () => service.api('GET', '/metrics', 'noc');
    const watch = watchHealth(service.serve, service.url, metrics);
    const trapSeconds = await sendToTrapPort(sender, trapPort, { community, user }, options, say);
    const answerSeconds = await waitForHostileAnswers(service.serve, agents, options.answers, say);
    await sleep(1_500);
    await watch.stop();
    return await fuzzReport({
      options,
      decoder,
      serve: service.serve,
      metrics,
      watch,
      agents,
      trapSeconds,
      answerSeconds,
    });
  } finally {
    sender.close();
    await serve?.stop();
    for (const agent of agents) await agent.close();
    await deleteKeyPrefix(redis, prefix).catch(() => undefined);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}
