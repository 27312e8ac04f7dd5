import type { AdviseBenchResult } from './advise-bench-result.js';
import type { AdviseRun } from './advise-run.js';
import { collectGarbage, mb, round, usedMemory } from './memory-readings.js';

/** (1) prime: the topology and the findings into memory, with what that costs in memory. */
export async function measurePrime(
  run: AdviseRun,
): Promise<AdviseBenchResult['prime'] & { redisBefore: number }> {
  const { redis, harness } = run;
  await collectGarbage();
  const rssBefore = process.memoryUsage().rss;
  const heapBefore = process.memoryUsage().heapUsed;
  const redisBefore = await usedMemory(redis);
  const started = performance.now();
  await harness.advisor.prime();
  const primeMs = performance.now() - started;
  await collectGarbage();
  return {
    ms: round(primeMs),
    rss_mb: mb(process.memoryUsage().rss - rssBefore),
    heap_mb: mb(process.memoryUsage().heapUsed - heapBefore),
    redis_mb: mb((await usedMemory(redis)) - redisBefore),
    devices_with_findings: harness.mirror.byDevice.size,
    redisBefore,
  };
}
