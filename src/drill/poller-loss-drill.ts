import { setTimeout as sleep } from 'node:timers/promises';
import { check, finishReport, type DrillReport } from './drill-report.js';
import { drillScale, withDrillStack, type DrillOptions } from './drill-options.js';
import { firstPollsAfter } from './drill-observe.js';
import { lostItems, processesAlive } from './redis-restart-drill.js';

/** One of two pollers SIGKILLed: the other takes its shards, and every device is polled within one interval + 10 s. */
export async function pollerLossDrill(options: DrillOptions): Promise<DrillReport> {
  const startedAt = Date.now();
  const { intervalSeconds } = drillScale(options.quick);
  const boundMs = intervalSeconds * 1000 + 10_000;
  return withDrillStack(options, {}, {}, async (_redis, stack) => {
    const victim = stack.serve.get('poller-1');
    if (!victim) throw new Error('the drill stack has no poller-1');
    await sleep(intervalSeconds * 1000);
    await victim.kill();
    const killedAt = Date.now();
    options.log?.('poller-1 killed (SIGKILL)');
    const total = stack.inventory.devices.length;
    const first = await firstPollsAfter(stack, killedAt, boundMs + 5_000);
    const slowest = Math.max(0, ...first.values());
    // A second round from the moment all were polled: the survivor keeps the whole fleet, not one round.
    const roundAt = Date.now();
    const second = await firstPollsAfter(stack, roundAt, boundMs + 5_000);
    const slowestSecond = Math.max(0, ...second.values());
    const alive = processesAlive({
      ...stack,
      serve: new Map([...stack.serve].filter(([name]) => name !== 'poller-1')),
    });
    const checks = [
      check(
        `every device polled within one interval + 10 s (${boundMs / 1000} s) of the kill`,
        first.size === total && slowest <= boundMs,
        `${first.size}/${total} devices, the last after ${slowest} ms`,
      ),
      check(
        'and again in the next round, by the surviving poller alone',
        second.size === total && slowestSecond <= boundMs,
        `${second.size}/${total} devices, the last after ${slowestSecond} ms`,
      ),
      alive,
    ];
    return finishReport(
      {
        drill: 'poller-loss',
        quick: options.quick,
        fault: 'one of two `vigil serve --roles poller` processes SIGKILLed',
        checks,
        recoveryMs: first.size === total ? slowest : undefined,
        lost: lostItems(checks),
        figures: { devices: total, intervalMs: intervalSeconds * 1000, lastDeviceAfterKillMs: slowest },
      },
      startedAt,
    );
  });
}
