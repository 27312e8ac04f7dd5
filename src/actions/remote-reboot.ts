import type { Redis } from 'ioredis';
import type { RebootLedger } from '../diagnosis/reboot-ledger.js';
import type { SuggestionStore } from '../diagnosis/suggestion-store.js';
import type { Device } from '../inventory/index.js';
import { failpoint } from '../platform/failpoints.js';
import { countInto } from '../platform/fleet-counters.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { FALLBACK_PROBE } from '../probes/load-probes.js';
import type { Probe } from '../probes/probe-types.js';
import type { AuthProfile } from '../snmp/auth-profile.js';
import { snmpSet, type SnmpTarget } from '../snmp/snmp-session.js';
import type { ActionRecord } from './action.js';
import type { ActionLifecycle } from './action-lifecycle.js';
import type { ActionStore } from './action-store.js';
import { claimReboot } from './claim-reboot.js';
import { setNeverReached } from './set-never-reached.js';
import { rebootGuardsNow, rebootGuardsOf, type GuardDeps } from './reboot-guards-now.js';
import type { RebootVerifier } from './verify-reboot.js';

/**
 * How long after the verification deadline a reboot's slot under its parent outlives a worker that
 * died mid-verification: the fresh polls after the device is back (VERIFY_POLLS, each up to 15 s).
 */
const SLOT_GRACE_MS = 2 * 60_000;

export interface RemoteRebootDeps {
  redis: Redis;
  keys: RedisKeys;
  now: () => number;
  actions: ActionStore;
  suggestions: SuggestionStore;
  ledger: RebootLedger;
  guards: GuardDeps;
  probes: ReadonlyMap<string, Probe>;
  authProfiles: ReadonlyMap<string, AuthProfile>;
  rebootVerifyMs: number;
  lifecycle: ActionLifecycle;
  verify: RebootVerifier;
}

/** A device that can be rebooted: where to send the SET, with which credentials and which object. */
interface RebootTarget {
  device: Device;
  target: SnmpTarget;
  reboot: NonNullable<Probe['reboot']>;
}

/**
 * remote_reboot, from whatever step a previous run reached: the guards again (only while queued), the
 * claim of the device and of a slot under its parent, the SET — sent only by the run that claimed it —
 * and the verification, which a run that finds the SET already sent goes straight to.
 */
export function createRemoteReboot(deps: RemoteRebootDeps) {
  return async function remoteReboot(action: ActionRecord): Promise<ActionRecord> {
    const to = await rebootTargetOf(deps, action);
    if ('failure' in to) return failed(deps, action, to.failure);
    const suggestion = action.suggestionId ? await deps.suggestions.get(action.suggestionId) : undefined;
    let current = action;
    if (current.setSentAt !== undefined) {
      // A re-run: its sender may have died between the claim (or a re-send's record) and the SET.
      if (await setNeverReached(to.target, current.setResentAt ?? current.setSentAt, deps.now)) {
        const resent = await resendSet(deps, current, to);
        if ('finished' in resent) return resent.finished;
        current = resent.verify;
      }
    } else {
      if (current.state === 'queued') {
        const blocked = await blockedNow(deps, to.device, suggestion?.ruleId);
        if (blocked !== undefined) return failed(deps, current, blocked);
        if (!suggestion) current = { ...current, causeFindingIds: await openFindingIds(deps, to.device.id) };
        current = await deps.lifecycle.start(current);
      }
      const sent = await claimAndSend(deps, current, to, suggestion?.ruleId);
      if ('finished' in sent) return sent.finished;
      current = sent.verify;
    }
    return deps.verify(current, to.device, to.target, suggestion);
  };
}

/** What a reboot without a suggestion is meant to cure: whatever the device has open now. */
async function openFindingIds(deps: RemoteRebootDeps, deviceId: string): Promise<string[]> {
  const state = (await deps.guards.states.load([deviceId])).get(deviceId);
  return Object.keys(state?.detection.findings ?? {}).slice(0, 100);
}

function failed(deps: RemoteRebootDeps, action: ActionRecord, reason: string): Promise<ActionRecord> {
  return deps.lifecycle.finish(action, { result: 'failed', reason });
}

async function rebootTargetOf(
  deps: RemoteRebootDeps,
  action: ActionRecord,
): Promise<RebootTarget | { failure: string }> {
  const device = await deps.guards.inventory.getDevice(action.deviceId);
  if (!device) return { failure: `device ${action.deviceId} is no longer in the inventory` };
  const profile = deps.authProfiles.get(device.auth);
  const probe = deps.probes.get(device.profile) ?? deps.probes.get(FALLBACK_PROBE);
  const canWrite =
    profile && (profile.version === '3' ? (profile.writeUser ?? profile.user) : profile.writeCommunity);
  if (!profile || !canWrite)
    return { failure: `auth profile "${device.auth}" has no write credentials (VIGIL_SNMP_*_WRITE_*)` };
  if (!probe?.reboot) return { failure: `probe "${device.profile}" names no reboot object` };
  return { device, target: { host: device.host, port: device.port, profile }, reboot: probe.reboot };
}

