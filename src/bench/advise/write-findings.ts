import type { Redis } from 'ioredis';
import { initialDetectionState, type Finding } from '../../detection/index.js';
import type { RedisKeys } from '../../platform/redis-keys.js';
import { createDeviceStatusIndex, statusFacts } from '../../polling/device-status-index.js';
import type { PollerStateStore } from '../../polling/poller-state-store.js';

/** The poll service's cap on the finding-change stream (poll-service.ts). */
const FINDING_EVENTS_MAXLEN = 100_000;
const WRITE_BATCH = 5_000;

export interface DeviceFindings {
  deviceId: string;
  findings: Finding[];
  reachable: boolean;
}

/** What a poll's findings change against the stored ones: opened, updated, cleared. */
function findingChanges(
  old: Readonly<Record<string, Finding>>,
  findings: readonly Finding[],
  now: number,
): [string, Finding][] {
  const ids = new Set(findings.map((f) => f.id));
  const changes: [string, Finding][] = [];
  for (const f of Object.values(old)) if (!ids.has(f.id)) changes.push(['cleared', { ...f, updatedAt: now }]);
  for (const f of findings) {
    const was = old[f.id];
    if (!was) changes.push(['opened', f]);
    else if (JSON.stringify(was) !== JSON.stringify(f)) changes.push(['updated', f]);
  }
  return changes;
}

/**
 * Writes devices' open findings exactly as a poller does after a poll: the state (msgpack, per shard),
 * the status and finding-kind index, and opened / updated / cleared on the finding-change stream.
 */
export async function writeFindings(
  redis: Redis,
  keys: RedisKeys,
  states: PollerStateStore,
  updates: readonly DeviceFindings[],
  now: number,
): Promise<void> {
  const index = createDeviceStatusIndex(redis, keys);
  for (let i = 0; i < updates.length; i += WRITE_BATCH) {
    const batch = updates.slice(i, i + WRITE_BATCH);
    const previous = await states.load(batch.map((u) => u.deviceId));
    const pipeline = redis.pipeline();
    const facts = [];
    const saved = [];
    for (const update of batch) {
      const before = previous.get(update.deviceId);
      const detection = structuredClone(before?.detection ?? initialDetectionState(update.deviceId));
      detection.reachable = update.reachable;
      detection.consecutiveFailures = update.reachable ? 0 : 3;
      detection.consecutiveSuccesses = update.reachable ? 1 : 0;
      detection.lastPollAt = now;
      detection.lastOutcome = update.reachable ? 'ok' : 'timeout';
      detection.findings = Object.fromEntries(update.findings.map((f) => [f.id, f]));
      saved.push({ probe: before?.probe ?? 'cpe-lte', indices: before?.indices ?? {}, detection });
      facts.push({
        id: update.deviceId,
        before: statusFacts(before?.detection),
        after: statusFacts(detection),
      });
      for (const [type, finding] of findingChanges(before?.detection.findings ?? {}, update.findings, now))
        pipeline.xadd(
          keys.findingEvents(),
          'MAXLEN',
          '~',
          String(FINDING_EVENTS_MAXLEN),
          '*',
          'type',
          type,
          'deviceId',
          update.deviceId,
          'finding',
          JSON.stringify(finding),
        );
    }
    // The poller's order: state, then the index, then the changes.
    await states.save(saved);
    await index.update(facts);
    await pipeline.exec();
  }
}
