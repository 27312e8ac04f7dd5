import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchChild } from '../bench/bench-child.js';
import { check, finishReport, type DrillCheck, type DrillReport } from './drill-report.js';
import { drillScale, withDrillStack, type DrillOptions } from './drill-options.js';
import { firstPollsAfter, rebootCounts, timedRequest, waitFor, type TimedAnswer } from './drill-observe.js';
import type { DrillStack } from './drill-stack.js';
import {
  acceptPath,
  conversationWithReboot,
  faultForReboot,
  pickOutageParent,
  pickRebootTargets,
} from './drill-traffic.js';
import { lostItems, processesAlive } from './redis-restart-drill.js';

/** Redis's refusal of a write past `maxmemory` under `noeviction` (server.c, shared.oomerr). */
const OOM = /OOM command not allowed|maxmemory/;

interface FullAnswers {
  reads: TimedAnswer[];
  writes: TimedAnswer[];
}

/** Reads (a device, the incidents) and writes (an accept, an open) against the API while Redis is full. */
async function probeWhileFull(
  stack: DrillStack,
  accept: string,
  subscriberId: string,
  fullMs: number,
): Promise<FullAnswers> {
  const answers: FullAnswers = { reads: [], writes: [] };
  const device = `/v1/devices/${encodeURIComponent(stack.inventory.devices[0]?.id ?? '')}`;
  const until = Date.now() + fullMs;
  while (Date.now() < until) {
    const [read, incidents, accepted, opened] = await Promise.all([
      timedRequest(stack, 'noc', 'GET', device),
      timedRequest(stack, 'noc', 'GET', '/v1/incidents'),
      timedRequest(stack, 'agent', 'POST', accept),
      timedRequest(stack, 'agent', 'POST', '/v1/conversations', {
        subscriberId,
        channel: 'chat',
        agentId: 'vigil-drill',
      }),
    ]);
    answers.reads.push(read, incidents);
    answers.writes.push(accepted, opened);
    await sleep(500);
  }
  return answers;
}

function fullChecks(answers: FullAnswers, serve: Map<string, BenchChild>): DrillCheck[] {
  const failedReads = answers.reads.filter((a) => a.status !== 200);
  const acceptedWrites = answers.writes.filter((a) => a.status >= 200 && a.status < 300);
  const unclear = answers.writes.filter(
    (a) => a.status !== 503 || !a.contentType.startsWith('application/problem+json'),
  );
  const loggers = [...serve]
    .filter(([, child]) => child.logged(/./).some((record) => OOM.test(JSON.stringify(record))))
    .map(([name]) => name);
  const pollersLogged = loggers.filter((name) => name.startsWith('poller'));
  return [
    check(
      'reads keep working while Redis is full',
      failedReads.length === 0,
      `${answers.reads.length - failedReads.length}/${answers.reads.length} answered 200`,
    ),
    check(
      'no write is acknowledged while Redis is full (nothing accepted then dropped)',
      acceptedWrites.length === 0,
      `${acceptedWrites.length} of ${answers.writes.length} writes answered 2xx`,
    ),
    check(
      'a refused write answers 503 problem+json',
      unclear.length === 0,
      unclear.length === 0
        ? `${answers.writes.length} writes`
        : `${unclear.length} other: ${[...new Set(unclear.map((a) => `${a.status} ${a.contentType}`))].join(', ')}`,
    ),
    check(
      'the pollers log the refused writes',
      pollersLogged.length > 0,
      `logged by: ${loggers.join(', ') || 'none'}`,
    ),
  ];
}

