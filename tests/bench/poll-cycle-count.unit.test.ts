import { describe, expect, it } from 'vitest';
import { emptyStats } from '../../src/bench/poll/cycle-stats.js';
import { pollCycle } from '../../src/bench/poll/poll-cycle.js';
import type { PollReport, PollService } from '../../src/polling/poll-service.js';

const report = (deviceId: string, outcome: 'ok' | 'timeout'): PollReport => ({
  deviceId,
  result: { deviceId, outcome, meta: { durationMs: 1, retries: 0, pdus: 1 } },
  changes: [],
  findings: [],
});

/** A poll service that answers for the devices `answers` keeps, the first of every batch timing out. */
const service = (answers: (ids: readonly string[]) => readonly string[]): PollService =>
  ({
    pollDevices: (ids: readonly string[]) =>
      Promise.resolve(answers(ids).map((id, i) => report(id, i === 0 ? 'timeout' : 'ok'))),
  }) as unknown as PollService;

describe('a poll-path cycle of vigil bench poll', () => {
  const batches = [['a', 'b', 'c'], ['d', 'e'], ['f']];

  it('counts every device asked by its outcome', async () => {
    const stats = emptyStats();
    await pollCycle(
      stats,
      service((ids) => ids),
      batches,
    );
    expect([stats.ok, stats.timeouts, stats.errors]).toEqual([3, 3, 0]);
    expect(stats.cycle_walls_s).toHaveLength(1);
  });

  it('fails when the poll path reports fewer devices than it was asked, rather than time less work', async () => {
    await expect(
      pollCycle(
        emptyStats(),
        service((ids) => ids.slice(1)),
        batches,
      ),
    ).rejects.toThrow('reported 3 of the 6 devices');
  });
});
