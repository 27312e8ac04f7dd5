import { waitForJob } from '../platform/wait-for-job.js';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { createActionQueue } from '../actions/action-queue.js';
import type { ActionRecord } from '../actions/action.js';
import { createActionStore } from '../actions/action-store.js';
import { acceptSuggestion, dismissSuggestion, type DecisionDeps } from '../actions/suggestion-decisions.js';
import { createWebhookStore } from '../alerts/webhook-store.js';
import type { ApiServices } from '../api/api-services.js';
import { createStoredApiKeys } from '../api/stored-api-keys.js';
import { DEFAULT_CALLER_LIMITS } from '../config/caller-limits.js';
import type { Config } from '../config/load-config.js';
import { createConversationService, type SuggestionDecider } from '../conversations/conversation-service.js';
import { createConversationStore, type OpenBounds } from '../conversations/conversation-store.js';
import { createEventHub, type EventHub } from '../conversations/event-hub.js';
import { createFreshProbe, type DeviceProber } from '../conversations/fresh-probe.js';
import { createDiagnosisService, type DiagnosisService } from '../diagnosis/diagnosis-service.js';
import { createIncidentStore } from '../diagnosis/incident-store.js';
import { createMaintenanceStore } from '../diagnosis/maintenance-store.js';
import { createRebootLedger } from '../diagnosis/reboot-ledger.js';
import { createSuggestionStore } from '../diagnosis/suggestion-store.js';
import { createInventoryStore } from '../inventory/index.js';
import { createMetricsRenderer } from '../metrics/render-metrics.js';
import { createOverviewFeed } from '../metrics/overview-feed.js';
import { createOutcomeStore } from '../outcomes/outcome-store.js';
import type { Logger } from '../platform/logger.js';
import { POLL_QUEUE, PROBE_QUEUE } from '../platform/queue-names.js';
import { createRedisConnection, type RedisPurpose } from '../platform/redis-connection.js';
import { READER_STOP_GRACE_MS, waitAtMost } from '../platform/stop-reader-loop.js';
import { ShardedQueue, shardedQueueEvents } from '../platform/sharded-queue.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { createDeviceStatusIndex } from '../polling/device-status-index.js';
import type { PollReport } from '../polling/poll-service.js';
import { PROBE_BATCH_JOB, type ProbeBatchJob } from '../polling/probe-batch-job.js';
import { createBatchWindow } from '../shared/batch-window.js';
import { createPollerStateStore } from '../polling/poller-state-store.js';
import { livePlaybooks } from '../reload/live-files.js';
import { createEmbedServices } from './embed-services.js';
import { registerApiGauges } from './api-process-metrics.js';
import { createSmsStore } from '../sms/index.js';

export interface ApiServicesDeps {
  config: Config;
  logger: Logger;
  /** The command connection (fails fast): every store reads and writes through it. */
  redis: Redis;
  keys: RedisKeys;
}

/**
 * Everything the API's routes call, built once per process: the stores on the command connection, and
 * the connections that block or wait (the event hub's reader, the queues, the probe queue's events) of
 * their own. `close()` releases them in reverse; the role calls it after the app has closed.
 */
export async function createApiServices(deps: ApiServicesDeps): Promise<ApiServices> {
  const { config, logger, redis, keys } = deps;
  const playbooks = await livePlaybooks({ redis, keys, logger }, config.playbooksDir);
  const stores = createStores(redis, keys, config.pollShards);
  const diagnosis = createDiagnosisService({
    redis,
    keys,
    pollShards: config.pollShards,
    playbooks,
    holdUnreachableMs: config.correlation.settleMs,
  });
  const { connect, connections, commandConnections } = apiConnections(config.redisUrl);
  const { probes, actionQueue, metrics } = createApiProducers(deps, connect);
  const hub = createEventHub({ redis, reader: connect('vigil-event-hub', 'worker'), keys, logger });
  const conversations = createConversations(deps, {
    stores,
    diagnosis,
    hub,
    actionQueue,
    probe: probes.probeSoon,
  });
  hub.start();
  registerApiGauges(() => conversations.streamClients());
  const overview = createOverviewFeed({
    ...deps,
    ...config,
    ...stores,
    subscriber: connect('vigil-overview', 'worker'),
  });
  return {
    ...stores,
    ...createEmbedServices(redis, keys, stores),
    diagnosis,
    conversations,
    rebootGuards: {
      ...stores,
      states: stores.pollerStates,
      ledger: createRebootLedger(redis, keys),
      playbooks,
    },
    actionQueue,
    probeNow: probes.probeNow,
    inventoryChanged: probes.inventoryChanged,
    renderMetrics: () => metrics.render(),
    overview,
    requestConnections: () => commandConnections,
    async close() {
      conversations.closeStreams();
      overview.close();
      // Independent, and each may spend its reader grace with Redis gone: side by side.
      await Promise.all([hub.stop(), probes.close()]);
      await actionQueue.close();
      await metrics.close();
      for (const connection of connections) connection.disconnect();
    },
  };
}

