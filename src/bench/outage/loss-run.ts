import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { lastEventId, readEvents } from '../../events/event-log.js';
import { PROBE_QUEUE } from '../../platform/queue-names.js';
import { OUTAGE_CHECK_JOB } from '../../polling/outage-checks.js';
import type { Stack } from '../conversation/stack.js';
import { runPool } from '../run-pool.js';
import { longestIntervalSeconds, type OutageBenchOptions } from './outage-bench-options.js';
import type { LossFigures } from './outage-bench-result.js';

/** Every device of the fleet drops `percent` of the requests it gets, or stops doing so. */
async function setLoss(stack: Stack, percent: number | null): Promise<void> {
  await runPool(stack.inventory.devices, 16, async (device) => {
    const answer =
      percent === null
        ? await stack.control('DELETE', `/devices/${device.id}/faults/packet_loss`)
        : await stack.control('POST', `/devices/${device.id}/faults`, { kind: 'packet_loss', percent });
    if (answer.status >= 300 && percent !== null)
      throw new Error(`packet_loss on ${device.id}: ${answer.status} ${answer.text}`);
  });
}

/** The events written since `from`: outages opened and outage notices created. */
async function tallyEvents(stack: Stack, from: string): Promise<{ opened: number; notices: number }> {
  let opened = 0;
  let notices = 0;
  let cursor = from;
  for (;;) {
    const batch = await readEvents(stack.redis, stack.keys, cursor, 5000);
    if (batch.length === 0) return { opened, notices };
    for (const event of batch) {
      if (event.type === 'incident.opened') opened += 1;
      if (event.type === 'suggestion.created' && JSON.stringify(event).includes('"outage_notice"'))
        notices += 1;
    }
    cursor = batch.at(-1)!.id;
  }
}

/** The outage-check rounds completed since `since` (ms), and how many confirmed a silence. */
async function checkRounds(stack: Stack, since: number): Promise<{ rounds: number; confirming: number }> {
  const queue = new Queue(PROBE_QUEUE, {
    connection: stack.redis,
    prefix: stack.keys.bullPrefix(PROBE_QUEUE),
  });
  try {
    const jobs = (await queue.getJobs(['completed'], 0, -1)).filter(
      (job) => job.name === OUTAGE_CHECK_JOB && job.timestamp >= since,
    );
    const confirming = jobs.filter((job) => (job.returnvalue as { confirms?: boolean })?.confirms === true);
    return { rounds: jobs.length, confirming: confirming.length };
  } finally {
    await queue.close();
  }
}

/**
 * 30% packet loss (by default) at every device of the fleet for several poll intervals: a lost
 * packet is not a failed device, so no outage may open and no notice may be sent.
 */
export async function measureLoss(
  stack: Stack,
  options: OutageBenchOptions,
  say: (line: string) => void,
): Promise<LossFigures> {
  const from = await lastEventId(stack.redis, stack.keys);
  const startedAt = Date.now();
  await setLoss(stack, options.lossPercent);
  const seconds = options.lossIntervals * longestIntervalSeconds(options);
  say(
    `  ${options.lossPercent}% of requests dropped at all ${stack.inventory.devices.length} devices for ${seconds} s`,
  );
  for (let waited = 0; waited < seconds; waited += 10) {
    await sleep(Math.min(10, seconds - waited) * 1000);
    const so = await tallyEvents(stack, from);
    say(`  ${Math.min(seconds, waited + 10)} s: ${so.opened} outages opened`);
  }
  await setLoss(stack, null);
  const { opened, notices } = await tallyEvents(stack, from);
  const checks = await checkRounds(stack, startedAt);
  return {
    percent: options.lossPercent,
    devices: stack.inventory.devices.length,
    seconds,
    false_outages: opened,
    outage_notices: notices,
    check_rounds: checks.rounds,
    check_rounds_confirming: checks.confirming,
  };
}
