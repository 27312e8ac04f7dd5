import type { Redis } from 'ioredis';
import type { Logger } from '../platform/logger.js';
import { readOverview, type Overview, type OverviewSources } from './overview.js';

export type OverviewListener = (overview: Overview) => void;

export interface OverviewFeedDeps extends OverviewSources {
  /** A connection of its own: once subscribed it can do nothing else. */
  subscriber: Redis;
  logger: Logger;
  /** Re-read at least this often while anyone listens (the minute series move without a status change). */
  refreshMs?: number;
  /** Status changes arriving closer together than this are one re-read. */
  settleMs?: number;
  /**
   * Re-reads start at least this far apart, however busy the fleet: at a million devices a read walks
   * the access nodes and base stations (overview.ts), which Redis should not do many times a second.
   */
  minIntervalMs?: number;
}

/**
 * The overview as it moves, for the streams connected to this API process: the pollers publish on
 * `deviceStatusChanged` when a poll batch moved a device's status; the feed re-reads the overview
 * (a burst coalesced into one read, reads at most once a second) and hands it to every listener. It
 * also re-reads every `refreshMs` for the minute series and incidents. Subscribed only while someone
 * listens.
 */
export function createOverviewFeed(deps: OverviewFeedDeps): OverviewFeed {
  return new OverviewFeed(deps);
}

export class OverviewFeed {
  private readonly log: Logger;
  private readonly listeners = new Set<OverviewListener>();
  private timer: NodeJS.Timeout | undefined;
  private pending: NodeJS.Timeout | undefined;
  private reading = false;
  private lastReadAt = 0;
  private failing = false;
  private again = false;
  private readonly onMessage = (channel: string): void => {
    if (channel === this.deps.keys.deviceStatusChanged()) this.schedule();
  };

  constructor(private readonly deps: OverviewFeedDeps) {
    this.log = deps.logger.child({ module: 'overview-feed' });
  }

  /** Listens from now on (the first picture is the caller's to read); returns the unsubscribe. */
  listen(listener: OverviewListener): () => void {
    if (this.listeners.size === 0) this.start();
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  read(): Promise<Overview> {
    return readOverview(this.deps);
  }

  close(): void {
    this.listeners.clear();
    this.stop();
  }

  private start(): void {
    const { subscriber, keys } = this.deps;
    subscriber.on('message', this.onMessage);
    subscriber
      .subscribe(keys.deviceStatusChanged())
      .catch((error: unknown) => this.log.warn({ err: error }, 'overview feed could not subscribe'));
    this.timer = setInterval(() => this.schedule(), this.deps.refreshMs ?? 15_000);
  }

  private stop(): void {
    const { subscriber, keys } = this.deps;
    subscriber.off('message', this.onMessage);
    subscriber.unsubscribe(keys.deviceStatusChanged()).catch(() => undefined);
    clearInterval(this.timer);
    clearTimeout(this.pending);
    this.timer = this.pending = undefined;
  }

  /** One read soon: the changes that arrive meanwhile ride along. */
  private schedule(): void {
    const { settleMs = 250, minIntervalMs = 1_000 } = this.deps;
    const wait = Math.max(settleMs, this.lastReadAt + minIntervalMs - Date.now());
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      void this.publish();
    }, wait);
  }

  private async publish(): Promise<void> {
    if (this.reading) {
      // One read at a time; a change during it earns one more read after it.
      this.again = true;
      return;
    }
    this.reading = true;
    this.lastReadAt = Date.now();
    try {
      const overview = await this.read();
      this.failing = false;
      for (const listener of this.listeners) listener(overview);
    } catch (error) {
      // Once per outage, not at every re-read: the streams keep their last picture meanwhile.
      if (!this.failing)
        this.log.warn({ err: error }, 'overview read failed: streams keep their last picture');
      this.failing = true;
    } finally {
      this.reading = false;
      if (this.again && this.listeners.size > 0) {
        this.again = false;
        this.schedule();
      }
    }
  }
}
