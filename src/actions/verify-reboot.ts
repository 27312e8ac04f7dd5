import { setTimeout as sleep } from 'node:timers/promises';
import type { RebootLedger } from '../diagnosis/reboot-ledger.js';
import type { SuggestionRecord } from '../diagnosis/suggestion-record.js';
import type { Device } from '../inventory/index.js';
import type { PollerStateStore } from '../polling/poller-state-store.js';
import { failpoint } from '../platform/failpoints.js';
import type { SnmpTarget } from '../snmp/snmp-session.js';
import type { ActionRecord } from './action.js';
import type { ActionLifecycle } from './action-lifecycle.js';
import type { ProbeClient } from './probe-client.js';
import { waitForReboot } from './wait-for-reboot.js';

/** Fresh polls after a reboot before a finding that did not clear counts as persisting (rates need two). */
const VERIFY_POLLS = 4;
/** How long one fresh poll may take a poller (its retries included). */
const POLL_TIMEOUT_MS = 15_000;

export interface RebootTiming {
  /** How long a rebooted device has to come back (VIGIL_REBOOT_VERIFY_SECONDS). */
  rebootVerifyMs: number;
  /** ms between sysUpTime checks while waiting for the device to come back. */
  checkEveryMs: number;
  /** ms between the fresh polls after it is back. */
  verifyPollEveryMs: number;
}

export interface RebootVerifierDeps {
  lifecycle: ActionLifecycle;
  ledger: RebootLedger;
  states: PollerStateStore;
  prober: ProbeClient;
  timing: RebootTiming;
  now: () => number;
}

export type RebootVerifier = ReturnType<typeof createRebootVerifier>;

/**
 * The second half of a reboot, which a re-run job resumes from the SET's time: wait until the device
 * is back, poll it afresh until the findings that caused the reboot cleared (or VERIFY_POLLS polls say
 * they persist), write the result into the reboot ledger (which frees the slot under the parent) and
 * finish the action — failed with a technician visit as the escalation when it did not help.
 */
export function createRebootVerifier(deps: RebootVerifierDeps) {
  const { timing } = deps;

  /** The cause's finding kinds still open after fresh polls; at least two polls, so rates are judged. */
  async function persistingAfterPolls(deviceId: string, causes: ReadonlySet<string>): Promise<string[]> {
    let persisting: string[] = [];
    for (let poll = 0; poll < VERIFY_POLLS; poll++) {
      if (poll > 0) await sleep(timing.verifyPollEveryMs);
      await deps.prober.probe(deviceId, POLL_TIMEOUT_MS);
      await failpoint('reboot:verifying', deviceId);
      const state = (await deps.states.load([deviceId])).get(deviceId);
      const open = Object.values(state?.detection.findings ?? {});
      persisting = open.filter((f) => causes.has(f.id)).map((f) => f.kind);
      if (persisting.length === 0 && poll >= 1) break;
    }
    return persisting;
  }

  return async function verifyReboot(
    action: ActionRecord,
    device: Device,
    target: SnmpTarget,
    suggestion: SuggestionRecord | undefined,
  ): Promise<ActionRecord> {
    // The ledger's entry is the claim's; the device is timed from the SET that reached it.
    const claimedAt = action.setSentAt ?? deps.now();
    const setAt = action.setResentAt ?? claimedAt;
    const deadline = setAt + timing.rebootVerifyMs;
    const { back, uptimeS } = await waitForReboot(target, setAt, deadline, timing.checkEveryMs, deps.now);
    const ledgerEntry = {
      deviceId: device.id,
      parentId: device.parentId,
      at: claimedAt,
      actionId: action.id,
      by: action.requestedBy,
    };
    if (back === undefined) {
      await deps.ledger.finished({ ...ledgerEntry, cleared: false });
      return deps.lifecycle.finish(action, {
        result: 'failed',
        reason: `the device did not come back within ${Math.round(timing.rebootVerifyMs / 1000)} s`,
        escalation: 'technician_visit',
      });
    }
    const causes = new Set(suggestion?.cause.findingIds ?? action.causeFindingIds ?? []);
    const persisting = await persistingAfterPolls(device.id, causes);
    const cleared = persisting.length === 0;
    await deps.ledger.finished({ ...ledgerEntry, cleared });
    const backIn = `back after ${Math.round((back - setAt) / 1000)} s with uptime ${Math.round(uptimeS)} s`;
    const clearedKinds = [...causes].map((id) => findingKindOf(id, device.id)).join(', ');
    return cleared
      ? deps.lifecycle.finish(action, {
          result: 'succeeded',
          reason: `${backIn}${causes.size > 0 ? `; ${clearedKinds} cleared` : ''}`,
          findingCleared: true,
        })
      : deps.lifecycle.finish(action, {
          result: 'failed',
          reason: `${backIn}, but ${persisting.join(', ')} persists`,
          findingCleared: false,
          escalation: 'technician_visit',
        });
  };
}

/** Finding ids are `<deviceId>:<kind>[:<subject>]`; the device id may hold ':' itself. */
function findingKindOf(findingId: string, deviceId: string): string {
  const rest = findingId.startsWith(`${deviceId}:`) ? findingId.slice(deviceId.length + 1) : findingId;
  return rest.split(':')[0] ?? rest;
}
