import type { Redis } from 'ioredis';
import {
  correlate,
  DEFAULT_CORRELATION_CONFIG,
  type CorrelationConfig,
  type CorrelationTopology,
  type Incident,
  type IncidentChange,
  type MaintenanceWindow,
} from '../correlation/index.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { devicesToWeigh, loadAnswering, loadConfirmedSilent, silentParents } from './answering-devices.js';
import { CorrelationGate } from './correlation-gate.js';
import type { FindingsMirror } from './findings-mirror.js';
import { createIncidentStore } from './incident-store.js';
import { createMaintenanceStore } from './maintenance-store.js';

export interface CorrelatorDeps {
  redis: Redis;
  keys: RedisKeys;
  mirror: FindingsMirror;
  correlation?: Partial<CorrelationConfig>;
}

/** The topology the advisor holds now, and what it marks for planning when an incident changes. */
export interface CorrelationContext {
  topology: CorrelationTopology;
  inventoryVersion: string;
  /** An incident changed: the devices it covers (before or after) need a fresh plan. */
  changed(incident: Incident): void;
}

/**
 * The advisor's correlation step: the open findings and the stored incidents → the next incidents,
 * saved under the incident lock with their events. Keeps the incidents it last read or wrote (valid
 * while the store's version holds) and skips a step whose inputs are those of the last (CorrelationGate):
 * an idle step under a 20,000-CPE outage costs a few lookups instead of re-describing the outage.
 */
export class IncidentCorrelator {
  private readonly incidentStore;
  private readonly maintenance;
  private readonly gate: CorrelationGate;
  private current: Incident[] = [];
  /** The store's version `current` was read or written at: while Redis holds it, `current` is what it holds. */
  private currentVersion: string | undefined;

  constructor(private readonly deps: CorrelatorDeps) {
    this.incidentStore = createIncidentStore(deps.redis, deps.keys);
    this.maintenance = createMaintenanceStore(deps.redis, deps.keys);
    this.gate = new CorrelationGate(deps.redis, deps.keys, {
      ...DEFAULT_CORRELATION_CONFIG,
      ...deps.correlation,
    });
  }

  incidents(): readonly Incident[] {
    return this.current;
  }

  /** Reads the active incidents afresh (at start, or after taking the lead). */
  async load(): Promise<readonly Incident[]> {
    this.currentVersion = undefined;
    this.gate.forget();
    this.current = await this.incidentStore.active();
    return this.current;
  }

  async step(now: number, context: CorrelationContext): Promise<IncidentChange[]> {
    const findingsVersion = this.deps.mirror.version;
    const [windows, incidentsVersion] = await Promise.all([
      this.maintenance.list(now),
      this.incidentStore.version(),
    ]);
    const state = {
      findingsVersion,
      findingsByDevice: this.deps.mirror.byDevice,
      inventoryVersion: context.inventoryVersion,
      topology: context.topology,
      windows,
    };
    if (incidentsVersion === this.currentVersion) {
      const key = await this.gate.key({ ...state, incidentsVersion, incidents: this.current });
      if (this.gate.covers(key, now)) return [];
    }
    try {
      const changes = await this.incidentStore.locked(() => this.stepLocked(now, windows, context));
      const after = { ...state, incidentsVersion: this.currentVersion ?? '', incidents: this.current };
      this.gate.ran(await this.gate.key(after), now, this.current, windows);
      return changes;
    } catch (error) {
      this.gate.forget();
      throw error;
    }
  }

  private async stepLocked(
    now: number,
    windows: readonly MaintenanceWindow[],
    context: CorrelationContext,
  ): Promise<IncidentChange[]> {
    const { redis, keys, mirror } = this.deps;
    const { topology } = context;
    // Re-read under the lock unless nothing was written since: a NOC edit (ETA, note, ack) must be kept.
    const version = await this.incidentStore.version();
    const previous = version === this.currentVersion ? this.current : await this.incidentStore.active();
    const silent = silentParents(mirror.byDevice, topology, previous);
    const [answering, confirmedSilent] = await Promise.all([
      loadAnswering(
        redis,
        keys,
        devicesToWeigh(silent, (id) => topology.descendantsOf(id)),
      ),
      loadConfirmedSilent(redis, keys, silent),
    ]);
    const result = correlate({
      now,
      topology,
      findingsByDevice: mirror.byDevice,
      incidents: previous,
      maintenance: windows,
      answering,
      confirmedSilent,
      ...(this.deps.correlation ? { config: this.deps.correlation } : {}),
    });
    const before = new Map(previous.map((i) => [i.id, JSON.stringify(i)]));
    const after = new Map(result.incidents.map((i) => [i.id, JSON.stringify(i)]));
    for (const incident of [...previous, ...result.incidents])
      if (before.get(incident.id) !== after.get(incident.id)) context.changed(incident);
    const changed = before.size !== after.size || [...after].some(([id, json]) => before.get(id) !== json);
    this.current = result.incidents;
    this.currentVersion = undefined;
    if (result.changes.length > 0 || changed)
      await this.incidentStore.saveStep(previous, result.incidents, result.changes);
    // Under the lock nobody else writes incidents: this is the version `current` was saved at.
    this.currentVersion = await this.incidentStore.version();
    return result.changes;
  }
}
