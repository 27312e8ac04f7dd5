import type { Redis } from 'ioredis';
import { createIncidentStore } from '../diagnosis/incident-store.js';
import { createRebootLedger } from '../diagnosis/reboot-ledger.js';
import { createSuggestionStore } from '../diagnosis/suggestion-store.js';
import { createInventoryStore } from '../inventory/index.js';
import type { Logger } from '../platform/logger.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { Playbook, SuggestionKind } from '../playbooks/index.js';
import { createPollerStateStore } from '../polling/poller-state-store.js';
import type { Probe } from '../probes/probe-types.js';
import type { AuthProfile } from '../snmp/auth-profile.js';
import type { ActionRecord } from './action.js';
import { createActionLifecycle } from './action-lifecycle.js';
import { createActionStore } from './action-store.js';
import type { ActionsConfig } from './actions-config.js';
import { createSuggestionMover } from './move-suggestion.js';
import type { ProbeClient } from './probe-client.js';
import { createRemoteReboot } from './remote-reboot.js';
import { createTechnicianVisit } from './technician-visit.js';
import { createRebootVerifier } from './verify-reboot.js';

export interface ActionRunnerDeps {
  config: { pollShards: number; authProfiles: ReadonlyMap<string, AuthProfile>; actions: ActionsConfig };
  redis: Redis;
  keys: RedisKeys;
  logger: Logger;
  playbooks: readonly Playbook[];
  probes: ReadonlyMap<string, Probe>;
  prober: ProbeClient;
  /** ms between sysUpTime checks while a rebooted device is away (1 s; tests go faster). */
  checkEveryMs?: number;
  /** ms between the fresh polls that verify a reboot (1.1 s, so rates span over a second; tests go faster). */
  verifyPollEveryMs?: number;
  /** The clock of every recorded time and of the verification deadline (Date.now). */
  now?: () => number;
}

/**
 * Carries out one action, exactly once, and reports it. Written to be run again from the top at any
 * point (a worker killed mid-reboot, its job picked up by another): every step first looks at what
 * the record says is already done, and the reboot SET is sent only by the run that claims it.
 */
export function createActionRunner(deps: ActionRunnerDeps) {
  const steps = buildSteps(deps);
  const { actions, lifecycle } = steps;
  return {
    actions,
    /**
     * Closes an action that will not run (the sweeper's call: its job gave up, or it was never queued
     * and is too old to run now) as failed with `reason`. An action that finished already only has its
     * suggestion moved after it (a crash between the two).
     */
    async settle(actionId: string, reason: string): Promise<ActionRecord | undefined> {
      const action = await actions.get(actionId);
      if (!action) return undefined;
      if (action.state === 'succeeded' || action.state === 'failed') {
        await steps.moveSuggestion(action, action.state, action.outcome?.reason ?? action.state);
        return action;
      }
      return lifecycle.finish(action, { result: 'failed', reason });
    },
    /** Runs the action to its outcome; throws only to have the queue retry (a dispatch that failed). */
    async run(actionId: string, finalAttempt = true): Promise<ActionRecord | undefined> {
      const action = await actions.get(actionId);
      if (!action || action.state === 'succeeded' || action.state === 'failed') return action;
      return runKind(steps, action, finalAttempt);
    },
  };
}

export type ActionRunner = ReturnType<typeof createActionRunner>;

type RunnerSteps = ReturnType<typeof buildSteps>;

function runKind(steps: RunnerSteps, action: ActionRecord, finalAttempt: boolean): Promise<ActionRecord> {
  const { lifecycle } = steps;
  const kind: SuggestionKind = action.kind;
  switch (kind) {
    case 'remote_reboot':
      return steps.remoteReboot(action);
    case 'technician_visit':
      return steps.technicianVisit(action, finalAttempt);
    case 'outage_notice':
      return lifecycle.start(action).then((started) =>
        lifecycle.finish(started, {
          result: 'succeeded',
          reason: `outage notice given in conversation ${action.conversationId ?? ''}`.trim(),
        }),
      );
    case 'consultation':
      return lifecycle.start(action).then((started) =>
        lifecycle.finish(started, {
          result: 'succeeded',
          reason: `consultation given by ${action.requestedBy}`,
        }),
      );
  }
}

/** The stores and the steps of every kind, wired once per runner. */
function buildSteps(deps: ActionRunnerDeps) {
  const { redis, keys } = deps;
  const now = deps.now ?? Date.now;
  const log = deps.logger.child({ module: 'actions' });
  const actions = createActionStore(redis, keys);
  const suggestions = createSuggestionStore(redis, keys);
  const states = createPollerStateStore(redis, keys, deps.config.pollShards);
  const ledger = createRebootLedger(redis, keys);
  const moveSuggestion = createSuggestionMover(suggestions, now);
  const lifecycle = createActionLifecycle({ redis, keys, log, now, actions, suggestions, moveSuggestion });
  const guards = {
    inventory: createInventoryStore({ redis, keys }),
    states,
    incidents: createIncidentStore(redis, keys),
    ledger,
    playbooks: deps.playbooks,
  };
  const timing = {
    rebootVerifyMs: deps.config.actions.rebootVerifyMs,
    checkEveryMs: deps.checkEveryMs ?? 1_000,
    verifyPollEveryMs: deps.verifyPollEveryMs ?? 1_100,
  };
  const verify = createRebootVerifier({ lifecycle, ledger, states, prober: deps.prober, timing, now });
  const remoteReboot = createRemoteReboot({
    ...{ redis, keys, now, actions, suggestions, ledger, guards, lifecycle, verify },
    probes: deps.probes,
    authProfiles: deps.config.authProfiles,
    rebootVerifyMs: timing.rebootVerifyMs,
  });
  const technicianVisit = createTechnicianVisit({ config: deps.config.actions, suggestions, lifecycle });
  return { actions, moveSuggestion, lifecycle, remoteReboot, technicianVisit };
}
