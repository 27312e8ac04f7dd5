import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { AuthProfile } from '../snmp/auth-profile.js';
import type { ActionsConfig } from './actions-config.js';
import { createIncidentStore } from '../diagnosis/incident-store.js';
import { createRebootLedger } from '../diagnosis/reboot-ledger.js';
import { publicSuggestion, withTransition, type SuggestionRecord } from '../diagnosis/suggestion-record.js';
import { createSuggestionStore } from '../diagnosis/suggestion-store.js';
import { createInventoryStore, type Device } from '../inventory/index.js';
import type { Logger } from '../platform/logger.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { Playbook, SuggestionKind } from '../playbooks/index.js';
import { FALLBACK_PROBE } from '../probes/load-probes.js';
import { createPollerStateStore } from '../polling/poller-state-store.js';
import type { Probe } from '../probes/probe-types.js';
import { isAppError } from '../shared/app-error.js';
import { snmpGet, snmpSet } from '../snmp/snmp-session.js';
import type { ActionOutcome, ActionRecord } from './action.js';
import { actionEvent, createActionStore } from './action-store.js';
import { dispatchTechnician } from './dispatch-technician.js';
import { countInto } from '../platform/fleet-counters.js';
import { createOutcomeStore } from '../outcomes/outcome-store.js';
import { outcomeOf } from '../outcomes/outcome.js';
import { claimReboot } from './claim-reboot.js';
import { rebootGuardsNow, rebootGuardsOf } from './reboot-guards-now.js';
import { waitForReboot } from './wait-for-reboot.js';
import type { ProbeClient } from './probe-client.js';

/** Fresh polls after a reboot before a finding that did not clear counts as persisting (rates need two). */
const VERIFY_POLLS = 4;
/**
 * How long after the verification deadline a reboot's slot under its parent outlives a worker that
 * died mid-verification: the fresh polls after the device is back (VERIFY_POLLS, each up to 15 s).
 */
const SLOT_GRACE_MS = 2 * 60_000;

export interface ActionRunnerDeps {
  config: { pollShards: number; authProfiles: ReadonlyMap<string, AuthProfile>; actions: ActionsConfig };
  redis: Redis;
  keys: RedisKeys;
  logger: Logger;
  playbooks: readonly Playbook[];
  probes: ReadonlyMap<string, Probe>;
  prober: ProbeClient;
  /** ms between verification checks (1 s; tests go faster). */
  checkEveryMs?: number;
}

/**
 * Carries out one action, exactly once, and reports it. Written to be run again from the top at any
 * point (a worker killed mid-reboot, its job picked up by another): every step first looks at what
 * the record says is already done, and the reboot SET is sent only by the run that claims it.
 */
