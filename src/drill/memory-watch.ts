import type { Redis } from 'ioredis';
import { check, type DrillCheck } from './drill-report.js';
import type { DrillStack } from './drill-stack.js';

/** How much a process may grow over its resident memory before the flood: a bound, not a leak's slope. */
export const RSS_GROWTH_BOUND_MB = 256;

interface Watched {
  baseMb: number;
  peakMb: number;
}

/**
 * Samples every `vigil serve` process's resident memory (/proc) and Redis's (INFO memory) every
 * `everyMs` from now until stopped: the first sample is the baseline, the largest the peak.
 */
export function watchMemory(
  stack: DrillStack,
  redis: Redis,
  everyMs: number,
): { stop(): { figures: Record<string, number>; checks: DrillCheck[] } } {
  const watched = new Map<string, Watched>();
  const note = (name: string, mb: number): void => {
    if (mb <= 0) return;
    const seen = watched.get(name);
    if (seen) seen.peakMb = Math.max(seen.peakMb, mb);
    else watched.set(name, { baseMb: mb, peakMb: mb });
  };
  const sample = (): void => {
    for (const [name, child] of stack.serve) note(name, child.rssMb());
    redis
      .info('memory')
      .then((text) => {
        const rss = /^used_memory_rss:(\d+)/m.exec(text)?.[1];
        if (rss) note('redis', Math.round(Number(rss) / 2 ** 20));
      })
      .catch(() => undefined);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  // CPU too: on two shared cores, whether a process was busy or starved explains its latency.
  const cpuAtStart = new Map([...stack.serve].map(([name, child]) => [name, child.cpuSeconds()]));
  const startedAt = Date.now();
  return {
    stop() {
      clearInterval(timer);
      const figures: Record<string, number> = {};
      const seconds = (Date.now() - startedAt) / 1000;
      for (const [name, child] of stack.serve)
        figures[`cpuPercent_${name}`] = Math.round(
          ((child.cpuSeconds() - (cpuAtStart.get(name) ?? 0)) / seconds) * 100,
        );
      const over: string[] = [];
      for (const [name, { baseMb, peakMb }] of watched) {
        figures[`rssBaseMb_${name}`] = baseMb;
        figures[`rssPeakMb_${name}`] = peakMb;
        if (peakMb - baseMb > RSS_GROWTH_BOUND_MB) over.push(`${name} ${baseMb} → ${peakMb} MB`);
      }
      const peaks = [...watched].map(([name, w]) => `${name} ${w.baseMb}→${w.peakMb}`).join(', ');
      return {
        figures,
        checks: [
          check(
            `every process's resident memory stays within ${RSS_GROWTH_BOUND_MB} MB of where it started`,
            over.length === 0 && watched.size > 0,
            over.length === 0 ? `MB: ${peaks}` : `grew past the bound: ${over.join(', ')}`,
          ),
        ],
      };
    },
  };
}
