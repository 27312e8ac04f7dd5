import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Incident, IncidentDiff } from '../correlation/index.js';
import { decodeEvent } from '../events/event-log.js';
import type { Site, Subscriber } from '../inventory/index.js';
import { countInto } from '../platform/fleet-counters.js';
import type { Logger } from '../platform/logger.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { stopReaderLoop } from '../platform/stop-reader-loop.js';
import { planSms, type IncidentNews, type PlanInput } from './plan-sms.js';
import type { SmsConfig } from './sms-config.js';
import { SMS_KINDS, smsKey, type SmsRecord } from './sms-record.js';
import type { SmsRetention } from './sms-retention.js';
import type { SmsStore } from './sms-store.js';

const GROUP = 'sms';
const BATCH = 1_000;

type StreamEntry = [id: string, fields: string[]];

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
  if (entries.length > 0) await deps.redis.xack(deps.keys.events(), GROUP, ...entries.map(([id]) => id));
}

/** One blocking read of new entries, and every 10 s the entries a dead worker read and never planned. */
async function step(deps: SmsConsumerDeps, consumer: string, lastReclaim: number): Promise<number> {
  const reply = (await deps.reader.xreadgroup(
    'GROUP',
    GROUP,
    consumer,
    'COUNT',
    100,
    'BLOCK',
    1_000,
    'STREAMS',
    deps.keys.events(),
    '>',
  )) as [string, StreamEntry[]][] | null;
  for (const [, entries] of reply ?? []) await handleEntries(deps, entries);
  if (Date.now() - lastReclaim < 10_000) return lastReclaim;
  const [, claimed] = (await deps.redis.xautoclaim(
    deps.keys.events(),
    GROUP,
    consumer,
    60_000,
    '0-0',
    'COUNT',
    100,
  )) as [string, (StreamEntry | [string, null])[]];
  await handleEntries(
    deps,
    claimed.filter((e): e is StreamEntry => e[1] !== null),
  );
  return Date.now();
}

async function createGroup(client: Redis, keys: RedisKeys): Promise<void> {
  try {
    // From now on: SMS are about outages happening, never a replay of the stream's history.
    await client.xgroup('CREATE', keys.events(), GROUP, '$', 'MKSTREAM');
  } catch (error) {
    if (!String(error).includes('BUSYGROUP')) throw error;
  }
}

/**
 * Reads incident events from the outward stream through the `sms` consumer group (workers share it;
 * an entry is acknowledged after its plan is stored, and one a dead worker read is reclaimed after a
 * minute), and turns each into queued SMS records (plan-sms.ts). Planning twice is harmless: records
 * are keyed by incident, subscriber and kind.
 */
export function createSmsConsumer(deps: SmsConsumerDeps) {
  const consumer = `${hostname()}-${process.pid}`;
  let running = false;
  let loop: Promise<void> | undefined;

  async function consume(): Promise<void> {
    let lastReclaim = 0;
    while (running) {
      try {
        lastReclaim = await step(deps, consumer, lastReclaim);
      } catch (error) {
        if (!running) return;
        if (String(error).includes('NOGROUP')) await createGroup(deps.redis, deps.keys);
        else {
          deps.log.warn({ err: error }, 'SMS planning failed; retrying');
          await sleep(1_000);
        }
      }
    }
  }

  return {
    async start(client: Redis): Promise<void> {
      await createGroup(client, deps.keys);
      running = true;
      loop = consume();
    },
    async stop(): Promise<void> {
      running = false;
      await stopReaderLoop(deps.reader, loop);
    },
  };
}
