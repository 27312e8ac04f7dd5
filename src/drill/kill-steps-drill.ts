import { setTimeout as sleep } from 'node:timers/promises';
import { generateFleet, type InventoryDocument } from '../sim/fleet-generator.js';
import { check, finishReport, type DrillCheck, type DrillReport } from './drill-report.js';
import type { DrillStack } from './drill-stack.js';
import { drillScale, withDrillStack, type DrillOptions } from './drill-options.js';
import {
  conversationWithReboot,
  faultForReboot,
  followConversation,
  openConversation,
  pickOutageParent,
  pickRebootTargets,
  type FollowedStream,
  type RebootTarget,
} from './drill-traffic.js';
import { killAdvisorLeader, noticeOnce } from './leader-kill.js';
import { killAtEachStep, REBOOT_STEPS, stepChecks, type KillCase, type RebootStep } from './reboot-kills.js';
import { lostItems, processesAlive } from './redis-restart-drill.js';
import { streamInvariants } from './stream-invariants.js';

const WORKERS = ['worker-1', 'worker-2'] as const;

/** The sweeper's timing in the quick variant (production: a 30 s grace, a sweep every 20 s). */
const QUICK_SWEEP = { periodS: 1, graceS: 2 };
const PRODUCTION_SWEEP = { periodS: 20, graceS: 30 };

/**
 * A killed worker's action job is taken over once its lock (15 s, actions-role.ts) expired and a stall
 * check has seen it lockless twice (BullMQ marks, then moves; one check every 7.5 s).
 */
const JOB_TAKEOVER_MS = 30_000;

/**
 * A killed `vigil serve` started again: the drill kills both workers in quick succession, so an action
 * may wait for one to be back. Up to 30 s on this shared two-core machine under load (usually ~5 s).
 */
const PROCESS_RESTART_MS = 30_000;

interface Plan {
  parentId: string;
  outageSubscriberId: string;
  aimed: (RebootTarget & { step: RebootStep })[];
  /** VIGIL_FAILPOINTS of every `vigil serve`: each step aimed at its own router, the leader at the outage. */
  failpoints: string;
}

interface Prepared {
  parentId: string;
  outage: { conversationId: string; stream: FollowedStream };
  cases: KillCase[];
}

/**
 * The drill's targets, picked from the fleet `vigil sim` will generate (the same seed and shape), so
 * the failpoints are armed when the stack starts rather than by restarting it.
 */
function plan(options: DrillOptions): Plan {
  const { fleet } = drillScale(options.quick);
  const { inventory } = generateFleet({
    ...fleet,
    firstOctet: options.firstOctet,
    port: 161,
    authProfile: 'sim',
    staleShare: 0,
    nowMs: Date.now(),
  });
  return planFor(inventory);
}

function planFor(inventory: InventoryDocument): Plan {
  const { parent, subscriberId } = pickOutageParent(inventory);
  const targets = pickRebootTargets(inventory, parent.id, REBOOT_STEPS.length);
  const aimed = REBOOT_STEPS.map(({ step }, i) => ({ step, ...(targets[i] as RebootTarget) }));
  const failpoints = [
    ...aimed.map((a) => `${a.step}@${a.deviceId}`),
    `advisor:mid-step@outage:${parent.id}`,
  ].join(',');
  return { parentId: parent.id, outageSubscriberId: subscriberId, aimed, failpoints };
}

/**
 * SIGKILL at every step of an accepted reboot and of the advisor leader, each by a failpoint
 * (platform/failpoints.ts) aimed at its own router or incident, the killed process restarted as a
 * supervisor would: every action terminal within a bound, each router rebooted exactly once, no
 * suggestion left accepted or executing, every event once, the leader replaced within 10 s.
 */
