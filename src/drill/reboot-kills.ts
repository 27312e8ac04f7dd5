import type { FailpointName } from '../platform/failpoints.js';
import { check, type DrillCheck } from './drill-report.js';
import type { DrillStack } from './drill-stack.js';
import { rebootCounts, waitFor } from './drill-observe.js';
import { acceptPath, type FollowedStream } from './drill-traffic.js';
import { firstDeath, type Death } from './process-deaths.js';

/** The steps of an accepted reboot the drill kills at, each with the processes that reach it. */
export const REBOOT_STEPS = [
  // Verification first: it dies seconds after its accept, the quick ones right after it, so all three
  // die before the first stalled job is taken over (the job lock, 15 s) and none is killed twice.
  { step: 'reboot:verifying', holders: 'workers' },
  { step: 'reboot:after-claim', holders: 'workers' },
  { step: 'reboot:after-set', holders: 'workers' },
  // The API's last: no worker dies after them, so their actions run once, on a live worker.
  { step: 'reboot:after-accept', holders: 'api' },
  { step: 'reboot:after-enqueue', holders: 'api' },
] as const satisfies readonly { step: FailpointName; holders: 'api' | 'workers' }[];

export type RebootStep = (typeof REBOOT_STEPS)[number]['step'];

/** One reboot the drill accepts, aimed at one step's failpoint. */
export interface KillCase {
  step: RebootStep;
  deviceId: string;
  subscriberId: string;
  conversationId: string;
  suggestionId: string;
  stream: FollowedStream;
  actionId?: string;
  death?: Death;
}

export interface KillRun {
  /** Restart a killed process as a supervisor would (same environment). */
  restart: (name: string) => Promise<unknown>;
  /** Restarts already under way (the killed advisor leader's), by process name. */
  pending: ReadonlyMap<string, Promise<unknown>>;
  workers: readonly string[];
  /** How long a failpoint may take to fire after its accept. */
  fireWithinMs: number;
  log: (line: string) => void;
}

/**
 * Accepts each case's reboot in turn and waits for its failpoint to kill the process holding it, then
 * restarts that process without waiting for the action: the action must finish on its own from there.
 */
export async function killAtEachStep(stack: DrillStack, cases: KillCase[], run: KillRun): Promise<void> {
  // A killed process's restart, by name, runs alongside the next step; a dead one is never watched again.
  const restarting = new Map<string, Promise<unknown>>();
  for (const [name, restarted] of run.pending)
    restarting.set(
      name,
      restarted.finally(() => restarting.delete(name)),
    );
  const running = (name: string): boolean => stack.serve.get(name)?.running === true && !restarting.has(name);
  for (const kill of cases) {
    const apiStep = REBOOT_STEPS.find((s) => s.step === kill.step)?.holders === 'api';
    const holders = apiStep ? ['api'] : run.workers;
    // Nothing running to reach the step (both workers killed): wait for the restarts.
    if (!holders.some(running)) await Promise.all(restarting.values());
    const watched = holders.filter(running);
    const acceptedAt = Date.now();
    const answer = await stack
      .api('POST', acceptPath(kill.conversationId, kill.suggestionId), 'agent', undefined, 10_000)
      .catch(() => undefined);
    if (answer?.status === 202)
      kill.actionId = (JSON.parse(answer.text) as { action: { id: string } }).action.id;
    const death = await firstDeath(stack, watched, run.fireWithinMs);
    run.log(
      `${kill.step}: ${death?.name ?? 'nothing'} killed ${death ? death.at - acceptedAt : '—'} ms after the accept`,
    );
    if (!death) continue;
    kill.death = death;
    const restarted = run.restart(death.name).finally(() => restarting.delete(death.name));
    restarting.set(death.name, restarted);
    // The API must be back before the next accept; a worker's restart runs alongside the next step.
    if (apiStep) await restarted;
  }
  await Promise.all(restarting.values());
}

/** The action of an accept whose answer died with the API: the audit names it (the accept's or the sweeper's entry). */
async function actionIdOf(stack: DrillStack, kill: KillCase, timeoutMs: number): Promise<string | undefined> {
  return waitFor(
    async () => {
      const answer = await stack.api(
        'GET',
        `/v1/audit?deviceId=${encodeURIComponent(kill.deviceId)}&limit=100`,
        'noc',
      );
      const { items = [] } = JSON.parse(answer.text) as {
        items?: { suggestionId?: string; actionId?: string }[];
      };
      return items.find((e) => e.suggestionId === kill.suggestionId && e.actionId)?.actionId;
    },
    timeoutMs,
    250,
  );
}

interface Finished {
  state: string;
  at?: number;
  reason?: string;
}

async function finishedAction(stack: DrillStack, actionId: string, timeoutMs: number): Promise<Finished> {
  let last: Finished = { state: 'unknown' };
  const done = await waitFor(
    async () => {
      const answer = await stack.api('GET', `/v1/actions/${encodeURIComponent(actionId)}`, 'noc');
      if (answer.status !== 200) return undefined;
      const action = JSON.parse(answer.text) as { state: string; outcome?: { reason?: string } };
      last = { state: action.state, ...(action.outcome?.reason ? { reason: action.outcome.reason } : {}) };
      return action.state === 'succeeded' || action.state === 'failed'
        ? { ...last, at: Date.now() }
        : undefined;
    },
    timeoutMs,
    250,
  );
  return done ?? last;
}

/** Per step: killed there, terminal within the bound (its recovery time), rebooted exactly once. */
export async function stepChecks(
  stack: DrillStack,
  cases: KillCase[],
  boundMs: number,
): Promise<{ checks: DrillCheck[]; figures: Record<string, number> }> {
  const results = await Promise.all(
    cases.map(async (kill) => {
      kill.actionId ??= await actionIdOf(stack, kill, boundMs);
      const finished = kill.actionId
        ? await finishedAction(stack, kill.actionId, boundMs)
        : { state: 'no action' };
      return { kill, finished };
    }),
  );
  const counts = await rebootCounts(
    stack,
    cases.map((c) => c.deviceId),
  );
  const checks: DrillCheck[] = [];
  const figures: Record<string, number> = {};
  for (const { kill, finished } of results) {
    const sets = counts.get(kill.deviceId) ?? -1;
    const recoveryMs = kill.death && finished.at !== undefined ? finished.at - kill.death.at : undefined;
    if (recoveryMs !== undefined) figures[`${kill.step}.recoveryMs`] = recoveryMs;
    const terminal = finished.state === 'succeeded' || finished.state === 'failed';
    checks.push(
      check(
        `${kill.step}: the process holding it killed there; the action terminal within ${boundMs / 1000} s; one SET`,
        kill.death !== undefined &&
          terminal &&
          recoveryMs !== undefined &&
          recoveryMs <= boundMs &&
          sets === 1,
        [
          kill.death ? `killed ${kill.death.name}` : 'no process died',
          `${kill.actionId ?? 'no action'} ${finished.state}${finished.reason ? ` (${finished.reason})` : ''}`,
          recoveryMs !== undefined ? `${recoveryMs} ms after the kill` : 'never terminal',
          `${kill.deviceId} rebooted ×${sets}`,
        ].join('; '),
      ),
    );
  }
  return { checks, figures };
}
