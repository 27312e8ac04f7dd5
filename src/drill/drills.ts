import type { DrillOptions } from './drill-options.js';
import type { DrillReport } from './drill-report.js';
import { killStepsDrill } from './kill-steps-drill.js';
import { floodsDrill } from './floods-drill.js';
import { lossyNetworkDrill } from './lossy-network-drill.js';
import { pollerLossDrill } from './poller-loss-drill.js';
import { redisFailoverDrill } from './redis-failover-drill.js';
import { redisFullDrill } from './redis-full-drill.js';
import { redisRestartDrill } from './redis-restart-drill.js';

/** Every drill by the name `vigil drill <name>` takes, with what it proves. */
export const DRILLS = {
  'redis-restart': {
    run: redisRestartDrill,
    about: 'Redis SIGKILLed mid-run and restarted from its AOF: no action lost or doubled, 503s meanwhile',
  },
  'poller-loss': {
    run: pollerLossDrill,
    about: 'one of two pollers SIGKILLed: every device still polled within one interval + 10 s',
  },
  'redis-failover': {
    run: redisFailoverDrill,
    about:
      'the Redis primary SIGKILLed under Sentinel: Vigil follows the new primary within down-after + 5 s',
  },
  'redis-full': {
    run: redisFullDrill,
    about: 'Redis at maxmemory (noeviction): writes refused clearly, reads served, recovery when it frees',
  },
  'kill-steps': {
    run: killStepsDrill,
    about:
      'SIGKILL at each step of an accepted reboot and of the advisor leader: one SET each, all terminal, lead taken ≤ 10 s',
  },
  'lossy-network': {
    run: lossyNetworkDrill,
    about:
      '30% packet loss fleet-wide for 10 intervals: no false outage or unreachable, real faults still found',
  },
  floods: {
    run: floodsDrill,
    about: '10,000 traps/s and 1,000 opens/s at once: reads p99 < 100 ms, 503 shedding, bounded memory',
  },
} as const satisfies Record<string, { run: (options: DrillOptions) => Promise<DrillReport>; about: string }>;

export type DrillName = keyof typeof DRILLS;

export const DRILL_NAMES = Object.keys(DRILLS) as DrillName[];

export function runDrill(name: DrillName, options: DrillOptions): Promise<DrillReport> {
  return DRILLS[name].run(options);
}
