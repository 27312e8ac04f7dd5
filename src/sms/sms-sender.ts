import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Incident } from '../correlation/index.js';
import { appendEvent } from '../events/event-log.js';
import { countInto } from '../platform/fleet-counters.js';
import type { Logger } from '../platform/logger.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { restoredRecord } from './plan-sms.js';
import type { QuietHours } from './quiet-hours.js';
import type { SendPace } from './send-pace.js';
import type { SmppClient } from './smpp-client.js';
import { smsView, type SmsRecord, type SmsState } from './sms-record.js';
import type { SmsStore } from './sms-store.js';
import { smsText } from './sms-text.js';
import { splitSms } from './split-sms.js';

export interface SmsSenderDeps {
  redis: Redis;
  keys: RedisKeys;
  store: SmsStore;
  pace: SendPace;
  client: Pick<SmppClient, 'submit'>;
  incident: (id: string) => Promise<Incident | undefined>;
  /**
   * The incident as stored now, uncached, when it is no longer active (undefined while it is): whether
   * a notice that just went out needs its "restored". Asked after every notice, so cheap while active.
   */
  incidentOver: (id: string) => Promise<Incident | undefined>;
  /** Quiet hours for a "restored" this sender queues itself. */
  quietHours: QuietHours | null;
  log: Logger;
  /** Submits in flight at once per worker (SMPP windowing). */
  window: number;
  /** How long a worker keeps the keys it took before another may take them (it died meanwhile). */
  leaseMs: number;
  /** After this long a claim with no outcome is a worker that died mid-submit: the SMS is left unconfirmed. */
  claimStaleMs: number;
  now?: () => number;
}

/** A reference 0-255 for the concatenation header, the same on every attempt of one record. */
const referenceOf = (key: string): number => [...key].reduce((h, c) => (h * 31 + c.charCodeAt(0)) & 0xff, 7);

/**
 * Sends queued SMS when they are due: takes a batch (leased, so other workers take others), words each
 * one at send time (the ETA as it is now; an outage over by then is dropped), waits for its slots in
 * the shared pace, claims it, submits it, and records the outcome — sent, failed, unconfirmed, or back
 * in the queue when nothing left (not bound, throttled). Every sent SMS goes on the outward stream as
 * `subscriber.notified`, so the subscriber's open conversations show it.
 */
export function createSmsSender(deps: SmsSenderDeps): SmsSender {
  return new SmsSender(deps);
}

