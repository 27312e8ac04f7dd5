import type { Redis } from 'ioredis';
import {
  topologyFromInventory,
  ancestorsOf,
  DEFAULT_CORRELATION_CONFIG,
  type CorrelationConfig,
  type CorrelationTopology,
  type Incident,
  type IncidentChange,
} from '../correlation/index.js';
import type { Device } from '../inventory/index.js';
import { failpoint } from '../platform/failpoints.js';
import type { Logger } from '../platform/logger.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { Playbook } from '../playbooks/index.js';
import type { FindingsMirror } from './findings-mirror.js';
import { IncidentCorrelator } from './incident-correlator.js';
import { planDevice } from './plan-device.js';
import { createRebootLedger } from './reboot-ledger.js';
import { createOutcomeStore } from '../outcomes/outcome-store.js';
import { outcomeOf, type Outcome } from '../outcomes/outcome.js';
import { expireSuggestions, reconcileSuggestions, type SuggestionWrites } from './reconcile-suggestions.js';
import { createSuggestionStore, trimClosedSuggestions } from './suggestion-store.js';
import { InventoryTopologyCache } from './inventory-topology.js';

/** Devices planned per Redis round trip. */
const PLAN_BATCH = 500;

export interface AdvisorDeps {
  redis: Redis;
  keys: RedisKeys;
  logger: Logger;
  playbooks: readonly Playbook[];
  mirror: FindingsMirror;
  correlation?: Partial<CorrelationConfig>;
  /** Kept by the process across leadership terms (advisor-role.ts); an advisor of its own otherwise. */
  topologies?: InventoryTopologyCache;
}

export interface StepReport {
  at: number;
  incidentChanges: number;
  devicesPlanned: number;
  suggestionEvents: number;
}

interface Plans {
  planned: number;
  events: number;
}

/**
 * The stage after detection: open findings → correlation → incidents, then each affected device's plan
 * → suggestions, stored and announced. One advisor runs at a time (see advisor-role.ts); a step is
 * idempotent, so running one twice, or after a crash, announces nothing twice.
 */
export function createAdvisor(deps: AdvisorDeps): Advisor {
  return new Advisor(deps);
}

export class Advisor {
  private readonly log: Logger;
  private readonly topologies: InventoryTopologyCache;
  private readonly suggestions;
  private readonly ledger;
  private readonly outcomes;
  private readonly holdUnreachableMs: number;

  private inventoryVersion: string | undefined;
  private devices: ReadonlyMap<string, Device> = new Map<string, Device>();
  private topology: CorrelationTopology = topologyFromInventory([]);
  private readonly correlator: IncidentCorrelator;
  private readonly pending = new Set<string>();
  /** Devices whose fresh unreachable finding is held back, and until when: planned again once it is not. */
  private readonly settling = new Map<string, number>();
  /** Devices an outage covered, by when the hold on their unreachable findings ends after it resolved. */
  private readonly afterOutage = new Map<string, number>();

  constructor(private readonly deps: AdvisorDeps) {
    const { redis, keys } = deps;
    this.log = deps.logger.child({ module: 'advisor' });
    this.topologies = deps.topologies ?? new InventoryTopologyCache(redis, keys);
    this.suggestions = createSuggestionStore(redis, keys);
    this.ledger = createRebootLedger(redis, keys);
    this.outcomes = createOutcomeStore(redis, keys);
    this.holdUnreachableMs = deps.correlation?.settleMs ?? DEFAULT_CORRELATION_CONFIG.settleMs;
    this.correlator = new IncidentCorrelator(deps);
  }

  /** Loads topology and findings, and marks every device that may need a fresh plan. */
  async prime(): Promise<void> {
    await this.syncInventory();
    await this.deps.mirror.reload();
    await this.touchAll();
    for (const incident of await this.correlator.load()) this.touch(this.covered(incident));
  }

  /** Marks devices to plan on the next step (finding changes, actions that finished). */
  touch(deviceIds: Iterable<string>): void {
    for (const id of deviceIds) this.pending.add(id);
  }

  /** Everything with findings or live suggestions gets a fresh plan next step (time-based rules: openFor). */
  async touchAll(): Promise<void> {
    this.touch(this.deps.mirror.byDevice.keys());
    this.touch(await this.suggestions.devicesWithLive());
  }

  incidents(): readonly Incident[] {
    return this.correlator.incidents();
  }

  async step(now: number): Promise<StepReport> {
    if (await this.syncInventory()) await this.touchAll();
    const changes = await this.correlate(now);
    for (const change of changes) {
      const { incident } = change;
      this.log.info(
        {
          incident: incident.id,
          kind: incident.kind,
          devices: incident.affectedDeviceIds.length,
          subscribers: incident.affectedSubscriberIds.length,
        },
        `incident ${change.type}`,
      );
      if (change.type === 'resolved')
        for (const id of this.covered(incident)) this.afterOutage.set(id, now + this.holdUnreachableMs);
    }
    // A drill's crash point: the step's incidents saved and announced, its plans (the notices) not yet.
    for (const change of changes) await failpoint('advisor:mid-step', change.incident.id);
    for (const [id, until] of this.afterOutage) if (until <= now) this.afterOutage.delete(id);
    for (const [id, until] of this.settling) if (until <= now) this.pending.add(id);
    const dirty = [...this.pending].sort();
    this.pending.clear();
    let result: Plans;
    try {
      result = await this.planAndWrite(dirty, now);
    } catch (error) {
      // Nothing is lost: the devices are planned again on the next step.
      this.touch(dirty);
      throw error;
    }
    return {
      at: now,
      incidentChanges: changes.length,
      devicesPlanned: result.planned,
      suggestionEvents: result.events,
    };
  }

