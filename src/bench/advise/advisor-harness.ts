import type { Redis } from 'ioredis';
import { createAdvisor, type Advisor, type StepReport } from '../../diagnosis/advisor.js';
import { createFindingsMirror, type FindingsMirror } from '../../diagnosis/findings-mirror.js';
import { loadPlaybooksOrThrow } from '../../diagnosis/load-playbooks.js';
import { lastEventId } from '../../events/event-log.js';
import { createLogger } from '../../platform/logger.js';
import type { RedisKeys } from '../../platform/redis-keys.js';
import type { PollerStateStore } from '../../polling/poller-state-store.js';
import type { StepFigures } from './advise-bench-result.js';
import { round } from './memory-readings.js';
import { tallyEvents, type EventTally } from './tally-events.js';

export interface TimedStep {
  report: StepReport;
  figures: StepFigures;
  tally: EventTally;
}

/** The advisor as the worker role builds it, stepped by hand on the bench's clock. */
export interface AdvisorHarness {
  advisor: Advisor;
  mirror: FindingsMirror;
  /** Feeds the advisor every finding change written so far; the ms that took. */
  catchUp(): Promise<number>;
  /** One step a second after the last, timed, with the events it wrote counted. */
  timedStep(): Promise<TimedStep>;
}

/**
 * Shipped playbooks, outages settling and resolving at once (the bench steps the clock itself, so a
 * settle time would only be waited through).
 */
export async function createAdvisorHarness(deps: {
  redis: Redis;
  reader: Redis;
  keys: RedisKeys;
  states: PollerStateStore;
  playbooksDir: string;
  tick: () => number;
}): Promise<AdvisorHarness> {
  const { redis, keys } = deps;
  const mirror = createFindingsMirror({ redis, reader: deps.reader, keys, states: deps.states });
  const advisor = createAdvisor({
    redis,
    keys,
    logger: createLogger({ level: 'silent' }),
    playbooks: await loadPlaybooksOrThrow(deps.playbooksDir),
    mirror,
    correlation: { settleMs: 0, resolveAfterMs: 0 },
  });
  let eventsFrom = await lastEventId(redis, keys);
  return {
    advisor,
    mirror,
    async catchUp() {
      const t = performance.now();
      for (;;) {
        const touched = await mirror.follow(1);
        if (touched.size === 0) return performance.now() - t;
        advisor.touch(touched);
      }
    },
    async timedStep() {
      const cpu = process.cpuUsage();
      const t = performance.now();
      const report = await advisor.step(deps.tick());
      const ms = performance.now() - t;
      const used = process.cpuUsage(cpu);
      const { last, tally } = await tallyEvents(redis, keys, eventsFrom);
      eventsFrom = last;
      const figures: StepFigures = {
        ms: round(ms),
        cpu_ms: round((used.user + used.system) / 1000),
        devices_planned: report.devicesPlanned,
        suggestion_events: report.suggestionEvents,
        events: tally.counts,
      };
      return { report, tally, figures };
    },
  };
}
