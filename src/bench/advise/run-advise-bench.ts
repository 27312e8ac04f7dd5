import { randomBytes } from 'node:crypto';
import { deleteKeyPrefix } from '../../platform/delete-key-prefix.js';
import { createRedisConnection, waitForRedis } from '../../platform/redis-connection.js';
import { createRedisKeys } from '../../platform/redis-keys.js';
import type { AdviseBenchOptions } from './advise-bench-options.js';
import type { AdviseBenchResult } from './advise-bench-result.js';
import { measureFirstStep } from './first-step-phase.js';
import { mb, round, usedMemory } from './memory-readings.js';
import { measureOutage } from './outage-phase.js';
import { measurePrime } from './prime-phase.js';
import { measureRecovery } from './recovery-phase.js';
import { setUpAdviseRun, type AdviseSetup } from './setup-phase.js';
import { measureIdleSteps, measureMirrorReload, measureReplanAll } from './steady-phase.js';

/** Every phase in order, from the first plan to the periodic work; the figures as the result has them. */
async function runPhases(
  setup: AdviseSetup,
  say: (line: string) => void,
): Promise<
  Omit<AdviseBenchResult, 'redis_used_mb' | 'rss_mb' | 'max_rss_mb'> & {
    redisBeforePrime: number;
    redisAfterFirstStep: number;
  }
> {
  const { run } = setup;
  const { redisBefore: redisBeforePrime, ...prime } = await measurePrime(run);
  say(`prime: ${prime.ms} ms, RSS +${prime.rss_mb} MB, heap +${prime.heap_mb} MB`);
  const firstStep = await measureFirstStep(run);
  const redisAfterFirstStep = await usedMemory(run.redis);
  say(`first step: ${firstStep.devices_planned} devices planned in ${firstStep.ms} ms`);
  const outage = await measureOutage(run);
  say(
    `outage step: ${outage.incidents_opened} incident opened, ${outage.outage_notices} outage notices in ${outage.ms} ms`,
  );
  // Idle steps and the re-plan with the outage open: nothing changed, but an incident to carry.
  const idleDuringOutage = await measureIdleSteps(run);
  const replanOutage = await measureReplanAll(run);
  const recovery = await measureRecovery(run);
  say(
    `recovery step: ${recovery.incidents_resolved} incident resolved, ${recovery.notices_withdrawn} notices withdrawn in ${recovery.ms} ms`,
  );
  const idle = await measureIdleSteps(run);
  const replan = await measureReplanAll(run);
  const mirrorReload = await measureMirrorReload(run);
  const { fleet } = run;
  return {
    ...fleet.counts,
    faulty_cpes: fleet.faulty.length,
    outage_root: fleet.root,
    outage_cpes: fleet.rootCpes.length,
    import_s: round(setup.importS, 2),
    findings_write_ms: round(setup.findingsWriteMs),
    prime,
    first_step: firstStep,
    outage,
    recovery,
    idle_step: idle,
    idle_step_during_outage: idleDuringOutage,
    replan_all: replan,
    replan_all_during_outage: replanOutage,
    mirror_reload: mirrorReload,
    redisBeforePrime,
    redisAfterFirstStep,
  };
}

/**
 * The advisor at fleet scale, without SNMP: the simulator's inventory in a Redis prefix of its own
 * (deleted afterwards), findings written as pollers write them, and the advisor built as the worker role
 * builds it (shipped playbooks, outages settling and resolving at once), stepped by hand: prime, the
 * first plan of every faulty CPE, one base station's outage opened and resolved, idle steps, the
 * periodic re-plan of everything and the periodic reload of the findings.
 */
export async function runAdviseBench(
  options: AdviseBenchOptions,
  say: (line: string) => void = () => undefined,
): Promise<AdviseBenchResult & { prefix: string }> {
  if (!(options.faultyShare >= 0 && options.faultyShare <= 1)) throw new Error('faultyShare: 0 to 1');
  const redis = createRedisConnection(options.redisUrl, 'worker', 'vigil-bench-advise');
  const reader = createRedisConnection(options.redisUrl, 'worker', 'vigil-bench-advise-reader');
  await Promise.all([waitForRedis(redis), waitForRedis(reader)]);
  const prefix = `vigil-bench-${randomBytes(4).toString('hex')}`;
  const keys = createRedisKeys(prefix, options.pollShards);
  try {
    const setup = await setUpAdviseRun({ redis, reader, keys }, options, say);
    const { redisBeforePrime, redisAfterFirstStep, ...figures } = await runPhases(setup, say);
    const memoryEnd = await usedMemory(redis);
    const { memory } = setup;
    return {
      prefix,
      ...figures,
      redis_used_mb: {
        inventory: mb(memory.inventory - memory.start),
        findings: mb(memory.findings - memory.inventory),
        suggestions_after_first_step: mb(redisAfterFirstStep - redisBeforePrime),
        total: mb(memoryEnd - memory.start),
      },
      rss_mb: mb(process.memoryUsage().rss),
      max_rss_mb: round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    await deleteKeyPrefix(redis, prefix);
    reader.disconnect();
    redis.disconnect();
  }
}
