import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionJobId } from '../../src/actions/action-queue.js';
import { queueJobId } from '../../src/platform/queue-job-id.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';

/** Ids the inventory accepts (src/inventory/validate-row.ts: no whitespace, ≤ 128 characters). */
const ODD_IDS = [
  'cpe:00:07',
  'a:b:c',
  '12345',
  '-1',
  'cpe/ü?*[x]{y}%2F"\'\\#',
  'Ω'.repeat(128),
  '..',
  'x'.repeat(128),
];

describe('queueJobId: job ids BullMQ accepts for any id the inventory allows', () => {
  let redis: TestRedis;
  let queue: Queue;

  beforeAll(async () => {
    redis = await createTestRedis();
    queue = new Queue('job-id-test', {
      connection: redis.redis.duplicate(),
      prefix: redis.keys.bullPrefix('job-id-test'),
    });
  });

  afterAll(async () => {
    await queue?.close();
    await redis?.close();
  });

  it('never holds a colon and never reads as an integer', () => {
    for (const id of ODD_IDS)
      for (const jobId of [queueJobId('trap', id, 1_712_345_678), queueJobId('action', id)]) {
        expect(jobId).not.toContain(':');
        expect(String(parseInt(jobId, 10))).not.toBe(jobId);
      }
  });

  it('keeps different meanings apart: kinds, ids and seconds never collide', () => {
    const ids = new Set<string>();
    for (const id of [...ODD_IDS, 'cpe-1', 'cpe-1-2', 'cpe', 'confirm-cpe'])
      for (const second of [1, 12, 2])
        for (const kind of ['trap', 'trap_confirm'] as const) ids.add(queueJobId(kind, id, second));
    expect(ids.size).toBe((ODD_IDS.length + 4) * 3 * 2);
  });

  it('keeps the form action jobs always had, so a job queued before an upgrade is still one', () => {
    expect(actionJobId('noc-reboot:cpe-1:17')).toBe(
      `action-${Buffer.from('noc-reboot:cpe-1:17').toString('base64url')}`,
    );
  });

  it('is accepted by BullMQ for every odd id, and one job id is one job', async () => {
    // The old form, refused: this is what made every trap re-poll of such a device fail.
    await expect(queue.add('probe', {}, { jobId: 'trap-cpe:07-1' })).rejects.toThrow(/cannot contain :/);
    for (const id of ODD_IDS) {
      const jobId = queueJobId('trap', id, 1_712_345_678);
      const first = await queue.add('probe', { deviceId: id }, { jobId });
      const again = await queue.add('probe', { deviceId: id }, { jobId });
      expect(first.id).toBe(jobId);
      expect(again.id).toBe(jobId);
      expect((await queue.getJob(jobId))?.data).toEqual({ deviceId: id });
    }
    expect(await queue.count()).toBe(ODD_IDS.length);
  });
});
