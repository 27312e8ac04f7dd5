import type { createIncidentStore } from '../diagnosis/incident-store.js';
import type { RebootLedger } from '../diagnosis/reboot-ledger.js';
import type { Device, InventoryStore } from '../inventory/index.js';
import {
  checkRebootGuards,
  DEFAULT_REBOOT_GUARDS,
  type GuardCheck,
  type Playbook,
  type RebootGuards,
} from '../playbooks/index.js';
import type { PollerStateStore } from '../polling/poller-state-store.js';

export interface GuardDeps {
  inventory: InventoryStore;
  states: PollerStateStore;
  incidents: ReturnType<typeof createIncidentStore>;
  ledger: RebootLedger;
  playbooks: readonly Playbook[];
}

/**
 * The reboot guards as they stand now, from what is stored: checked again when an action runs (and when
 * NOC asks for a reboot), because the world may have changed since the suggestion was made. The guard
 * values are those of the playbook whose rule proposed it, else the defaults.
 */
export async function rebootGuardsNow(
  deps: GuardDeps,
  device: Device,
  ruleId?: string,
): Promise<GuardCheck[]> {
  const now = Date.now();
  const [state, active, ancestors, histories, running] = await Promise.all([
    deps.states.load([device.id]),
    deps.incidents.active(),
    deps.inventory.ancestors(device.id),
    deps.ledger.histories([device.id], now),
    device.parentId
      ? deps.ledger.runningUnder([device.parentId], now)
      : Promise.resolve(new Map<string, number>()),
  ]);
  const ancestorIds = ancestors.map((a) => a.id);
  const findings = Object.values(state.get(device.id)?.detection.findings ?? {});
  return checkRebootGuards(
    {
      now,
      device: { id: device.id, kind: device.kind, parentId: device.parentId },
      findings,
      incidents: active
        .filter((i) => i.rootDeviceId === device.id || ancestorIds.includes(i.rootDeviceId))
        .map((i) => ({ id: i.id, kind: i.kind, open: i.state === 'open' })),
      history: histories.get(device.id) ?? { rebootsAt: [], rebootOutcomes: [] },
      concurrentRebootsUnderParent: device.parentId ? (running.get(device.parentId) ?? 0) : 0,
      reachable: !findings.some((f) => f.kind === 'unreachable'),
      language: 'en',
    },
    rebootGuardsOf(deps.playbooks, ruleId),
  );
}

/** The reboot guards of the playbook whose rule proposed the reboot; the defaults for a NOC reboot. */
export function rebootGuardsOf(playbooks: readonly Playbook[], ruleId?: string): RebootGuards {
  const playbook = playbooks.find((p) => p.rules.some((r) => r.id === ruleId));
  return playbook?.guards.reboot ?? DEFAULT_REBOOT_GUARDS;
}
