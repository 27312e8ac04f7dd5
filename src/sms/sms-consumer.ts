import type { Redis } from 'ioredis';
import type { Incident, IncidentDiff } from '../correlation/index.js';
import {
  createEventGroupReader,
  type EventGroupReader,
  type StreamEntry,
} from '../events/event-group-reader.js';
import { decodeEvent } from '../events/event-log.js';
import type { Site, Subscriber } from '../inventory/index.js';
import { countInto } from '../platform/fleet-counters.js';
import type { Logger } from '../platform/logger.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { planSms, type IncidentNews, type PlanInput } from './plan-sms.js';
import type { SmsConfig } from './sms-config.js';
import { SMS_KINDS, smsKey, type SmsRecord } from './sms-record.js';
import type { SmsRetention } from './sms-retention.js';
import type { SmsStore } from './sms-store.js';

const BATCH = 1_000;

export interface SmsConsumerDeps {
  redis: Redis;
  /** A connection of its own for the blocking read. */
  reader: Redis;
  keys: RedisKeys;
  store: SmsStore;
  retention: SmsRetention;
  log: Logger;
  config: SmsConfig;
  inventory: {
    getSubscribers(ids: string[]): Promise<(Subscriber | undefined)[]>;
    listSites(): Promise<Site[]>;
  };
  now?: () => number;
}

function newsOf(entry: StreamEntry): IncidentNews | undefined {
  const event = decodeEvent(...entry);
  if (!event?.type.startsWith('incident.')) return undefined;
  const data = event.data as Incident & { diff?: IncidentDiff };
  const type = event.type.slice('incident.'.length) as IncidentNews['type'];
  return { type, incident: data, ...(data.diff ? { diff: data.diff } : {}) };
}

async function inputFor(deps: SmsConsumerDeps, news: IncidentNews): Promise<PlanInput> {
  const { incident } = news;
  const ids = incident.affectedSubscriberIds;
  const subscribers: Subscriber[] = [];
  const existing = new Map<string, SmsRecord>();
  for (let i = 0; i < ids.length; i += BATCH) {
    const chunk = ids.slice(i, i + BATCH);
    if (news.type !== 'resolved')
      for (const s of await deps.inventory.getSubscribers(chunk)) if (s) subscribers.push(s);
    const keys = chunk.flatMap((id) => SMS_KINDS.map((kind) => smsKey(incident.id, id, kind)));
    for (const record of await deps.store.get(keys)) if (record) existing.set(record.key, record);
  }
  const sites = news.type === 'resolved' ? [] : await deps.inventory.listSites();
  return {
    news,
    subscribers,
    sites: new Map(sites.map((s) => [s.id, s])),
    existing,
    noticesSoFar: await deps.store.countNotices(incident.id, 0),
    now: (deps.now ?? Date.now)(),
    config: deps.config,
  };
}

/** Plans one incident event and writes the plan: new records queued (idempotent), stale ones dropped. */
async function handle(deps: SmsConsumerDeps, news: IncidentNews): Promise<void> {
  const plan = planSms(await inputFor(deps, news));
  const created = await deps.store.queue(plan.queue);
  const notices = created.filter((r) => r.kind === 'outage').length;
  if (notices > 0) await deps.store.countNotices(news.incident.id, notices);
  // Only what is still queued and unclaimed: one a sender is submitting keeps its outcome (sent, and
  // then the sender queues its "restored" itself), never "dropped" written over it.
  const dropped = new Set(
    await deps.store.dropQueued(
      plan.drop.map((r) => r.key),
      'incident resolved before it was sent',
    ),
  );
  const pipeline = deps.redis.pipeline();
  for (const r of plan.drop.filter((d) => dropped.has(d.key)))
    countInto(pipeline, deps.keys, 'vigil_sms_total', { kind: r.kind, result: 'dropped' });
  if (plan.capped > 0) {
    countInto(pipeline, deps.keys, 'vigil_sms_total', { kind: 'outage', result: 'capped' }, plan.capped);
    deps.log.warn({ incidentId: news.incident.id, capped: plan.capped }, 'SMS cap per incident reached');
  }
  await pipeline.exec();
  if (created.length > 0 || dropped.size > 0)
    deps.log.info(
      { incidentId: news.incident.id, event: news.type, queued: created.length, dropped: dropped.size },
      'outage SMS planned',
    );
}

/** A resolution starts the incident's retention and trims what is past it; any other news holds it. */
async function keepOrTrim(deps: SmsConsumerDeps, news: IncidentNews): Promise<void> {
  if (news.type !== 'resolved') return deps.retention.active(news.incident.id);
  const now = (deps.now ?? Date.now)();
  await deps.retention.resolved(news.incident.id, news.incident.resolvedAt ?? now);
  const removed = await deps.retention.trim(now);
  if (removed > 0) deps.log.info({ removed }, 'SMS records past their retention removed');
}

async function handleEntries(deps: SmsConsumerDeps, entries: readonly StreamEntry[]): Promise<void> {
  for (const entry of entries) {
    const news = newsOf(entry);
    if (!news) continue;
    // A root that fails again reopens its incident id: the earlier outage's SMS must not count as told.
    if (news.type === 'opened') await deps.retention.opened(news.incident.id, news.incident.openedAt);
    await handle(deps, news);
    await keepOrTrim(deps, news);
  }
}

/**
 * Reads incident events from the outward stream through the `sms` consumer group
 * (event-group-reader.ts: workers share it; an entry is acknowledged after its plan is stored, and one
 * a dead worker read is reclaimed after a minute), and turns each into queued SMS records
 * (plan-sms.ts). Planning twice is harmless: records are keyed by incident, subscriber and kind.
 */
export function createSmsConsumer(deps: SmsConsumerDeps): EventGroupReader {
  return createEventGroupReader({
    redis: deps.redis,
    reader: deps.reader,
    keys: deps.keys,
    group: 'sms',
    count: 100,
    reclaimEveryMs: 10_000,
    handle: (entries) => handleEntries(deps, entries),
    log: deps.log,
    failure: 'SMS planning failed; retrying',
  });
}
