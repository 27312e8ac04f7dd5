import type { Redis } from 'ioredis';
import { FINDING_KINDS, type Finding, type FindingChange } from '../detection/index.js';
import type { PollerStateStore } from '../polling/poller-state-store.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { pollShardList } from '../platform/poll-shard-reads.js';

/**
 * The fleet's open findings in memory, for correlation, which looks at all of them on every step.
 * Loaded from the pollers' state (through the finding index, so only devices with findings are read),
 * then kept current from the finding-change stream; a periodic reload heals anything missed (a stream
 * trimmed while this process was away).
 */
export interface FindingsMirror {
  readonly byDevice: ReadonlyMap<string, readonly Finding[]>;
  /** Goes up whenever `byDevice` changes: correlation's inputs are the same while it holds. */
  readonly version: number;
  /** Reads everything afresh; returns the devices whose findings differ from before. */
  reload(): Promise<Set<string>>;
  /** Applies the changes published since the last call, waiting up to `blockMs` for the first; returns the devices touched. */
  follow(blockMs: number): Promise<Set<string>>;
}

export interface FindingsMirrorDeps {
  redis: Redis;
  /** A connection of its own: XREAD BLOCK holds it while waiting. */
  reader: Redis;
  keys: RedisKeys;
  states: PollerStateStore;
}

export function createFindingsMirror(deps: FindingsMirrorDeps): FindingsMirror {
  return new StreamedFindingsMirror(deps);
}

class StreamedFindingsMirror implements FindingsMirror {
  readonly byDevice = new Map<string, readonly Finding[]>();
  version = 0;
  private findings = new Map<string, Map<string, Finding>>();
  private lastId = '0-0';
  // Devices to plan again without a finding change (an action finished): read alongside, from now on.
  private lastTouchId = '$';

  constructor(private readonly deps: FindingsMirrorDeps) {}

  async reload(): Promise<Set<string>> {
    const { redis, keys } = this.deps;
    // The stream position first: a change landing during the read is then replayed, never lost.
    const [newest] = await redis.xrevrange(keys.findingEvents(), '+', '-', 'COUNT', 1);
    const position = newest?.[0] ?? '0-0';
    if (this.lastTouchId === '$') {
      const [touch] = await redis.xrevrange(keys.advisorTouches(), '+', '-', 'COUNT', 1);
      this.lastTouchId = touch?.[0] ?? '0-0';
    }
    const next = await this.readAll();
    const changed = new Set<string>();
    for (const id of new Set([...this.findings.keys(), ...next.keys()])) {
      if (fingerprint(this.findings.get(id)) !== fingerprint(next.get(id))) changed.add(id);
    }
    this.findings = next;
    this.byDevice.clear();
    for (const id of this.findings.keys()) this.refreshView(id);
    this.lastId = position;
    if (changed.size > 0) this.version += 1;
    return changed;
  }

  async follow(blockMs: number): Promise<Set<string>> {
    const { reader, keys } = this.deps;
    const touched = new Set<string>();
    const reply = await reader.xread(
      'COUNT',
      5000,
      'BLOCK',
      blockMs,
      'STREAMS',
      keys.findingEvents(),
      keys.advisorTouches(),
      this.lastId,
      this.lastTouchId,
    );
    for (const [stream, entries] of reply ?? []) {
      for (const [id, fields] of entries) {
        const deviceId =
          stream === keys.advisorTouches() ? this.applyTouch(id, fields) : this.applyChange(id, fields);
        if (deviceId) touched.add(deviceId);
      }
    }
    return touched;
  }

  /** Every device in a finding index, with its open findings from the pollers' state. */
  private async readAll(): Promise<Map<string, Map<string, Finding>>> {
    const { redis, keys } = this.deps;
    // Every shard's finding sets (a device is in its own shard's only), a command each, sent at once.
    const replies = await Promise.all(
      pollShardList(keys).flatMap((shard) =>
        FINDING_KINDS.map((kind) => redis.zrange(keys.devicesByFinding(kind, shard), 0, -1)),
      ),
    );
    const ids = [...new Set(replies.flat())];
    const states = await this.deps.states.load(ids);
    const next = new Map<string, Map<string, Finding>>();
    for (const [id, state] of states) {
      const findings = Object.values(state.detection.findings);
      if (findings.length > 0) next.set(id, new Map(findings.map((f) => [f.id, f])));
    }
    return next;
  }

  private applyTouch(id: string, fields: string[]): string | undefined {
    this.lastTouchId = id;
    return fields[fields.indexOf('deviceId') + 1];
  }

  private applyChange(id: string, fields: string[]): string | undefined {
    this.lastId = id;
    const change = decodeChange(fields);
    if (!change) return undefined;
    const { deviceId } = change.finding;
    const findings = this.findings.get(deviceId) ?? new Map<string, Finding>();
    if (change.type === 'cleared') findings.delete(change.finding.id);
    else findings.set(change.finding.id, change.finding);
    this.findings.set(deviceId, findings);
    this.refreshView(deviceId);
    this.version += 1;
    return deviceId;
  }

  private refreshView(deviceId: string): void {
    const findings = this.findings.get(deviceId);
    if (!findings || findings.size === 0) {
      this.findings.delete(deviceId);
      this.byDevice.delete(deviceId);
    } else
      this.byDevice.set(
        deviceId,
        [...findings.values()].sort((a, b) => a.id.localeCompare(b.id)),
      );
  }
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