/** The guards as they stand now: the world may have changed since the suggestion was made. */
async function blockedNow(
  deps: RemoteRebootDeps,
  device: Device,
  ruleId: string | undefined,
): Promise<string | undefined> {
  const blocked = (await rebootGuardsNow(deps.guards, device, ruleId)).filter((g) => !g.passed);
  if (blocked.length === 0) return undefined;
  return `not rebooted: ${blocked.map((g) => `${g.guard} — ${g.reason}`).join('; ')}`;
}

/**
 * The last word on the guards that count reboots, with the device and a slot under its parent claimed
 * in one script and the ledger written before the SET leaves (see claim-reboot.ts); then the SET.
 * Returns the action to verify, or the finished one when the claim or the device refused.
 */
async function claimAndSend(
  deps: RemoteRebootDeps,
  action: ActionRecord,
  to: RebootTarget,
  ruleId: string | undefined,
): Promise<{ verify: ActionRecord } | { finished: ActionRecord }> {
  const now = deps.now();
  const claim = await claimReboot(deps.redis, deps.keys, {
    actionId: action.id,
    requestedBy: action.requestedBy,
    deviceId: to.device.id,
    parentId: to.device.parentId,
    now,
    expectedUntil: now + deps.rebootVerifyMs,
    slotUntil: now + deps.rebootVerifyMs + SLOT_GRACE_MS,
    guards: rebootGuardsOf(deps.guards.playbooks, ruleId),
  });
  if (claim.result === 'claimed_before') return { verify: (await deps.actions.get(action.id)) ?? action };
  if (claim.result === 'refused') {
    const pipeline = deps.redis.pipeline();
    countInto(pipeline, deps.keys, 'vigil_reboots_refused_total', { guard: claim.guard });
    await pipeline.exec();
    return { finished: await failed(deps, action, `not rebooted: ${claim.guard} — ${claim.reason}`) };
  }
  const claimed: ActionRecord = { ...action, setSentAt: now };
  await failpoint('reboot:after-claim', to.device.id);
  const refusal = await sendSet(deps, claimed, to, now);
  return refusal === undefined ? { verify: claimed } : { finished: await failed(deps, claimed, refusal) };
}

/**
 * The SET again, for a claimed reboot whose device proved it never got the first (its sender died
 * between the claim and the SET): the time recorded first, then the SET, so a crash in between is
 * found the same way by the next run. The reboot is expected again from now.
 */
async function resendSet(
  deps: RemoteRebootDeps,
  action: ActionRecord,
  to: RebootTarget,
): Promise<{ verify: ActionRecord } | { finished: ActionRecord }> {
  const at = deps.now();
  const resent: ActionRecord = { ...action, setResentAt: at };
  await deps.redis.hset(deps.keys.expectedReboots(), to.device.id, String(at + deps.rebootVerifyMs));
  // Only one run resends: another that read the same record finds it resent (or finished) and verifies.
  const saved = await deps.actions.save(resent, undefined, undefined, {
    setResentAt: action.setResentAt ?? 'unset',
  });
  if (!saved) return { verify: (await deps.actions.get(action.id)) ?? action };
  const refusal = await sendSet(deps, resent, to, at);
  return refusal === undefined ? { verify: resent } : { finished: await failed(deps, resent, refusal) };
}

/**
 * The SET leaves right after the claim, nothing awaited between: a worker killed in between leaves it
 * claimed but unsent, which the job's next run learns from the device (resendSet). One attempt, no
 * retries: a lost answer may mean it is already rebooting; verification tells. Returns why the device
 * refused it, if it did.
 */
async function sendSet(
  deps: RemoteRebootDeps,
  action: ActionRecord,
  to: RebootTarget,
  at: number,
): Promise<string | undefined> {
  const sent = await snmpSet({ ...to.target, timeoutMs: 3_000, retries: 0 }, [
    { oid: to.reboot.oid, value: { type: 'Integer', value: to.reboot.value } },
  ]);
  await failpoint('reboot:after-set', to.device.id);
  const by = action.requestedBy;
  const detail = `SET ${to.reboot.oid}: ${sent.outcome}`;
  await deps.actions.audit({
    at,
    what: 'reboot.sent',
    by,
    deviceId: to.device.id,
    actionId: action.id,
    detail,
  });
  if (sent.outcome === 'ok' || sent.outcome === 'timeout') return undefined;
  const { id: deviceId, parentId } = to.device;
  await deps.ledger.finished({ deviceId, parentId, at, actionId: action.id, by, cleared: false });
  return `the device refused the reboot: ${sent.reason ?? sent.outcome}`;
}