/**
 * The API's connections besides the main one. Producers a request waits on (queue adds, queue counts
 * for /metrics) fail fast like the stores, so a request answers 503 at once when Redis goes away
 * between its steps (between an accept's compare-and-set and its enqueue) instead of hanging until
 * Redis is back (BullMQ: "Failing fast when Redis is down"); only blocking readers (the event hub, the
 * probe queue's events) wait for Redis. Readiness waits for every command connection.
 */
function apiConnections(redisUrl: string) {
  const connections: Redis[] = [];
  const commandConnections: Redis[] = [];
  const connect = (name: string, purpose: RedisPurpose = 'command'): Redis => {
    const connection = createRedisConnection(redisUrl, purpose, name);
    connections.push(connection);
    if (purpose === 'command') commandConnections.push(connection);
    return connection;
  };
  return { connect, connections, commandConnections };
}

/** The queues a request adds to (probes, actions) and the metrics renderer that counts them, on connections of their own. */
function createApiProducers(deps: ApiServicesDeps, connect: (name: string) => Redis) {
  const { config, redis, keys } = deps;
  const queueShards = config.queueShards ?? 1;
  return {
    probes: createPollerQueues(connect, keys, queueShards, deps.logger),
    actionQueue: createActionQueue(connect('vigil-api-actions'), keys, queueShards),
    metrics: createMetricsRenderer({
      redis,
      keys,
      queueConnection: connect('vigil-api-metrics'),
      pollShards: config.pollShards,
      queueShards,
    }),
  };
}

/** The conversation service, with the actions domain's accept and dismiss passed in. */
function createConversations(
  { redis, keys, config, logger }: ApiServicesDeps,
  parts: {
    stores: ReturnType<typeof createStores>;
    diagnosis: DiagnosisService;
    hub: EventHub;
    actionQueue: ShardedQueue;
    /** A device no poller answers for is a `no_poller` outcome in the pushed diagnosis, not an error. */
    probe: DeviceProber['probe'];
  },
) {
  const { stores, diagnosis } = parts;
  const opens = conversationOpenBounds(config);
  return createConversationService<ActionRecord>({
    redis,
    keys,
    conversations: createConversationStore(redis, keys),
    inventory: stores.inventory,
    diagnosis,
    hub: parts.hub,
    freshProbe: createFreshProbe({
      redis,
      keys,
      diagnosis,
      logger,
      reuseMs: opens.reuseMs,
      prober: { probe: parts.probe },
    }),
    decider: decider({ ...stores, queue: parts.actionQueue }),
    logger,
    opens,
  });
}

/** The stores the routes read and write, all on the command connection. */
function createStores(redis: Redis, keys: RedisKeys, pollShards: number) {
  return {
    inventory: createInventoryStore({ redis, keys }),
    deviceStatus: createDeviceStatusIndex(redis, keys),
    pollerStates: createPollerStateStore(redis, keys, pollShards),
    incidents: createIncidentStore(redis, keys),
    maintenance: createMaintenanceStore(redis, keys),
    suggestions: createSuggestionStore(redis, keys),
    actions: createActionStore(redis, keys),
    outcomes: createOutcomeStore(redis, keys),
    webhooks: createWebhookStore(redis, keys),
    apiKeys: createStoredApiKeys(redis, keys),
    sms: createSmsStore(redis, keys),
  };
}

/** First polls asked for at most this many created devices per write; the rest wait for their slot. */
const FIRST_POLLS_PER_CHANGE = 1000;
/**
 * Fresh probes asked for within 20 ms go as one job (up to 64 devices): a burst of opens costs a few
 * jobs. At 200 opens/s, 20 ms took 2.2–2.5 ms of service CPU an open, 10 ms 2.5–2.9, 5 ms 3.2–3.3, for
 * a fresh diagnosis a few ms later (p50 21–22 ms against 13–14), `vigil bench conversations --split`.
 */
