import { setTimeout as sleep } from 'node:timers/promises';
import { createScheduleStore } from '../../polling/schedule-store.js';
import type { ConversationBenchOptions } from './conversation-bench-options.js';
import type { OutageFigures } from './conversation-bench-result.js';
import { outageFigures } from './outage-figures.js';
import { openOutageStreams, waitStreamsSettled, type OutageStream } from './outage-streams.js';
import type { Stack } from './stack.js';
import { readAllWrittenEvents } from './written-events.js';

/**
 * From the fault until every live stream has its notice (or was cut), or the deadline; the most
 * devices seen overdue in the poll schedule meanwhile; a progress line every 5 s.
 */
async function waitForNotices(
  live: readonly OutageStream[],
  faultAt: number,
  deadline: number,
  lateNow: () => Promise<number>,
  say: (line: string) => void,
): Promise<number> {
  let lateAfter = 0;
  let nextReport = faultAt + 5_000;
  let nextLate = faultAt + 1_000;
  for (;;) {
    const waiting = live.filter((s) => s.noticeAt === undefined && !s.cut).length;
    if (waiting === 0 || Date.now() > deadline) return lateAfter;
    if (Date.now() >= nextLate) {
      nextLate += 1_000;
      lateAfter = Math.max(lateAfter, await lateNow());
    }
    if (Date.now() >= nextReport) {
      nextReport += 5_000;
      const opened = live.some((s) => s.openedAt !== undefined) ? 'incident opened' : 'no incident yet';
      say(
        `  ${((Date.now() - faultAt) / 1000).toFixed(0)} s: ${opened}, ${live.length - waiting} of ${live.length} notices`,
      );
    }
    await sleep(50);
  }
}

/**
 * 3. `open` conversations with their streams among the base station's subscribers; the base station
 * goes down; every stream should get the outage notice.
 */
export async function measureOutage(
  stack: Stack,
  subscribers: readonly string[],
  options: ConversationBenchOptions,
  say: (line: string) => void,
): Promise<OutageFigures> {
  const wanted = subscribers.slice(0, options.open);
  let faultAt = Number.POSITIVE_INFINITY;
  const openedStarted = performance.now();
  const { streams, openErrors } = await openOutageStreams(stack, wanted, () => faultAt);
  say(
    `  ${streams.length} conversations open with their streams in ${((performance.now() - openedStarted) / 1000).toFixed(1)} s`,
  );
  await waitStreamsSettled(stack, streams);
  const live = streams.filter((s) => !s.cut);
  say(
    `  ${live.filter((s) => s.snapshot).length} of ${live.length} streams live, probe queue drained; the base station goes down now`,
  );
  await sleep(1_000);

  const schedule = createScheduleStore(stack.redis, stack.keys, options.pollShards);
  const lateNow = async (): Promise<number> => (await schedule.size(Date.now(), 2_000)).late;
  let lateBefore = 0;
  for (let i = 0; i < 3; i++) {
    lateBefore = Math.max(lateBefore, await lateNow());
    await sleep(300);
  }
  const cpuBefore = stack.serveCpuSeconds();
  for (const s of live) s.bytesAtFault = s.stream?.bytes ?? 0;
  faultAt = Date.now();
  const answer = await stack.control('POST', `/devices/${stack.parentId}/faults`, { kind: 'down' });
  if (answer.status >= 300) throw new Error(`fault on ${stack.parentId}: ${answer.status} ${answer.text}`);
  const deadline = faultAt + (options.settleSeconds + options.intervalSeconds * 5 + 120) * 1000;
  const lateAfter = await waitForNotices(live, faultAt, deadline, lateNow, say);
  const wallSeconds = (Date.now() - faultAt) / 1000;
  const cpuSeconds = stack.serveCpuSeconds() - cpuBefore;
  const openedAt = live.map((s) => s.openedAt).find((at) => at !== undefined);
  const written = await readAllWrittenEvents(stack, faultAt, openedAt, options.outageSubscribers);
  const figures = outageFigures({
    subscribers: options.outageSubscribers,
    settleSeconds: options.settleSeconds,
    requested: wanted.length,
    live,
    openErrors,
    fresh: live.filter((s) => s.fresh).length,
    late: { before: lateBefore, after: lateAfter },
    faultAt,
    wallSeconds,
    cpuSeconds,
    written,
  });
  await stack.control('DELETE', `/devices/${stack.parentId}/faults`);
  for (const s of streams) s.stream?.close();
  return figures;
}