export function createActionRunner(deps: ActionRunnerDeps) {
  const { redis, keys } = deps;
  const log = deps.logger.child({ module: 'actions' });
  const actions = createActionStore(redis, keys);
  const suggestions = createSuggestionStore(redis, keys);
  const inventory = createInventoryStore({ redis, keys });
  const states = createPollerStateStore(redis, keys, deps.config.pollShards);
  const incidents = createIncidentStore(redis, keys);
  const ledger = createRebootLedger(redis, keys);
  const outcomes = createOutcomeStore(redis, keys);
  const checkEveryMs = deps.checkEveryMs ?? 1_000;
  const guardDeps = { inventory, states, incidents, ledger, playbooks: deps.playbooks };

  async function moveSuggestion(
    action: ActionRecord,
    state: 'executing' | 'succeeded' | 'failed',
    reason: string,
  ): Promise<void> {
    if (!action.suggestionId) return;
    for (let attempt = 0; attempt < 5; attempt++) {
      const record = await suggestions.get(action.suggestionId);
      if (!record || record.state === state || ['succeeded', 'failed'].includes(record.state)) return;
      const next = withTransition(record, { at: Date.now(), state, reason, by: action.requestedBy });
      const closed = state !== 'executing';
      // Done (or failed): it leaves the agent's list, as a withdrawal the console already handles.
      const event = closed
        ? {
            type: 'suggestion.withdrawn' as const,
            at: next.updatedAt,
            subscriberIds: next.subscriberIds,
            deviceIds: [next.deviceId],
            data: publicSuggestion(next),
          }
        : {
            type: 'suggestion.updated' as const,
            at: next.updatedAt,
            subscriberIds: next.subscriberIds,
            deviceIds: [next.deviceId],
            data: publicSuggestion(next),
          };
      if (await suggestions.transition(next, { event, ...(closed ? { live: 'remove', closed: true } : {}) }))
        return;
    }
  }

  async function start(action: ActionRecord): Promise<ActionRecord> {
    if (action.state !== 'queued') return action;
    const started: ActionRecord = { ...action, state: 'running', startedAt: Date.now() };
    await actions.save(started, actionEvent('action.started', started, started.startedAt as number), {
      at: started.startedAt as number,
      what: 'action.started',
      by: started.requestedBy,
      deviceId: started.deviceId,
      actionId: started.id,
      ...(started.suggestionId ? { suggestionId: started.suggestionId } : {}),
      detail: started.kind,
    });
    await moveSuggestion(started, 'executing', `${started.kind} started`);
    return started;
  }

  /** What the effectiveness report and the metrics learn from a finished action. */
  async function recordOutcome(action: ActionRecord, outcome: ActionOutcome, now: number): Promise<void> {
    const pipeline = redis.pipeline();
    countInto(pipeline, keys, 'vigil_actions_total', { kind: action.kind, result: outcome.result });
    await pipeline.exec();
    const suggestion = action.suggestionId ? await suggestions.get(action.suggestionId) : undefined;
    if (!suggestion) return;
    await outcomes.record(
      outcomeOf(
        { ...suggestion, subscriberIds: action.subscriberIds },
        {
          closedAt: now,
          decision: 'accepted',
          actionResult: outcome.result,
          ...(outcome.findingCleared !== undefined ? { findingCleared: outcome.findingCleared } : {}),
        },
      ),
    );
  }

  async function finish(action: ActionRecord, outcome: ActionOutcome): Promise<ActionRecord> {
    const now = Date.now();
    const done: ActionRecord = { ...action, state: outcome.result, finishedAt: now, outcome };
    await actions.save(done, actionEvent('action.finished', done, now), {
      at: now,
      what: 'action.finished',
      by: done.requestedBy,
      deviceId: done.deviceId,
      actionId: done.id,
      ...(done.suggestionId ? { suggestionId: done.suggestionId } : {}),
      detail: `${done.kind} ${outcome.result}: ${outcome.reason}`,
    });
    await moveSuggestion(done, outcome.result, outcome.reason);
    await recordOutcome(done, outcome, now);
    // The advisor plans the device again now: an escalation, or what the reboot cleared.
    await redis.xadd(keys.advisorTouches(), 'MAXLEN', '~', '10000', '*', 'deviceId', done.deviceId);
    log.info(
      {
        actionId: done.id,
        kind: done.kind,
        deviceId: done.deviceId,
        result: outcome.result,
        reason: outcome.reason,
      },
      'action finished',
    );
    return done;
  }

  async function remoteReboot(action: ActionRecord): Promise<ActionRecord> {
    const device = await inventory.getDevice(action.deviceId);
    if (!device)
      return finish(action, {
        result: 'failed',
        reason: `device ${action.deviceId} is no longer in the inventory`,
      });
    const profile = deps.config.authProfiles.get(device.auth);
    const probe = deps.probes.get(device.profile) ?? deps.probes.get(FALLBACK_PROBE);
    const canWrite =
      profile && (profile.version === '3' ? (profile.writeUser ?? profile.user) : profile.writeCommunity);
    if (!profile || !canWrite)
      return finish(action, {
        result: 'failed',
        reason: `auth profile "${device.auth}" has no write credentials (VIGIL_SNMP_*_WRITE_*)`,
      });
    if (!probe?.reboot)
      return finish(action, { result: 'failed', reason: `probe "${device.profile}" names no reboot object` });
    const target = { host: device.host, port: device.port, profile };
    const suggestion = action.suggestionId ? await suggestions.get(action.suggestionId) : undefined;

    let current = action;
    if (current.setSentAt === undefined) {
      if (current.state === 'queued') {
        // Guards again, now: the world may have changed since the suggestion was made.
        const blocked = (await rebootGuardsNow(guardDeps, device, suggestion?.ruleId)).filter(
          (g) => !g.passed,
        );
        if (blocked.length > 0)
          return finish(current, {
            result: 'failed',
            reason: `not rebooted: ${blocked.map((g) => `${g.guard} — ${g.reason}`).join('; ')}`,
          });
        current = await start(current);
      }
      const now = Date.now();
      // The last word on the guards that count reboots, with the device and a slot under its parent
      // claimed in one script, and the ledger written before the SET leaves (see claim-reboot.ts).
      const claim = await claimReboot(redis, keys, {
        actionId: current.id,
        requestedBy: current.requestedBy,
        deviceId: device.id,
        parentId: device.parentId,
        now,
        expectedUntil: now + deps.config.actions.rebootVerifyMs,
        slotUntil: now + deps.config.actions.rebootVerifyMs + SLOT_GRACE_MS,
        guards: rebootGuardsOf(deps.playbooks, suggestion?.ruleId),
      });
      if (claim.result === 'refused') {
        const pipeline = redis.pipeline();
        countInto(pipeline, keys, 'vigil_reboots_refused_total', { guard: claim.guard });
        await pipeline.exec();
        return finish(current, {
          result: 'failed',
          reason: `not rebooted: ${claim.guard} — ${claim.reason}`,
        });
      }
      if (claim.result === 'claimed') {
        current = { ...current, setSentAt: now };
        // The SET leaves right after the claim, nothing awaited between: a worker killed in between is
        // the one case where the reboot is not sent (at most once, never twice), and it is reported.
        // One attempt, no retries: a lost answer may mean it is already rebooting; verification tells.
        const sent = await snmpSet({ ...target, timeoutMs: 3_000, retries: 0 }, [
          { oid: probe.reboot.oid, value: { type: 'Integer', value: probe.reboot.value } },
        ]);
        await actions.audit({
          at: now,
          what: 'reboot.sent',
          by: current.requestedBy,
          deviceId: device.id,
          actionId: current.id,
          detail: `SET ${probe.reboot.oid}: ${sent.outcome}`,
        });
        if (sent.outcome !== 'ok' && sent.outcome !== 'timeout') {
          await ledger.finished({
            deviceId: device.id,
            parentId: device.parentId,
            at: now,
            actionId: current.id,
            by: current.requestedBy,
            cleared: false,
          });
          return finish(current, {
            result: 'failed',
            reason: `the device refused the reboot: ${sent.reason ?? sent.outcome}`,
          });
        }
      } else {
        current = (await actions.get(current.id)) ?? current;
      }
    }
    return verifyReboot(current, device, target, suggestion);
  }

  async function verifyReboot(
    action: ActionRecord,
    device: Device,
    target: Parameters<typeof snmpGet>[0],
    suggestion: SuggestionRecord | undefined,
  ): Promise<ActionRecord> {
    const setAt = action.setSentAt ?? Date.now();
    const deadline = setAt + deps.config.actions.rebootVerifyMs;
    const { back, uptimeS } = await waitForReboot(target, setAt, deadline, checkEveryMs);
    const ledgerEntry = {
      deviceId: device.id,
      parentId: device.parentId,
      at: setAt,
      actionId: action.id,
      by: action.requestedBy,
    };
    if (back === undefined) {
      await ledger.finished({ ...ledgerEntry, cleared: false });
      return finish(action, {
        result: 'failed',
        reason: `the device did not come back within ${Math.round(deps.config.actions.rebootVerifyMs / 1000)} s`,
        escalation: 'technician_visit',
      });
    }
    const causes = new Set(suggestion?.cause.findingIds ?? []);
    let persisting: string[] = [];
    for (let poll = 0; poll < VERIFY_POLLS; poll++) {
      if (poll > 0) await sleep(Math.max(checkEveryMs, 1_100));
      await deps.prober.probe(device.id, 15_000);
      const open = Object.values((await states.load([device.id])).get(device.id)?.detection.findings ?? {});
      persisting = open.filter((f) => causes.has(f.id)).map((f) => f.kind);
      if (persisting.length === 0 && poll >= 1) break;
    }
    const cleared = persisting.length === 0;
    await ledger.finished({ ...ledgerEntry, cleared });
    const backIn = `back after ${Math.round((back - setAt) / 1000)} s with uptime ${Math.round(uptimeS)} s`;
    return cleared
      ? finish(action, {
          result: 'succeeded',
          reason: `${backIn}${causes.size > 0 ? `; ${[...causes].map((id) => findingKindOf(id, device.id)).join(', ')} cleared` : ''}`,
          findingCleared: true,
        })
      : finish(action, {
          result: 'failed',
          reason: `${backIn}, but ${persisting.join(', ')} persists`,
          findingCleared: false,
          escalation: 'technician_visit',
        });
  }

  async function technicianVisit(action: ActionRecord, finalAttempt: boolean): Promise<ActionRecord> {
    const { fieldServiceUrl, fieldServiceSecret } = deps.config.actions;
    if (!fieldServiceUrl || !fieldServiceSecret)
      return finish(action, {
        result: 'failed',
        reason: 'no field service is configured (VIGIL_FIELD_SERVICE_URL)',
      });
    const current = await start(action);
    const suggestion = current.suggestionId ? await suggestions.get(current.suggestionId) : undefined;
    try {
      const { ticketId } = await dispatchTechnician(fieldServiceUrl, fieldServiceSecret, {
        actionId: current.id,
        deviceId: current.deviceId,
        subscriberIds: current.subscriberIds,
        reason: suggestion?.text.en ?? 'technician visit requested',
        evidence: suggestion?.evidence.map((e) => e.summary) ?? [],
        requestedBy: current.requestedBy,
        requestedAt: new Date(current.requestedAt).toISOString(),
      });
      return finish(
        { ...current, ticketId },
        { result: 'succeeded', reason: `field service ticket ${ticketId}` },
      );
    } catch (error) {
      // Retry only what may pass next time: a refusal (a 4xx) would be refused again, visit after visit.
      const refused = isAppError(error) && !error.retryable;
      if (!finalAttempt && !refused) throw error;
      return finish(current, {
        result: 'failed',
        reason: `dispatch failed${refused ? '' : ' after retries'}: ${(error as Error).message}`,
      });
    }
  }

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
        await moveSuggestion(action, action.state, action.outcome?.reason ?? action.state);
        return action;
      }
      return finish(action, { result: 'failed', reason });
    },
    /** Runs the action to its outcome; throws only to have the queue retry (a dispatch that failed). */
    async run(actionId: string, finalAttempt = true): Promise<ActionRecord | undefined> {
      const action = await actions.get(actionId);
      if (!action || action.state === 'succeeded' || action.state === 'failed') return action;
      const kind: SuggestionKind = action.kind;
      switch (kind) {
        case 'remote_reboot':
          return remoteReboot(action);
        case 'technician_visit':
          return technicianVisit(action, finalAttempt);
        case 'outage_notice':
          return finish(await start(action), {
            result: 'succeeded',
            reason: `outage notice given in conversation ${action.conversationId ?? ''}`.trim(),
          });
        case 'consultation':
          return finish(await start(action), {
            result: 'succeeded',
            reason: `consultation given by ${action.requestedBy}`,
          });
      }
    },
  };
}

export type ActionRunner = ReturnType<typeof createActionRunner>;

/** Finding ids are `<deviceId>:<kind>[:<subject>]`; the device id may hold ':' itself. */
function findingKindOf(findingId: string, deviceId: string): string {
  const rest = findingId.startsWith(`${deviceId}:`) ? findingId.slice(deviceId.length + 1) : findingId;
  return rest.split(':')[0] ?? rest;
}