export class SmsSender {
  private readonly now: () => number;
  private readonly claimant = `${hostname()}-${process.pid}`;
  private readonly log: Logger;
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly deps: SmsSenderDeps) {
    this.now = deps.now ?? Date.now;
    this.log = deps.log.child({ module: 'sms' });
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Takes nothing new; submits in flight finish, keys taken but not started go back to the queue. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  private async run(): Promise<void> {
    const { store, window, leaseMs } = this.deps;
    while (this.running) {
      try {
        const due = await store.leaseDue(this.now(), window * 4, this.now() + leaseMs);
        if (due.length === 0) await sleep(200);
        for (const [i, key] of due.entries()) {
          while (this.running && this.inFlight.size >= window) await Promise.race(this.inFlight);
          if (!this.running) {
            // Taken but not started: back to the queue now, not after the lease.
            for (const left of due.slice(i)) await store.requeue(left, this.now());
            break;
          }
          this.spawn(key);
        }
      } catch (error) {
        if (!this.running) return;
        this.log.warn({ err: error }, 'SMS queue unreadable; retrying');
        await sleep(1_000);
      }
    }
  }

  private spawn(key: string): void {
    const task: Promise<void> = this.send(key)
      .catch((error: unknown) =>
        this.log.warn({ err: error, key }, 'SMS send failed; the lease brings it back'),
      )
      .finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  }

  private async send(key: string): Promise<void> {
    const { store, pace, client } = this.deps;
    const [stored] = await store.get([key]);
    if (!stored || stored.state !== 'queued') return store.unqueue(key);
    const incident = await this.deps.incident(stored.incidentId);
    if (this.over(stored, incident)) return this.drop(stored);
    const text = smsText(stored.kind, stored.language, {
      timeZone: stored.timeZone,
      ...(incident?.eta ? { eta: incident.eta } : {}),
    });
    const { dataCoding, parts } = splitSms(text, referenceOf(key));
    const slot = await pace.reserve(parts.length, this.now());
    if (slot > this.now()) await sleep(slot - this.now());
    if (!this.running) return store.requeue(key, this.now());
    const claim = await store.claim(key, `${this.claimant}@${this.now()}`);
    // No longer queued: the resolution dropped it while it waited for its slot (or it is gone).
    if (claim === null) return store.unqueue(key);
    if (claim !== true) return this.heldElsewhere(stored, claim);
    const outcome = await client.submit({ destination: stored.phone, dataCoding, parts });
    if (outcome.result === 'retry') {
      this.log.debug({ key, reason: outcome.reason }, 'SMS not sent; retrying');
      await this.count(stored, 'retried');
      return store.release(key, this.now() + 1_000);
    }
    const base = { ...stored, text, sentAt: this.now() };
    if (outcome.result === 'accepted')
      return this.record({ ...base, state: 'sent', messageIds: outcome.messageIds }, 'sent');
    if (outcome.result === 'refused')
      return this.record({ ...base, state: 'failed', reason: outcome.reason }, 'failed');
    this.log.warn({ key, reason: outcome.reason }, 'SMS outcome unknown; left unconfirmed, never resent');
    const messageIds = outcome.result === 'unknown' ? outcome.messageIds : [];
    return this.record({ ...base, state: 'unconfirmed', reason: outcome.reason, messageIds }, 'unconfirmed');
  }

  /** A notice or ETA update whose outage is no longer open is not worth sending. */
  private over(stored: SmsRecord, incident: Incident | undefined): boolean {
    return stored.kind !== 'restored' && incident?.state !== 'open';
  }

  private async drop(stored: SmsRecord): Promise<void> {
    const dropped = await this.deps.store.dropQueued([stored.key], 'incident over before it was sent');
    if (dropped.length > 0) await this.count(stored, 'dropped');
  }

  /**
   * A notice that went out (or may have) while its outage resolved: the resolution found it claimed,
   * mid-submit, and left it to this sender, so "restored" is queued here, as the resolution would have
   * had the notice been recorded first. Read after the notice's record is written, the incident is
   * resolved if the resolution read that record before it was written: one of the two queues it, and
   * the record's key makes both one.
   */
  private async restoreIfOver(told: SmsRecord): Promise<void> {
    const incident = await this.deps.incidentOver(told.incidentId);
    if (incident?.state !== 'resolved' || incident.mergedInto !== undefined) return;
    await this.deps.store.queue([restoredRecord(told, this.now(), this.deps.quietHours)]);
  }

  /** A claim someone else holds: theirs while fresh; past claimStaleMs, its worker died mid-submit. */
  private async heldElsewhere(stored: SmsRecord, holder: string): Promise<void> {
    const since = Number(holder.split('@')[1] ?? 0);
    if (this.now() - since < this.deps.claimStaleMs)
      return this.deps.store.requeue(stored.key, since + this.deps.claimStaleMs);
    const reason = 'worker stopped during the submit';
    return this.record({ ...stored, state: 'unconfirmed', reason }, 'unconfirmed');
  }

  private async count(record: SmsRecord, result: SmsState | 'retried'): Promise<void> {
    const pipeline = this.deps.redis.pipeline();
    countInto(pipeline, this.deps.keys, 'vigil_sms_total', { kind: record.kind, result });
    await pipeline.exec();
  }

  private async record(done: SmsRecord, result: SmsState): Promise<void> {
    const { redis, keys, store } = this.deps;
    const pipeline = redis.pipeline();
    countInto(pipeline, keys, 'vigil_sms_total', { kind: done.kind, result });
    if (done.state === 'sent')
      appendEvent(pipeline, keys, {
        type: 'subscriber.notified',
        at: done.sentAt ?? this.now(),
        subscriberIds: [done.subscriberId],
        deviceIds: [],
        data: { channel: 'sms', subscriberId: done.subscriberId, ...smsView(done) },
      });
    const kept = await store.finish(done);
    await pipeline.exec();
    if (kept && done.kind === 'outage' && (done.state === 'sent' || done.state === 'unconfirmed'))
      await this.restoreIfOver(done);
  }
}