export async function killStepsDrill(options: DrillOptions): Promise<DrillReport> {
  const startedAt = Date.now();
  const { intervalSeconds } = drillScale(options.quick);
  const planned = plan(options);
  const { boundMs, serveEnv } = timing(options.quick, planned);
  const log = (line: string): void =>
    options.log?.(`+${Math.round((Date.now() - startedAt) / 1000)} s ${line}`);
  return withDrillStack(options, {}, { workers: 2, serveEnv }, async (_redis, stack) => {
    log(`stack up, failpoints armed: ${planned.failpoints}`);
    const prepared = await prepare(stack, planned, log, intervalSeconds);
    // As a supervisor would: the same environment (a fired failpoint never fires again).
    const restart = (name: string): Promise<unknown> => stack.restart(name);
    const leader = await killAdvisorLeader(stack, prepared, {
      workers: WORKERS,
      timeoutMs: intervalSeconds * 10_000 + 30_000,
      log,
    });
    // Restarted alongside the first reboot step, which the surviving worker can take.
    const pending = new Map(leader.killed ? [[leader.killed, restart(leader.killed)]] : []);
    const noticeBeforeApiKills = noticeOnce(prepared.outage.stream.events);
    await killAtEachStep(stack, prepared.cases, {
      restart,
      pending,
      workers: WORKERS,
      fireWithinMs: boundMs,
      log,
    });
    log(
      `killed at ${prepared.cases.filter((c) => c.death).length} of ${prepared.cases.length} reboot steps; waiting for the actions`,
    );
    const steps = await stepChecks(stack, prepared.cases, boundMs);
    const checks: DrillCheck[] = [
      ...leader.checks,
      noticeBeforeApiKills,
      ...steps.checks,
      await nothingStuck(stack, prepared.cases),
      ...(await streamInvariants(stack, {
        parentId: prepared.parentId,
        outage: prepared.outage,
        reboots: prepared.cases,
      })),
      processesAlive(stack),
    ];
    for (const [name, child] of stack.serve)
      if (!child.running) log(`${name} exited; its last lines:\n${child.tail()}`);
    const recoveries = Object.values(steps.figures);
    return finishReport(
      {
        drill: 'kill-steps',
        quick: options.quick,
        fault: `SIGKILL (by failpoint) of the process holding an accepted reboot at each of ${REBOOT_STEPS.length} steps, and of the advisor leader mid-step as an outage opens; each restarted`,
        checks,
        recoveryMs: recoveries.length > 0 ? Math.max(...recoveries) : undefined,
        lost: lostItems(checks),
        figures: { ...leader.figures, ...steps.figures, boundMs },
      },
      startedAt,
    );
  });
}

/** The bound every killed action must finish within, and the environment that sets its parts. */
function timing(quick: boolean, planned: Plan): { boundMs: number; serveEnv: Record<string, string> } {
  const verifySeconds = drillScale(quick).rebootSeconds + 12;
  const sweep = quick ? QUICK_SWEEP : PRODUCTION_SWEEP;
  // A killed action waits for a worker, its job's takeover or the sweeper, then its verification; 10 s slack.
  const waitsMs = PROCESS_RESTART_MS + JOB_TAKEOVER_MS;
  const boundMs = waitsMs + (sweep.graceS + sweep.periodS + verifySeconds + 10) * 1000;
  const serveEnv = {
    VIGIL_REBOOT_VERIFY_SECONDS: String(verifySeconds),
    VIGIL_ACCEPT_SWEEP_SECONDS: String(sweep.periodS),
    VIGIL_ACCEPT_GRACE_SECONDS: String(sweep.graceS),
    VIGIL_FAILPOINTS: planned.failpoints,
  };
  return { boundMs, serveEnv };
}

async function prepare(
  stack: DrillStack,
  planned: Plan,
  log: (line: string) => void,
  intervalSeconds: number,
): Promise<Prepared> {
  const timeoutMs = intervalSeconds * 10_000 + 30_000;
  const actual = planFor(stack.inventory);
  if (actual.failpoints !== planned.failpoints)
    throw new Error(
      `the simulator's fleet is not the one planned: ${actual.failpoints} ≠ ${planned.failpoints}`,
    );
  for (const target of planned.aimed) await faultForReboot(stack, target.deviceId);
  log('routers worn; waiting for their reboot suggestions');
  const cases: KillCase[] = [];
  for (const target of planned.aimed) {
    const { conversation, suggestionId } = await conversationWithReboot(
      stack,
      target.subscriberId,
      timeoutMs,
    );
    const stream = await followConversation(stack, conversation.conversationId, conversation.lastEventId);
    cases.push({ ...target, conversationId: conversation.conversationId, suggestionId, stream });
  }
  const opened = await openConversation(stack, planned.outageSubscriberId);
  const outage = {
    conversationId: opened.conversationId,
    stream: await followConversation(stack, opened.conversationId, opened.lastEventId),
  };
  return { parentId: planned.parentId, outage, cases };
}

/** No suggestion of the drill's left `accepted` or `executing` once every action is terminal. */
async function nothingStuck(stack: DrillStack, cases: KillCase[]): Promise<DrillCheck> {
  await sleep(1_000);
  const stuck: string[] = [];
  for (const state of ['accepted', 'executing']) {
    const answer = await stack.api('GET', `/v1/suggestions?state=${state}&limit=1000`, 'noc');
    const { items = [] } = JSON.parse(answer.text) as { items?: { id: string; deviceId: string }[] };
    for (const item of items)
      if (cases.some((c) => c.suggestionId === item.id)) stuck.push(`${item.id} ${state}`);
  }
  return check(
    'no suggestion left accepted or executing',
    stuck.length === 0,
    stuck.length === 0 ? `${cases.length} suggestions closed` : stuck.join('; '),
  );
}
