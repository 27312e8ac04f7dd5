import type { Redis } from 'ioredis';
import type {
  CorrelationConfig,
  CorrelationTopology,
  Incident,
  MaintenanceWindow,
} from '../correlation/index.js';
import type { Finding } from '../detection/index.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { loadConfirmedSilent, silentParents } from './answering-devices.js';

/**
 * How stale the answers below a silent parent may get while nothing else changes. Answers are the one
 * input with no version: reading them means one lookup per device under every silent parent (20,000
 * under a big outage). They decide a pending outage only at its settle deadline (always a full step) and
 * an open one's recovery, which then waits `resolveAfterMs` anyway; so re-weighing them every few seconds
 * loses nothing an agent or the NOC would see.
 */
export const REWEIGH_MS = 5_000;

/** What correlation reads, as the advisor holds it at the start of a step. */
export interface CorrelationState {
  findingsVersion: number;
  findingsByDevice: ReadonlyMap<string, readonly Finding[]>;
  inventoryVersion: string;
  topology: CorrelationTopology;
  incidentsVersion: string;
  incidents: readonly Incident[];
  windows: readonly MaintenanceWindow[];
}

/**
 * Lets the advisor skip a correlation step whose answer cannot differ from the last one: same findings,
 * topology, incidents (no NOC edit, no other writer), maintenance windows and confirmed silences, no
 * settle or recovery deadline or window boundary passed, and answers weighed less than REWEIGH_MS ago.
 * Correlation is pure and idempotent, so a skipped step is the step it would have been.
 */
export class CorrelationGate {
  private last: { key: string; until: number } | undefined;
  private silentMemo: { key: string; silent: Map<string, number> } | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly config: CorrelationConfig,
  ) {}

  /** The inputs' identity: equal keys, equal correlation (but for the answers and the clock). */
  async key(state: CorrelationState): Promise<string> {
    const confirmed = await loadConfirmedSilent(this.redis, this.keys, this.silent(state));
    const windows = state.windows.map((w) => `${w.id}@${w.startsAt}-${w.endsAt}`).join(',');
    return [
      state.findingsVersion,
      state.inventoryVersion,
      state.incidentsVersion,
      windows,
      [...confirmed].sort().join(','),
    ].join('|');
  }

  /** Whether the last full step still answers for `key` at `now`. */
  covers(key: string, now: number): boolean {
    return this.last !== undefined && this.last.key === key && now < this.last.until;
  }

  /** A full step ran at `now` and left `incidents`: its answer holds for `key` until the next deadline. */
  ran(key: string, now: number, incidents: readonly Incident[], windows: readonly MaintenanceWindow[]): void {
    this.last = {
      key,
      until: Math.min(now + REWEIGH_MS, nextDeadline(now, incidents, windows, this.config)),
    };
  }

  /** After a failed step: the next one runs in full. */
  forget(): void {
    this.last = undefined;
  }

  /** Silent parents change only with findings, incidents or topology: computed once per change. */
  private silent(state: CorrelationState): Map<string, number> {
    const key = `${state.findingsVersion}|${state.incidentsVersion}|${state.inventoryVersion}`;
    if (this.silentMemo?.key !== key)
      this.silentMemo = {
        key,
        silent: silentParents(state.findingsByDevice, state.topology, state.incidents),
      };
    return this.silentMemo.silent;
  }
}

/** The first moment after `now` when time alone can change correlation's answer. */
export function nextDeadline(
  now: number,
  incidents: readonly Incident[],
  windows: readonly MaintenanceWindow[],
  config: Pick<CorrelationConfig, 'settleMs' | 'resolveAfterMs'>,
): number {
  let next = Infinity;
  for (const incident of incidents) {
    if (incident.state === 'pending') next = Math.min(next, incident.openedAt + config.settleMs);
    if (incident.recoveringSince !== undefined)
      next = Math.min(next, incident.recoveringSince + config.resolveAfterMs);
  }
  for (const window of windows)
    for (const at of [window.startsAt, window.endsAt]) if (at > now) next = Math.min(next, at);
  return next;
}
