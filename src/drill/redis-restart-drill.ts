import { setTimeout as sleep } from 'node:timers/promises';
import { check, finishReport, type DrillCheck, type DrillReport } from './drill-report.js';
import type { DrillStack } from './drill-stack.js';
import { drillScale, withDrillStack, type DrillOptions } from './drill-options.js';
import { lastPollTimes, rebootCounts, timedRequest, waitFor, type TimedAnswer } from './drill-observe.js';
import {
  acceptPath,
  askUntilNotOverloaded,
  conversationWithReboot,
  faultForReboot,
  followConversation,
  openConversation,
  pickOutageParent,
  pickRebootTargets,
  type FollowedStream,
} from './drill-traffic.js';
import { streamInvariants } from './stream-invariants.js';

/** One accepted (or to be accepted) reboot and the conversation it lives in. */
interface RebootCase {
  deviceId: string;
  subscriberId: string;
  conversationId: string;
  suggestionId: string;
  stream: FollowedStream;
  /** The action the API answered the accept with (202). */
  actionId?: string;
}

interface Prepared {
  parentId: string;
  outage: { conversationId: string; stream: FollowedStream };
  reboots: RebootCase[];
}

const VERIFY_SECONDS = 20;

/**
 * Redis SIGKILLed while reboots are accepted and an outage is open, then started again from its AOF:
 * no accepted action lost, no reboot twice, the API answering 503 problem+json meanwhile, polling and
 * the conversation streams back soon after.
 */
export async function redisRestartDrill(options: DrillOptions): Promise<DrillReport> {
  const startedAt = Date.now();
  const downMs = options.quick ? 4_000 : 20_000;
  return withDrillStack(
    options,
    {},
    { serveEnv: { VIGIL_REBOOT_VERIFY_SECONDS: String(VERIFY_SECONDS) } },
    async (redis, stack) => {
      const prepared = await prepare(stack, options);
      options.log?.(`outage open at ${prepared.parentId}; ${prepared.reboots.length} reboots proposed`);
      const [first, ...rest] = prepared.reboots;
      const late = rest.pop() as RebootCase;
      for (const reboot of [first as RebootCase, ...rest]) await accept(stack, reboot);
      await redis.kill();
      options.log?.('redis-server killed (SIGKILL)');
      const whileDown = await probeWhileDown(stack, late, downMs);
      await redis.restart();
      const backAt = Date.now();
      options.log?.('redis-server restarted from its AOF');
      const recovery = await measureRecovery(stack, backAt, options.quick);
      await accept(stack, late);
      const checks = [
        ...downtimeChecks(whileDown),
        ...recovery.checks,
        ...(await actionChecks(stack, prepared.reboots, options.quick)),
        ...(await streamInvariants(stack, prepared)),
        processesAlive(stack),
      ];
      return finishReport(
        {
          drill: 'redis-restart',
          quick: options.quick,
          fault: `redis-server SIGKILLed for ${downMs / 1000} s with ${prepared.reboots.length - 1} reboots accepted and an outage open, restarted from its AOF`,
          checks,
          recoveryMs: recovery.recoveryMs,
          lost: lostItems(checks),
          figures: { ...figuresWhileDown(whileDown), pollResumeMs: recovery.pollResumeMs ?? -1 },
        },
        startedAt,
      );
    },
  );
}

async function prepare(stack: DrillStack, options: DrillOptions): Promise<Prepared> {
  const scale = drillScale(options.quick);
  const timeoutMs = scale.intervalSeconds * 10_000 + 30_000;
  const { parent, subscriberId } = pickOutageParent(stack.inventory);
  const targets = pickRebootTargets(stack.inventory, parent.id, options.quick ? 3 : 8);
  for (const target of targets) await faultForReboot(stack, target.deviceId);
  const outageConversation = await openConversation(stack, subscriberId);
  const outage = {
    conversationId: outageConversation.conversationId,
    stream: await followConversation(
      stack,
      outageConversation.conversationId,
      outageConversation.lastEventId,
    ),
  };
  await stack.control('POST', `/devices/${encodeURIComponent(parent.id)}/faults`, { kind: 'down' });
  const reboots: RebootCase[] = [];
  for (const target of targets) {
    const { conversation, suggestionId } = await conversationWithReboot(
      stack,
      target.subscriberId,
      timeoutMs,
    );
    const stream = await followConversation(stack, conversation.conversationId, conversation.lastEventId);
    reboots.push({ ...target, conversationId: conversation.conversationId, suggestionId, stream });
  }
  const open = await waitFor(async () => {
    const answer = await stack.api(
      'GET',
      `/v1/incidents/${encodeURIComponent(`outage:${parent.id}`)}`,
      'noc',
    );
    return answer.status === 200 && (JSON.parse(answer.text) as { state: string }).state === 'open'
      ? true
      : undefined;
  }, timeoutMs);
  if (!open) throw new Error(`no outage opened at ${parent.id} within ${timeoutMs} ms`);
  return { parentId: parent.id, outage, reboots };
}

async function accept(stack: DrillStack, reboot: RebootCase): Promise<void> {
  const answer = await askUntilNotOverloaded(() =>
    stack.api('POST', acceptPath(reboot.conversationId, reboot.suggestionId), 'agent'),
  );
  if (answer.status !== 202)
    throw new Error(`accept ${reboot.suggestionId}: ${answer.status} ${answer.text}`);
  reboot.actionId = (JSON.parse(answer.text) as { action: { id: string } }).action.id;
}

