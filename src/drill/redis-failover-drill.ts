import { check, finishReport, type DrillReport } from './drill-report.js';
import { startDrillRedis } from './drill-redis.js';
import { DOWN_AFTER_MS, startDrillSentinels } from './drill-sentinels.js';
import { drillScale, type DrillOptions } from './drill-options.js';
import { startDrillStack, type DrillStack } from './drill-stack.js';
import {
  accept,
  actionChecks,
  lostItems,
  measureRecovery,
  prepare,
  processesAlive,
  type RebootCase,
} from './redis-restart-drill.js';
import { streamInvariants } from './stream-invariants.js';

/** Vigil follows a failover within Sentinel's down-after time plus this. */
const FOLLOW_SLACK_MS = 5_000;

/**
 * A primary, its replica and three Sentinels, Vigil over REDIS_URL in the Sentinel form; the primary
 * SIGKILLed with reboots accepted and an outage open: Vigil follows the promoted replica within the
 * Sentinel timeout + 5 s, with the Redis-restart drill's invariants (nothing lost, nothing doubled).
 */
export async function redisFailoverDrill(options: DrillOptions): Promise<DrillReport> {
  const startedAt = Date.now();
  const closers: (() => Promise<void>)[] = [];
  try {
    const primary = await startDrillRedis();
    closers.unshift(() => primary.close());
    const replica = await startDrillRedis({ replicaOf: primary.port });
    closers.unshift(() => replica.close());
    const sentinels = await startDrillSentinels(primary.port);
    closers.unshift(() => sentinels.close());
    await sentinels.knowReplicas(1, 30_000);
    options.log?.(`primary :${primary.port}, replica :${replica.port}, REDIS_URL ${sentinels.url}`);
    const stack = await startDrillStack({
      redisUrl: sentinels.url,
      probesDir: options.probesDir,
      playbooksDir: options.playbooksDir,
      firstOctet: options.firstOctet,
      pollers: 2,
      ...drillScale(options.quick),
      serveEnv: { VIGIL_REBOOT_VERIFY_SECONDS: '20' },
    });
    closers.unshift(() => stack.close());
    return await failover(stack, { primary, replicaPort: replica.port, sentinels }, options, startedAt);
  } finally {
    for (const close of closers) await close().catch(() => undefined);
  }
}

async function failover(
  stack: DrillStack,
  redis: {
    primary: { kill(): Promise<void> };
    replicaPort: number;
    sentinels: { primaryPort(): Promise<number> };
  },
  options: DrillOptions,
  startedAt: number,
): Promise<DrillReport> {
  const prepared = await prepare(stack, options);
  const [first, ...rest] = prepared.reboots;
  const late = rest.pop() as RebootCase;
  for (const reboot of [first as RebootCase, ...rest]) await accept(stack, reboot);
  await redis.primary.kill();
  const killedAt = Date.now();
  options.log?.('primary killed (SIGKILL)');
  const boundMs = DOWN_AFTER_MS + FOLLOW_SLACK_MS;
  const recovery = await measureRecovery(stack, killedAt, options.quick, boundMs, 'the primary’s kill');
  const promoted = await redis.sentinels.primaryPort();
  await accept(stack, late);
  const checks = [
    check('the Sentinels promoted the replica', promoted === redis.replicaPort, `primary now :${promoted}`),
    ...recovery.checks,
    ...(await actionChecks(stack, prepared.reboots, options.quick)),
    ...(await streamInvariants(stack, prepared)),
    processesAlive(stack),
  ];
  return finishReport(
    {
      drill: 'redis-failover',
      quick: options.quick,
      fault: `the Redis primary SIGKILLed (replica + 3 Sentinels, down-after ${DOWN_AFTER_MS} ms) with ${prepared.reboots.length - 1} reboots accepted and an outage open`,
      checks,
      recoveryMs: recovery.recoveryMs,
      lost: lostItems(checks),
      figures: { followBoundMs: boundMs, pollResumeMs: recovery.pollResumeMs ?? -1 },
    },
    startedAt,
  );
}