const FRESH_PROBE_BATCH = { windowMs: 20, maxKeys: 64 };
/** How long a fresh probe waits for a poller before its diagnosis says `no_poller`. */
const FRESH_PROBE_WAIT_MS = 15_000;

/** What the API asks of the pollers through their queues: on-demand probes, and following the inventory. */
function createPollerQueues(
  connect: (name: string, purpose?: RedisPurpose) => Redis,
  keys: RedisKeys,
  shards: number,
  logger: Logger,
) {
  const queue = new ShardedQueue(PROBE_QUEUE, connect('vigil-api-probes'), keys, shards);
  const pollQueue = new ShardedQueue(POLL_QUEUE, connect('vigil-api-poll'), keys, shards);
  const events = shardedQueueEvents(
    PROBE_QUEUE,
    () => connect('vigil-api-probe-events', 'worker'),
    keys,
    shards,
  );
  const probe = (deviceId: string) =>
    queue.addTo('probe', { deviceId }, { removeOnComplete: 1000, removeOnFail: 1000 });
  const finished = async (added: { job: Job; shard: number }, timeoutMs: number): Promise<unknown> => {
    const [shardQueue, shardEvents] = [queue.shards[added.shard], events[added.shard]];
    if (!shardQueue || !shardEvents) throw new Error(`probe queue shard ${added.shard} missing`);
    return waitForJob(shardQueue, shardEvents, added.job.id ?? '', timeoutMs);
  };
  const probeBatch = async (deviceIds: string[]): Promise<Map<string, PollReport>> => {
    const data: ProbeBatchJob = { deviceIds };
    // Fewer kept than single probes: a batch holds up to 64 reports.
    const added = await queue.addTo(PROBE_BATCH_JOB, data, { removeOnComplete: 100, removeOnFail: 100 });
    const reports = (await finished(added, FRESH_PROBE_WAIT_MS)) as PollReport[] | null;
    return new Map((reports ?? []).map((report) => [report.deviceId, report]));
  };
  const soon = createBatchWindow(probeBatch, {
    ...FRESH_PROBE_BATCH,
    // Its conversations' fresh diagnoses say `no_poller`; this says why, once for the batch.
    onError: (err: unknown, deviceIds) =>
      logger.warn({ err, devices: deviceIds.length }, 'fresh probe batch failed'),
  });
  return {
    probeNow: async (deviceId: string, timeoutMs: number): Promise<PollReport | null> =>
      (await finished(await probe(deviceId), timeoutMs)) as PollReport | null,
    /** A probe for a conversation's fresh diagnosis: gathered with the others asked for meanwhile. */
    probeSoon: async (deviceId: string): Promise<PollReport | null> => (await soon(deviceId)) ?? null,
    /**
     * After an inventory write: a `sync` job, which any poller takes and which makes the poll schedule
     * match the inventory now (a deleted device is no longer polled, a new one gets its slot) rather
     * than at its next periodic check, and a probe of each created device so its status is known now
     * instead of up to one interval later.
     */
    inventoryChanged: async (createdDeviceIds: string[]): Promise<void> => {
      await pollQueue.add('sync', {}, { removeOnComplete: true, removeOnFail: 100 });
      await Promise.all(createdDeviceIds.slice(0, FIRST_POLLS_PER_CHANGE).map(probe));
    },
    async close(): Promise<void> {
      // Its blocking reader's close waits for Redis (see waitAtMost): bounded, so the API stops with Redis gone.
      await waitAtMost(Promise.all(events.map((e) => e.close())), READER_STOP_GRACE_MS);
      await Promise.all([queue.close(), pollQueue.close()]);
    },
  };
}

/** Accept and dismiss as the actions domain decides them (compare-and-set, the queue, the audit). */
function decider(deps: DecisionDeps): SuggestionDecider<ActionRecord> {
  return {
    accept: (conversation, suggestionId) => acceptSuggestion(deps, conversation, suggestionId),
    dismiss: (conversation, suggestionId, reason) =>
      dismissSuggestion(deps, conversation, suggestionId, reason),
  };
}

/** The bounds on conversation opens, from VIGIL_CONVERSATION_* (defaults in caller-limits.ts). */
function conversationOpenBounds(config: Config): Omit<OpenBounds, 'keyId'> {
  const limits = { ...DEFAULT_CALLER_LIMITS, ...config.callerLimits };
  return {
    reuseMs: limits.conversationReuseMs,
    perKeyPerMinute: limits.conversationOpensPerKeyPerMinute,
    perSubscriberPerMinute: limits.conversationOpensPerSubscriberPerMinute,
  };
}