/** The API while Redis is down: a read, an accept, an open, readiness — each answer timed. */
async function probeWhileDown(stack: DrillStack, late: RebootCase, downMs: number): Promise<TimedAnswer[]> {
  const answers: TimedAnswer[] = [];
  const until = Date.now() + downMs;
  const device = `/v1/devices/${encodeURIComponent(late.deviceId)}`;
  while (Date.now() < until) {
    answers.push(
      ...(await Promise.all([
        timedRequest(stack, 'noc', 'GET', device),
        timedRequest(stack, 'agent', 'POST', acceptPath(late.conversationId, late.suggestionId)),
        timedRequest(stack, 'agent', 'POST', '/v1/conversations', {
          subscriberId: late.subscriberId,
          channel: 'chat',
          agentId: 'vigil-drill',
        }),
        timedRequest(stack, 'noc', 'GET', '/readyz'),
      ])),
    );
    await sleep(250);
  }
  return answers;
}

function downtimeChecks(answers: TimedAnswer[]): DrillCheck[] {
  const slowest = Math.max(...answers.map((a) => a.ms));
  const not503 = answers.filter((a) => a.status !== 503);
  const notProblem = answers.filter(
    (a) => a.status === 503 && !a.contentType.startsWith('application/problem+json'),
  );
  return [
    check(
      'while Redis is down every API request answers 503 (no hang, no 500)',
      not503.length === 0,
      `${answers.length} requests, ${not503.length} not 503${not503.length > 0 ? ` (${[...new Set(not503.map((a) => a.status))].join(', ')})` : ''}`,
    ),
    check(
      'a 503 is application/problem+json',
      notProblem.length === 0,
      `${notProblem.length} of another type`,
    ),
    check(
      'a request answers within 2 s while Redis is down',
      slowest < 2_000,
      `slowest ${Math.round(slowest)} ms`,
    ),
  ];
}

function figuresWhileDown(answers: TimedAnswer[]): Record<string, number> {
  const times = answers.map((a) => a.ms).sort((a, b) => a - b);
  return {
    requestsWhileDown: answers.length,
    medianMsWhileDown: Math.round(times[Math.floor(times.length / 2)] ?? 0),
    maxMsWhileDown: Math.round(times.at(-1) ?? 0),
  };
}

/** From Redis back: the API answering again, and a device polled again (≤ 5 s, or `pollBoundMs`). */
async function measureRecovery(
  stack: DrillStack,
  backAt: number,
  quick: boolean,
  pollBoundMs = 5_000,
  since = 'Redis is back',
) {
  const ids = stack.inventory.devices.map((d) => d.id);
  const apiBack = await waitFor(
    async () => {
      const answer = await timedRequest(stack, 'noc', 'GET', '/readyz');
      return answer.status === 200 ? Date.now() - backAt : undefined;
    },
    30_000,
    100,
  );
  const pollResumeMs = await waitFor(
    async () => {
      const times = await lastPollTimes(stack, ids);
      return [...times.values()].some((t) => t > backAt) ? Date.now() - backAt : undefined;
    },
    quick ? 20_000 : 60_000,
    200,
  );
  const checks = [
    check(`the API is ready again after ${since}`, apiBack !== undefined, `${apiBack ?? '—'} ms`),
    check(
      `polling resumes within ${pollBoundMs / 1000} s of ${since}`,
      pollResumeMs !== undefined && pollResumeMs <= pollBoundMs,
      `${pollResumeMs ?? 'never'} ms`,
    ),
  ];
  const recoveryMs =
    apiBack !== undefined && pollResumeMs !== undefined ? Math.max(apiBack, pollResumeMs) : undefined;
  return { checks, recoveryMs, pollResumeMs };
}

/** Every accepted action terminal, each target rebooted exactly once (the simulator counts SETs). */
async function actionChecks(stack: DrillStack, reboots: RebootCase[], quick: boolean): Promise<DrillCheck[]> {
  const states = new Map<string, string>();
  await waitFor(
    async () => {
      for (const reboot of reboots) {
        const id = reboot.actionId ?? '';
        const answer = await stack.api('GET', `/v1/actions/${encodeURIComponent(id)}`, 'noc');
        states.set(
          id,
          answer.status === 200
            ? (JSON.parse(answer.text) as { state: string }).state
            : `http ${answer.status}`,
        );
      }
      return [...states.values()].every((s) => s === 'succeeded' || s === 'failed') ? true : undefined;
    },
    (VERIFY_SECONDS + (quick ? 40 : 90)) * 1000,
    500,
  );
  const open = [...states].filter(([, s]) => s !== 'succeeded' && s !== 'failed');
  const counts = await rebootCounts(
    stack,
    reboots.map((r) => r.deviceId),
  );
  const notOnce = [...counts].filter(([, n]) => n !== 1);
  return [
    check(
      'every accepted action reaches a terminal state (0 lost)',
      open.length === 0,
      open.length === 0
        ? `${reboots.length} terminal: ${[...states.values()].join(', ')}`
        : `not terminal: ${open.map(([id, s]) => `${id} ${s}`).join('; ')}`,
    ),
    check(
      'every accepted reboot reached its router exactly once (0 double reboots)',
      notOnce.length === 0,
      [...counts].map(([id, n]) => `${id}×${n}`).join(', '),
    ),
  ];
}

function processesAlive(stack: DrillStack): DrillCheck {
  const dead = [...stack.serve].filter(([, child]) => !child.running).map(([name]) => name);
  return check(
    'no vigil serve process crashed',
    dead.length === 0,
    dead.length === 0 ? `${stack.serve.size} running` : `exited: ${dead.join(', ')}`,
  );
}

function lostItems(checks: DrillCheck[]): string[] {
  const failed = checks.filter((c) => !c.pass).map((c) => `${c.invariant}: ${c.measured}`);
  return failed.length === 0 ? ['nothing (freshness only)'] : failed;
}

export { accept, actionChecks, lostItems, measureRecovery, prepare, processesAlive, type RebootCase };
