import type { Redis } from 'ioredis';
import {
  correlate,
  isDownFinding,
  topologyFromInventory,
  ancestorsOf,
  DEFAULT_CORRELATION_CONFIG,
  type CorrelationConfig,
  type CorrelationTopology,
  type Incident,
} from '../correlation/index.js';
import { createInventoryStore, type Device } from '../inventory/index.js';
import type { Logger } from '../platform/logger.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { Playbook } from '../playbooks/index.js';
import type { FindingsMirror } from './findings-mirror.js';
import { devicesToWeigh, loadAnswering } from './answering-devices.js';
import { createIncidentStore } from './incident-store.js';
import { createMaintenanceStore } from './maintenance-store.js';
import { planDevice } from './plan-device.js';
import { createRebootLedger } from './reboot-ledger.js';
import { createOutcomeStore } from '../outcomes/outcome-store.js';
import { outcomeOf, type Outcome } from '../outcomes/outcome.js';
import { expireSuggestions, reconcileSuggestions, type SuggestionWrites } from './reconcile-suggestions.js';
import { createSuggestionStore, trimClosedSuggestions } from './suggestion-store.js';

/** Devices planned per Redis round trip. */
const PLAN_BATCH = 500;

export interface AdvisorDeps {
  redis: Redis;
  keys: RedisKeys;
  logger: Logger;
  playbooks: readonly Playbook[];
  mirror: FindingsMirror;
  correlation?: Partial<CorrelationConfig>;
}

export interface StepReport {
  at: number;
  incidentChanges: number;
  devicesPlanned: number;
  suggestionEvents: number;
}

/**
 * The stage after detection: open findings → correlation → incidents, then each affected device's plan
 * → suggestions, stored and announced. One advisor runs at a time (see advisor-role.ts); a step is
 * idempotent, so running one twice, or after a crash, announces nothing twice.
 */
