import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Logger } from '../platform/logger.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { stopReaderLoop } from '../platform/stop-reader-loop.js';

/** One entry of the outward stream as XREADGROUP returns it. */
export type StreamEntry = [id: string, fields: string[]];

export interface EventGroupReaderOptions {
  /** The command connection: acknowledge, reclaim, recreate the group. */
  redis: Redis;
  /** A connection of its own for the blocking read. */
  reader: Redis;
  keys: RedisKeys;
  /** The consumer group: every worker with this group shares the stream, each entry read by one. */
  group: string;
  /** Entries per read and per reclaim. */
  count: number;
  /** How often entries a dead worker read and never acknowledged are reclaimed. */
  reclaimEveryMs: number;
  /** How long an entry read stays unacknowledged before it counts as a dead worker's (default a minute). */
  reclaimIdleMs?: number;
  /** Handles a batch, acknowledged after it returns: at least once, so handling twice must be harmless. */
  handle(entries: readonly StreamEntry[]): Promise<void>;
  /** Runs before each reclaim (alerts: a pump for every queue with alerts waiting). */
  sweep?(): Promise<void>;
  log: Logger;
  /** The warning when a round fails, e.g. "alert routing failed; retrying". */
  failure: string;
}

export interface EventGroupReader {
  /** Creates the group on `client` (a connection that waits for Redis at boot), then reads. */
  start(client: Redis): Promise<void>;
  /** Stops reading; disconnecting the reader ends a blocking read at once. */
  stop(): Promise<void>;
}

/** An idle entry is a dead worker's after this long (a live one acknowledges within seconds). */
const RECLAIM_IDLE_MS = 60_000;

async function createGroup(client: Redis, keys: RedisKeys, group: string): Promise<void> {
  try {
    // From now on: what the group does is about incidents happening, never a replay of the stream's history.
    await client.xgroup('CREATE', keys.events(), group, '$', 'MKSTREAM');
  } catch (error) {
    if (!String(error).includes('BUSYGROUP')) throw error;
  }
}

/**
 * Reads the outward event stream through a consumer group, as the alert and SMS workers do: a blocking
 * read of new entries, each batch handled then acknowledged; every `reclaimEveryMs` the entries a dead
 * worker read and never acknowledged are taken over; a group gone (the stream deleted, Redis flushed)
 * is created again, and any other failure is retried after a second.
 */
export function createEventGroupReader(options: EventGroupReaderOptions): EventGroupReader {
  return new GroupReader(options);
}

class GroupReader implements EventGroupReader {
  private readonly consumer = `${hostname()}-${process.pid}`;
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: EventGroupReaderOptions) {}

  async start(client: Redis): Promise<void> {
    await createGroup(client, this.options.keys, this.options.group);
    this.running = true;
    this.loop = this.consume();
  }

  async stop(): Promise<void> {
    this.running = false;
    await stopReaderLoop(this.options.reader, this.loop);
  }

  private async consume(): Promise<void> {
    let lastReclaim = 0;
    while (this.running) {
      try {
        await this.readNew();
        if (Date.now() - lastReclaim >= this.options.reclaimEveryMs) {
          lastReclaim = Date.now();
          await this.reclaim();
        }
      } catch (error) {
        if (!this.running) return;
        await this.recover(error);
      }
    }
  }

  private async handle(entries: readonly StreamEntry[]): Promise<void> {
    const { redis, keys, group } = this.options;
    await this.options.handle(entries);
    if (entries.length > 0) await redis.xack(keys.events(), group, ...entries.map(([id]) => id));
  }

  private async readNew(): Promise<void> {
    const { reader, keys, group, count } = this.options;
    const reply = (await reader.xreadgroup(
      'GROUP',
      group,
      this.consumer,
      'COUNT',
      count,
      'BLOCK',
      1_000,
      'STREAMS',
      keys.events(),
      '>',
    )) as [string, StreamEntry[]][] | null;
    for (const [, entries] of reply ?? []) await this.handle(entries);
  }

  private async reclaim(): Promise<void> {
    const { redis, keys, group, count } = this.options;
    await this.options.sweep?.();
    const [, claimed] = (await redis.xautoclaim(
      keys.events(),
      group,
      this.consumer,
      this.options.reclaimIdleMs ?? RECLAIM_IDLE_MS,
      '0-0',
      'COUNT',
      count,
    )) as [string, (StreamEntry | [string, null])[]];
    // An entry trimmed from the stream after it was read comes back with no fields.
    const live = claimed.filter((entry): entry is StreamEntry => entry[1] !== null);
    if (live.length > 0) await this.handle(live);
  }

  /** A group gone is created again; anything else (Redis away) is retried after a second, never thrown. */
  private async recover(error: unknown): Promise<void> {
    try {
      if (String(error).includes('NOGROUP'))
        return await createGroup(this.options.redis, this.options.keys, this.options.group);
    } catch (again) {
      error = again;
    }
    this.options.log.warn({ err: error }, this.options.failure);
    await sleep(1_000);
  }
}
