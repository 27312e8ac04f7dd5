import type { Redis } from 'ioredis';
import { FINDING_KINDS, type Finding, type FindingChange } from '../detection/index.js';
import type { PollerStateStore } from '../polling/poller-state-store.js';
import type { RedisKeys } from '../platform/redis-keys.js';

/**
 * The fleet's open findings in memory, for correlation, which looks at all of them on every step.
 * Loaded from the pollers' state (through the finding index, so only devices with findings are read),
 * then kept current from the finding-change stream; a periodic reload heals anything missed (a stream
 * trimmed while this process was away).
 */
export interface FindingsMirror {
  readonly byDevice: ReadonlyMap<string, readonly Finding[]>;
  /** Reads everything afresh; returns the devices whose findings differ from before. */
  reload(): Promise<Set<string>>;
  /** Applies the changes published since the last call, waiting up to `blockMs` for the first; returns the devices touched. */
  follow(blockMs: number): Promise<Set<string>>;
}

export function createFindingsMirror(deps: {
  redis: Redis;
  /** A connection of its own: XREAD BLOCK holds it while waiting. */
  reader: Redis;
  keys: RedisKeys;
  states: PollerStateStore;
}): FindingsMirror {
  const { redis, reader, keys } = deps;
  let byDevice = new Map<string, Map<string, Finding>>();
  let lastId = '0-0';
  // Devices to plan again without a finding change (an action finished): read alongside, from now on.
  let lastTouchId = '$';
  const view = new Map<string, readonly Finding[]>();

  const refreshView = (deviceId: string): void => {
    const findings = byDevice.get(deviceId);
    if (!findings || findings.size === 0) {
      byDevice.delete(deviceId);
      view.delete(deviceId);
    } else
      view.set(
        deviceId,
        [...findings.values()].sort((a, b) => a.id.localeCompare(b.id)),
      );
  };

  return {
    byDevice: view,

    async reload() {
      // The stream position first: a change landing during the read is then replayed, never lost.
      const [newest] = await redis.xrevrange(keys.findingEvents(), '+', '-', 'COUNT', 1);
      const position = newest?.[0] ?? '0-0';
      if (lastTouchId === '$') {
        const [touch] = await redis.xrevrange(keys.advisorTouches(), '+', '-', 'COUNT', 1);
        lastTouchId = touch?.[0] ?? '0-0';
      }
      const pipeline = redis.pipeline();
      for (const kind of FINDING_KINDS) pipeline.zrange(keys.devicesByFinding(kind), 0, -1);
      const replies = (await pipeline.exec()) ?? [];
      const ids = [...new Set(replies.flatMap(([, members]) => (members as string[] | null) ?? []))];
      const states = await deps.states.load(ids);
      const next = new Map<string, Map<string, Finding>>();
      for (const [id, state] of states) {
        const findings = Object.values(state.detection.findings);
        if (findings.length > 0) next.set(id, new Map(findings.map((f) => [f.id, f])));
      }
      const changed = new Set<string>();
      for (const id of new Set([...byDevice.keys(), ...next.keys()])) {
        if (fingerprint(byDevice.get(id)) !== fingerprint(next.get(id))) changed.add(id);
      }
      byDevice = next;
      view.clear();
      for (const id of byDevice.keys()) refreshView(id);
      lastId = position;
      return changed;
    },

    async follow(blockMs) {
      const touched = new Set<string>();
      const reply = await reader.xread(
        'COUNT',
        5000,
        'BLOCK',
        blockMs,
        'STREAMS',
        keys.findingEvents(),
        keys.advisorTouches(),
        lastId,
        lastTouchId,
      );
      for (const [stream, entries] of reply ?? []) {
        if (stream === keys.advisorTouches()) {
          for (const [id, fields] of entries) {
            lastTouchId = id;
            const deviceId = fields[fields.indexOf('deviceId') + 1];
            if (deviceId) touched.add(deviceId);
          }
          continue;
        }
        for (const [id, fields] of entries) {
          lastId = id;
          const change = decodeChange(fields);
          if (!change) continue;
          const { deviceId } = change.finding;
          const findings = byDevice.get(deviceId) ?? new Map<string, Finding>();
          if (change.type === 'cleared') findings.delete(change.finding.id);
          else findings.set(change.finding.id, change.finding);
          byDevice.set(deviceId, findings);
          refreshView(deviceId);
          touched.add(deviceId);
        }
      }
      return touched;
    },
  };
}

function fingerprint(findings: Map<string, Finding> | undefined): string {
  if (!findings) return '';
  return [...findings.values()]
    .map((f) => `${f.id}|${f.severity}|${f.since}|${f.updatedAt}`)
    .sort()
    .join(';');
}

function decodeChange(fields: string[]): FindingChange | undefined {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] as string, fields[i + 1] as string);
  const type = map.get('type');
  const json = map.get('finding');
  if ((type !== 'opened' && type !== 'updated' && type !== 'cleared') || json === undefined) return undefined;
  const finding = JSON.parse(json) as Finding;
  return type === 'cleared' ? { type, finding, at: finding.updatedAt } : { type, finding };
}