async function usedMemory(stack: { admin: () => import('ioredis').Redis }): Promise<number> {
  const info = await stack.admin().info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

/** Redis at `maxmemory` with `noeviction`: writes refused clearly, reads served, all back when memory frees. */
export async function redisFullDrill(options: DrillOptions): Promise<DrillReport> {
  const startedAt = Date.now();
  const { intervalSeconds } = drillScale(options.quick);
  const fullMs = options.quick ? 6_000 : 30_000;
  return withDrillStack(
    options,
    {},
    { serveEnv: { VIGIL_REBOOT_VERIFY_SECONDS: '20' } },
    async (redis, stack) => {
      const { parent } = pickOutageParent(stack.inventory);
      const [target] = pickRebootTargets(stack.inventory, parent.id, 1);
      if (!target) throw new Error('no router to reboot');
      await faultForReboot(stack, target.deviceId);
      const { conversation, suggestionId } = await conversationWithReboot(
        stack,
        target.subscriberId,
        intervalSeconds * 10_000 + 30_000,
      );
      const accept = acceptPath(conversation.conversationId, suggestionId);
      const used = await usedMemory(redis);
      await redis.admin().config('SET', 'maxmemory', String(Math.floor(used * 0.9)));
      options.log?.(`maxmemory set to 90% of the ${used} bytes in use`);
      const answers = await probeWhileFull(stack, accept, target.subscriberId, fullMs);
      await redis.admin().config('SET', 'maxmemory', '0');
      const freedAt = Date.now();
      options.log?.('maxmemory lifted');
      const recovered = await recover(stack, { accept, intervalSeconds }, freedAt, target.deviceId);
      const checks = [...fullChecks(answers, stack.serve), ...recovered.checks, processesAlive(stack)];
      return finishReport(
        {
          drill: 'redis-full',
          quick: options.quick,
          fault: `Redis at maxmemory (noeviction) for ${fullMs / 1000} s, then CONFIG SET maxmemory 0`,
          checks,
          recoveryMs: recovered.recoveryMs,
          lost: lostItems(checks),
          figures: {
            schedulersMendedLogs: [...stack.serve.values()].reduce(
              (n, c) => n + c.logged(/mended/).length,
              0,
            ),
            usedMemoryBytes: used,
            writesRefused: answers.writes.length,
            maxWriteMs: Math.round(Math.max(...answers.writes.map((a) => a.ms))),
          },
        },
        startedAt,
      );
    },
  );
}

/** After memory frees: polls written again, the refused accept now accepted and carried out once. */
async function recover(
  stack: DrillStack,
  { accept, intervalSeconds }: { accept: string; intervalSeconds: number },
  freedAt: number,
  deviceId: string,
) {
  const ids = stack.inventory.devices.map((d) => d.id);
  const boundMs = intervalSeconds * 1000 + 15_000;
  const polled = firstPollsAfter(stack, freedAt, boundMs + 5_000).then((first) =>
    first.size === ids.length ? Math.max(0, ...first.values()) : undefined,
  );
  let actionId = '';
  const accepted = waitFor(
    async () => {
      const answer = await stack.api('POST', accept, 'agent');
      if (answer.status !== 202) return undefined;
      actionId = (JSON.parse(answer.text) as { action: { id: string } }).action.id;
      return Date.now() - freedAt;
    },
    30_000,
    200,
  );
  const [pollMs, acceptMs] = await Promise.all([polled, accepted]);
  const terminal = await waitFor(
    async () => {
      const answer = await stack.api('GET', `/v1/actions/${encodeURIComponent(actionId)}`, 'noc');
      const state = answer.status === 200 ? (JSON.parse(answer.text) as { state: string }).state : '';
      return state === 'succeeded' || state === 'failed' ? state : undefined;
    },
    80_000,
    500,
  );
  const reboots = (await rebootCounts(stack, [deviceId])).get(deviceId);
  const checks = [
    check(
      `every device polled again within ${boundMs / 1000} s of memory freeing (interval + 15 s)`,
      pollMs !== undefined && pollMs <= boundMs,
      `${pollMs ?? 'not all'} ms`,
    ),
    check(
      'the refused accept is accepted once memory frees',
      acceptMs !== undefined,
      `${acceptMs ?? 'never'} ms`,
    ),
    check(
      'and carried out exactly once',
      terminal !== undefined && reboots === 1,
      `${terminal ?? 'not terminal'}, ${reboots ?? 0} reboot(s)`,
    ),
  ];
  const recoveryMs = pollMs !== undefined && acceptMs !== undefined ? Math.max(pollMs, acceptMs) : undefined;
  return { checks, recoveryMs };
}
