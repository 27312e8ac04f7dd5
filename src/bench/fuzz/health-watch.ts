import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchChild } from '../bench-child.js';
import { httpJson, type HttpAnswer } from '../bench-http.js';

export interface HealthWatch {
  health: { checks: number; failures: number; maxMs: number };
  rss: { start: number; max: number };
  /** V8 heap in use, MB, read from /metrics once a minute. */
  heap: number[];
  /** Ends the watch once its current round is done. */
  stop(): Promise<void>;
}

/** The service's V8 heap in use, MB, from its /metrics; undefined when it does not answer. */
async function heapMb(metrics: () => Promise<HttpAnswer>): Promise<number | undefined> {
  const answer = await metrics().catch(() => undefined);
  const line = answer?.text.split('\n').find((l) => l.startsWith('vigil_api_heap_used_bytes '));
  return line ? Math.round(Number(line.split(' ')[1]) / 2 ** 20) : undefined;
}

/** `/healthz` four times a second, the process's RSS from /proc, and its heap once a minute, until stopped. */
export function watchHealth(serve: BenchChild, url: string, metrics: () => Promise<HttpAnswer>): HealthWatch {
  const heap: number[] = [];
  const health = { checks: 0, failures: 0, maxMs: 0 };
  const rss = { start: serve.rssMb(), max: serve.rssMb() };
  let watching = true;
  let nextHeapAt = 0;
  const loop = (async () => {
    while (watching) {
      if (Date.now() >= nextHeapAt) {
        nextHeapAt = Date.now() + 60_000;
        const mb = await heapMb(metrics);
        if (mb !== undefined) heap.push(mb);
      }
      const started = performance.now();
      try {
        const answer = await httpJson('GET', `${url}/healthz`, {}, undefined, 5_000);
        if (answer.status !== 200) health.failures += 1;
      } catch {
        health.failures += 1;
      }
      health.checks += 1;
      health.maxMs = Math.max(health.maxMs, performance.now() - started);
      rss.max = Math.max(rss.max, serve.rssMb());
      await sleep(250);
    }
  })();
  return {
    health,
    rss,
    heap,
    stop: async () => {
      watching = false;
      await loop;
    },
  };
}
