import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../platform/redis-keys.js';
import { httpJson } from '../bench-http.js';
import { count, latency } from '../conversation/latency.js';
import { sendOpenLoop } from '../conversation/open-loop.js';
import type { OpensFigures } from './fleet-bench-options.js';

/** Subscriber ids for `n` opens, spread over the inventory (HSCAN: the whole list is never read). */
export async function sampleSubscribers(redis: Redis, keys: RedisKeys, n: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor = '0';
  do {
    const [next, fields] = await redis.hscan(keys.inventoryPart('subscriber-records'), cursor, 'COUNT', 1000);
    for (let i = 0; i < fields.length; i += 2) ids.push(fields[i] as string);
    cursor = next;
  } while (cursor !== '0' && ids.length < n);
  return ids.slice(0, n);
}

/** POST /v1/conversations at `rate` a second (open-loop) for `seconds`: open → snapshot answer times. */
export async function measureOpens(
  apiUrl: string,
  headers: Record<string, string>,
  subscribers: readonly string[],
  options: { rate: number; seconds: number },
): Promise<OpensFigures> {
  const total = Math.max(1, Math.round(options.rate * options.seconds));
  const latencies: number[] = [];
  // By the second the open was sent in: a cold start shows apart from the steady state.
  const bySecond: number[][] = Array.from({ length: Math.ceil(total / options.rate) }, () => []);
  const errors: Record<string, number> = {};
  const tasks: Promise<void>[] = [];
  const openOne = async (i: number): Promise<void> => {
    const sent = performance.now();
    const body = {
      subscriberId: subscribers[i % Math.max(1, subscribers.length)],
      channel: 'chat',
      agentId: `bench-agent-${i % 100}`,
    };
    try {
      const answer = await httpJson('POST', `${apiUrl}/v1/conversations`, headers, body);
      if (answer.status === 201) {
        const took = performance.now() - sent;
        latencies.push(took);
        bySecond[Math.floor(i / options.rate)]?.push(took);
      } else count(errors, `HTTP ${answer.status}`);
    } catch (error) {
      count(errors, error instanceof Error ? error.message : String(error));
    }
  };
  await sendOpenLoop(total, options.rate, (i) => tasks.push(openOne(i)));
  await Promise.all(tasks);
  return {
    rate: options.rate,
    attempted: total,
    ok: latencies.length,
    errors,
    latency_ms: latency(latencies),
    p99_ms_by_second: bySecond.map((second) => latency(second).p99),
  };
}