export function createAdvisor(deps: AdvisorDeps) {
  const { redis, keys, mirror } = deps;
  const log = deps.logger.child({ module: 'advisor' });
  const inventory = createInventoryStore({ redis, keys });
  const incidentStore = createIncidentStore(redis, keys);
  const maintenance = createMaintenanceStore(redis, keys);
  const suggestions = createSuggestionStore(redis, keys);
  const ledger = createRebootLedger(redis, keys);
  const outcomes = createOutcomeStore(redis, keys);

  let inventoryVersion: string | undefined;
  let devices = new Map<string, Device>();
  let topology: CorrelationTopology = topologyFromInventory([]);
  let incidents: Incident[] = [];
  const pending = new Set<string>();
  /** Devices whose fresh unreachable finding is held back, and until when: planned again once it is not. */
  const settling = new Map<string, number>();
  const holdUnreachableMs = deps.correlation?.settleMs ?? DEFAULT_CORRELATION_CONFIG.settleMs;

  /** Reloads the topology when an import happened; returns true when it did. */
  async function syncInventory(): Promise<boolean> {
    const version = (await redis.hget(keys.inventoryMeta(), 'importedAt')) ?? '';
    if (version === inventoryVersion) return false;
    const snapshot = await inventory.exportInventory();
    devices = new Map(snapshot.devices.map((d) => [d.id, d]));
    topology = topologyFromInventory(snapshot.devices, snapshot.subscribers);
    inventoryVersion = version;
    log.info({ devices: devices.size, subscribers: snapshot.subscribers.length }, 'topology loaded');
    return true;
  }

  /** Every device under (and including) an incident's root. */
  // Devices an outage covered, by when the hold on their unreachable findings ends after it resolved.
  const afterOutage = new Map<string, number>();
  const covered = (incident: Incident): string[] => [
    incident.rootDeviceId,
    ...topology.descendantsOf(incident.rootDeviceId),
  ];

  async function planAndWrite(
    deviceIds: readonly string[],
    now: number,
  ): Promise<{ planned: number; events: number }> {
    let planned = 0;
    let events = 0;
    for (let i = 0; i < deviceIds.length; i += PLAN_BATCH) {
      const batch = deviceIds.slice(i, i + PLAN_BATCH);
      const present = batch.filter((id) => devices.has(id));
      const gone = batch.filter((id) => !devices.has(id));
      const parents = [
        ...new Set(present.map((id) => devices.get(id)?.parentId).filter((p): p is string => !!p)),
      ];
      const [histories, running, liveIds] = await Promise.all([
        ledger.histories(present, now),
        ledger.runningUnder(parents, now),
        suggestions.liveIds(batch),
      ]);
      const plans = present.map((id) => {
        const device = devices.get(id) as Device;
        return planDevice(
          deps.playbooks,
          {
            device,
            ancestorIds: ancestorsOf(topology, id),
            subscriberIds: [...topology.subscribersOf([id])].sort(),
            findings: mirror.byDevice.get(id) ?? [],
            ...(histories.has(id) ? { history: histories.get(id) } : {}),
            concurrentRebootsUnderParent: device.parentId ? (running.get(device.parentId) ?? 0) : 0,
            ...(afterOutage.has(id) ? { unreachableHeldUntil: afterOutage.get(id) } : {}),
          },
          incidents,
          now,
          holdUnreachableMs,
        );
      });
      for (const p of plans) {
        if (p.settlingUntil !== undefined) settling.set(p.deviceId, p.settlingUntil);
        else settling.delete(p.deviceId);
      }
      const wanted = new Set<string>();
      for (const set of liveIds.values()) for (const id of set) wanted.add(id);
      for (const p of plans) for (const s of p.suggestions) wanted.add(s.id);
      const stored = await suggestions.records([...wanted]);
      const writes = new Map<string, SuggestionWrites>();
      for (const p of plans)
        writes.set(p.deviceId, reconcileSuggestions(p, stored, liveIds.get(p.deviceId) ?? new Set(), now));
      for (const id of gone) {
        const live = [...(liveIds.get(id) ?? [])].flatMap((sid) =>
          stored.has(sid) ? [stored.get(sid)!] : [],
        );
        if (live.length > 0) writes.set(id, expireSuggestions(live, now));
      }
      // A record an agent or an action changed since it was read is skipped: plan its device again.
      const conflicts = await suggestions.write(writes, now);
      for (const id of conflicts) pending.add(id);
      await recordUnanswered(writes, conflicts, now);
      planned += plans.length;
      for (const w of writes.values()) events += w.events.length;
    }
    return { planned, events };
  }

  /** Suggestions that closed before anyone acted on them (withdrawn, expired): outcomes too. */
  async function recordUnanswered(
    writes: ReadonlyMap<string, SuggestionWrites>,
    conflicts: ReadonlySet<string>,
    now: number,
  ): Promise<void> {
    const closed: Outcome[] = [];
    for (const [deviceId, w] of writes) {
      if (conflicts.has(deviceId)) continue;
      for (const record of w.records) {
        if (record.state !== 'withdrawn' && record.state !== 'expired') continue;
        closed.push(outcomeOf(record, { closedAt: now, decision: 'none' }));
      }
    }
    await outcomes.record(...closed);
  }

  return {
    /** Loads topology and findings, and marks every device that may need a fresh plan. */
    async prime(): Promise<void> {
      await syncInventory();
      await mirror.reload();
      for (const id of mirror.byDevice.keys()) pending.add(id);
      for (const id of await suggestions.devicesWithLive()) pending.add(id);
      incidents = await incidentStore.active();
      for (const incident of incidents) for (const id of covered(incident)) pending.add(id);
    },

    /** Marks devices to plan on the next step (finding changes, actions that finished). */
    touch(deviceIds: Iterable<string>): void {
      for (const id of deviceIds) pending.add(id);
    },

    /** Everything with findings or live suggestions gets a fresh plan next step (time-based rules: openFor). */
    async touchAll(): Promise<void> {
      for (const id of mirror.byDevice.keys()) pending.add(id);
      for (const id of await suggestions.devicesWithLive()) pending.add(id);
    },

    incidents: (): readonly Incident[] => incidents,

    async step(now: number): Promise<StepReport> {
      if (await syncInventory()) await this.touchAll();
      const windows = await maintenance.list(now);
      const changes = await incidentStore.locked(async () => {
        // Re-read under the lock: a NOC edit (ETA, note, ack) since the last step must be kept.
        const previous = await incidentStore.active();
        // What answers below each possible root: a silent parent over answering devices is no outage.
        const silentSince = (id: string): number | undefined => {
          const down = (mirror.byDevice.get(id) ?? []).filter(isDownFinding);
          return down.length > 0 ? Math.min(...down.map((f) => f.since)) : undefined;
        };
        const silentParents = new Map<string, number>();
        for (const [id] of mirror.byDevice) {
          const since = silentSince(id);
          if (since !== undefined && topology.childrenOf(id).length > 0) silentParents.set(id, since);
        }
        for (const incident of previous)
          if (!silentParents.has(incident.rootDeviceId))
            silentParents.set(incident.rootDeviceId, silentSince(incident.rootDeviceId) ?? incident.openedAt);
        const answering = await loadAnswering(
          redis,
          keys,
          devicesToWeigh(silentParents, (id) => topology.descendantsOf(id)),
        );
        const result = correlate({
          now,
          topology,
          findingsByDevice: mirror.byDevice,
          incidents: previous,
          maintenance: windows,
          answering,
          ...(deps.correlation ? { config: deps.correlation } : {}),
        });
        const before = new Map(previous.map((i) => [i.id, JSON.stringify(i)]));
        const after = new Map(result.incidents.map((i) => [i.id, JSON.stringify(i)]));
        for (const incident of [...previous, ...result.incidents]) {
          if (before.get(incident.id) !== after.get(incident.id))
            for (const id of covered(incident)) pending.add(id);
        }
        if (
          result.changes.length > 0 ||
          before.size !== after.size ||
          [...after].some(([id, json]) => before.get(id) !== json)
        )
          await incidentStore.saveStep(previous, result.incidents, result.changes);
        incidents = result.incidents;
        return result.changes;
      });
      for (const change of changes) {
        log.info(
          {
            incident: change.incident.id,
            kind: change.incident.kind,
            devices: change.incident.affectedDeviceIds.length,
            subscribers: change.incident.affectedSubscriberIds.length,
          },
          `incident ${change.type}`,
        );
      }
      for (const change of changes)
        if (change.type === 'resolved')
          for (const id of covered(change.incident)) afterOutage.set(id, now + holdUnreachableMs);
      for (const [id, until] of afterOutage) if (until <= now) afterOutage.delete(id);
      for (const [id, until] of settling) if (until <= now) pending.add(id);
      const dirty = [...pending].sort();
      pending.clear();
      let result: { planned: number; events: number };
      try {
        result = await planAndWrite(dirty, now);
      } catch (error) {
        // Nothing is lost: the devices are planned again on the next step.
        for (const id of dirty) pending.add(id);
        throw error;
      }
      const { planned, events } = result;
      return { at: now, incidentChanges: changes.length, devicesPlanned: planned, suggestionEvents: events };
    },

    trimClosed: (now: number) => trimClosedSuggestions(redis, keys, now),
  };
}

export type Advisor = ReturnType<typeof createAdvisor>;
