import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { createIncidentStore } from '../diagnosis/incident-store.js';
import { FLEET_SERIES, type FleetSeries } from '../platform/fleet-counters.js';
import { QUEUE_NAMES } from '../platform/queue-names.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { registerFleetGauges } from './fleet-gauges.js';
import { readFleetSnapshot, type FleetSnapshot, type SnapshotSources } from './fleet-snapshot.js';
import { storedSeriesMetric } from './stored-series-metric.js';

/** The content type of the text format prom-client writes (0.0.4). */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** Values only this process knows (its open event streams), registered by the part that has them. */
const localGauges = new Map<string, { help: string; read: () => number }>();
export function registerLocalGauge(name: string, help: string, read: () => number): void {
  localGauges.set(name, { help, read });
}

/** Totals only this process counts, since it started. */
const localCounters = new Map<string, { help: string; read: () => number }>();
export function registerLocalCounter(name: string, help: string, read: () => number): void {
  localCounters.set(name, { help, read });
}

const MISNAMED_DEFAULT_METRICS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

let processRegistry: Registry | undefined;
/**
 * prom-client's default metrics of this process (CPU, resident memory, heap, GC, event-loop lag,
 * handles), started once per process: each start adds its own GC observer and event-loop monitor.
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
    // Gauges named like counters, which Prometheus's conventions (promtool check metrics) reject; the
    // same counts stay, by type, in nodejs_active_handles, nodejs_active_requests, nodejs_active_resources.
    for (const name of MISNAMED_DEFAULT_METRICS) processRegistry.removeSingleMetric(name);
  }
  return processRegistry;
}

/** The metrics of one scrape: Redis's answer (or that it gave none), the fleet's series, this process's gauges. */
function scrapeRegistry(snapshot: FleetSnapshot | undefined): Registry {
  const registry = new Registry();
  new Gauge({
    name: 'vigil_redis_up',
    help: 'Whether Redis answered this scrape (1) or not (0); without Redis the fleet series are left out.',
    registers: [registry],
  }).set(snapshot ? 1 : 0);
  if (snapshot) {
    for (const name of Object.keys(FLEET_SERIES) as FleetSeries[])
      registry.registerMetric(storedSeriesMetric(name, snapshot.counters));
    registerFleetGauges(registry, snapshot);
  }
  for (const [name, { help, read }] of localGauges)
    new Gauge({ name, help, registers: [registry] }).set(read());
  for (const [name, { help, read }] of localCounters)
    new Counter({ name, help, registers: [registry] }).inc(read());
  return registry;
}

/**
 * `/metrics` through prom-client: at each scrape, the fleet-wide counters and gauges read from Redis
 * (any API instance shows the whole service's totals), this process's own gauges, and prom-client's
 * default process metrics. Redis not answering is `vigil_redis_up 0`, not a failed scrape, so the alert
 * on it can fire while the process metrics still come.
 */
export function createMetricsRenderer(deps: {
  redis: Redis;
  keys: RedisKeys;
  queueConnection: Redis;
  pollShards: number;
  /** Each queue's BullMQ queues (VIGIL_QUEUE_SHARDS): /metrics sums a queue's counts over them. */
  queueShards?: number;
}) {
  const { redis, keys } = deps;
  const sources: SnapshotSources = {
    redis,
    keys,
    pollShards: deps.pollShards,
    queues: QUEUE_NAMES.flatMap((name) =>
      Array.from(
        { length: deps.queueShards ?? 1 },
        (_, shard) =>
          new Queue(name, { connection: deps.queueConnection, prefix: keys.bullPrefix(name, shard) }),
      ),
    ),
    incidents: createIncidentStore(redis, keys),
  };
  return {
    async render(): Promise<string> {
      const snapshot = await readFleetSnapshot(sources).catch(() => undefined);
      return Registry.merge([scrapeRegistry(snapshot), processMetrics()]).metrics();
    },
    async close(): Promise<void> {
      await Promise.all(sources.queues.map((q) => q.close()));
    },
  };
}
