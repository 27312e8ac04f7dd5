import type { Redis } from 'ioredis';
import type { Logger } from '../platform/logger.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { sampleMinute } from '../metrics/minute-series.js';
import type { ProcessRole } from './process-role.js';

/** Often enough that a minute's sample is taken within its first seconds, whichever process takes it. */
const SAMPLE_EVERY_MS = 5_000;

/**
 * The NOC overview's minute samples (src/metrics/minute-series.ts), taken by the processes that do the
 * work (pollers, workers): each looks every few seconds and the first of a minute writes it, so the
 * series goes on while any of them runs, and a sample is never written twice.
 */
export function createMinuteSeriesRole(context: {
  redis: Redis;
  keys: RedisKeys;
  logger: Logger;
}): ProcessRole {
  const log = context.logger.child({ module: 'minute-series' });
  let timer: NodeJS.Timeout | undefined;
  let failing = false;
  const sample = (): void => {
    sampleMinute(context.redis, context.keys)
      .then(() => {
        failing = false;
      })
      .catch((error: unknown) => {
        // Once per outage, not every 5 s: Redis being away is reported by the roles that need it.
        if (!failing) log.warn({ err: error }, 'minute sample not taken');
        failing = true;
      });
  };
  return {
    name: 'minute-series',
    stage: 'workers',
    start() {
      sample();
      timer = setInterval(sample, SAMPLE_EVERY_MS);
      return Promise.resolve();
    },
    close() {
      clearInterval(timer);
      return Promise.resolve();
    },
  };
}