  trimClosed(now: number): Promise<number> {
    return trimClosedSuggestions(this.deps.redis, this.deps.keys, now);
  }

  /** Reloads the topology when an import happened; returns true when it did. */
  private async syncInventory(): Promise<boolean> {
    const loaded = await this.topologies.current();
    if (loaded.version === this.inventoryVersion) return false;
    this.devices = loaded.devices;
    this.topology = loaded.topology;
    this.inventoryVersion = loaded.version;
    this.log.info({ devices: loaded.devices.size, subscribers: loaded.subscribers }, 'topology loaded');
    return true;
  }

  /** Every device under (and including) an incident's root. */
  private covered(incident: Incident): string[] {
    return [incident.rootDeviceId, ...this.topology.descendantsOf(incident.rootDeviceId)];
  }

  private correlate(now: number): Promise<IncidentChange[]> {
    return this.correlator.step(now, {
      topology: this.topology,
      inventoryVersion: this.inventoryVersion ?? '',
      changed: (incident) => this.touch(this.covered(incident)),
    });
  }

  private async planAndWrite(deviceIds: readonly string[], now: number): Promise<Plans> {
    const total: Plans = { planned: 0, events: 0 };
    for (let i = 0; i < deviceIds.length; i += PLAN_BATCH) {
      const batch = await this.planBatch(deviceIds.slice(i, i + PLAN_BATCH), now);
      total.planned += batch.planned;
      total.events += batch.events;
    }
    return total;
  }

  /** One round trip's devices: plan those still in the inventory, expire the suggestions of those gone. */
  private async planBatch(batch: readonly string[], now: number): Promise<Plans> {
    const present = batch.filter((id) => this.devices.has(id));
    const gone = batch.filter((id) => !this.devices.has(id));
    const [plans, liveIds] = await Promise.all([
      this.plansFor(present, now),
      this.suggestions.liveIds(batch),
    ]);
    for (const p of plans) {
      if (p.settlingUntil !== undefined) this.settling.set(p.deviceId, p.settlingUntil);
      else this.settling.delete(p.deviceId);
    }
    const wanted = new Set<string>();
    for (const set of liveIds.values()) for (const id of set) wanted.add(id);
    for (const p of plans) for (const s of p.suggestions) wanted.add(s.id);
    const stored = await this.suggestions.records([...wanted]);
    const writes = new Map<string, SuggestionWrites>();
    for (const p of plans)
      writes.set(p.deviceId, reconcileSuggestions(p, stored, liveIds.get(p.deviceId) ?? new Set(), now));
    for (const id of gone) {
      const live = [...(liveIds.get(id) ?? [])].flatMap((sid) => (stored.has(sid) ? [stored.get(sid)!] : []));
      if (live.length > 0) writes.set(id, expireSuggestions(live, now));
    }
    // A record an agent or an action changed since it was read is skipped: plan its device again.
    const conflicts = await this.suggestions.write(writes, now);
    this.touch(conflicts);
    await this.recordUnanswered(writes, conflicts, now);
    let events = 0;
    for (const w of writes.values()) events += w.events.length;
    return { planned: plans.length, events };
  }

  private async plansFor(present: readonly string[], now: number): Promise<ReturnType<typeof planDevice>[]> {
    const parents = [
      ...new Set(present.map((id) => this.devices.get(id)?.parentId).filter((p): p is string => !!p)),
    ];
    const [histories, running] = await Promise.all([
      this.ledger.histories(present, now),
      this.ledger.runningUnder(parents, now),
    ]);
    return present.map((id) => {
      const device = this.devices.get(id) as Device;
      return planDevice(
        this.deps.playbooks,
        {
          device,
          ancestorIds: ancestorsOf(this.topology, id),
          subscriberIds: [...this.topology.subscribersOf([id])].sort(),
          findings: this.deps.mirror.byDevice.get(id) ?? [],
          ...(histories.has(id) ? { history: histories.get(id) } : {}),
          concurrentRebootsUnderParent: device.parentId ? (running.get(device.parentId) ?? 0) : 0,
          ...(this.afterOutage.has(id) ? { unreachableHeldUntil: this.afterOutage.get(id) } : {}),
        },
        this.correlator.incidents(),
        now,
        this.holdUnreachableMs,
      );
    });
  }

  /** Suggestions that closed before anyone acted on them (withdrawn, expired): outcomes too. */
  private async recordUnanswered(
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
    await this.outcomes.record(...closed);
  }
}
