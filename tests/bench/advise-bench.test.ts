import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { runAdviseBench } from '../../src/bench/advise/index.js';
import { TEST_POLL_SHARDS } from '../helpers/test-poll-service.js';
import { TEST_REDIS_URL } from '../helpers/test-redis.js';

/**
 * `vigil bench advise` on a small fleet: the counts it reports are the advisor's real work (one outage
 * opened and resolved, one notice per CPE under the parent), and it leaves nothing behind in Redis.
 * No timing is asserted.
 */
const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
afterAll(() => redis.disconnect());

describe('vigil bench advise', () => {
  it('plans the faulty CPEs, opens and resolves one outage with a notice per CPE, and cleans up', async () => {
    // The smallest fleet with faulty CPEs both under the outage's root and elsewhere.
    const sizes = { devices: 400, outageChildren: 40, faultyShare: 0.05, idleSteps: 1 };
    const result = await runAdviseBench({
      redisUrl: TEST_REDIS_URL,
      playbooksDir: 'playbooks',
      pollShards: TEST_POLL_SHARDS,
      ...sizes,
    });

    expect(result.devices).toBe(sizes.devices);
    expect(result.outage_cpes).toBe(sizes.outageChildren);
    expect(result.faulty_cpes).toBe(Math.round(result.cpes * sizes.faultyShare));
    expect(result.prime.devices_with_findings).toBe(result.faulty_cpes);

    // Every faulty CPE gets its reboot suggestion on the first step.
    expect(result.first_step.devices_planned).toBe(result.faulty_cpes);
    expect(result.first_step.suggestions_written).toBe(result.faulty_cpes);

    // The parent and its CPEs go down: one outage, one notice per CPE, and the faulty CPEs under it
    // lose their own suggestion (inhibited by the outage).
    const faultyUnderRoot = result.outage.events['suggestion.withdrawn'] ?? 0;
    expect(faultyUnderRoot).toBeGreaterThan(0);
    expect(result.outage.incidents_opened).toBe(1);
    expect(result.outage.outage_notices).toBe(result.outage_cpes);
    expect(result.outage.events['suggestion.created']).toBe(result.outage_cpes);
    expect(result.outage.affected_devices).toBe(result.outage_cpes + 1);
    expect(result.outage.affected_subscribers).toBe(result.outage_cpes);
    expect(result.outage.devices_planned).toBe(result.outage_cpes + 1);

    // It comes back: resolved, every notice withdrawn, the faulty CPEs' suggestions proposed again.
    expect(result.recovery.incidents_resolved).toBe(1);
    expect(result.recovery.notices_withdrawn).toBe(result.outage_cpes);
    expect(result.recovery.events['suggestion.created']).toBe(faultyUnderRoot);

    // Nothing changed: nothing planned, nothing announced.
    expect(result.idle_step.steps).toBe(sizes.idleSteps);
    expect(result.replan_all.devices_planned).toBe(result.faulty_cpes);
    expect(result.replan_all.suggestion_events).toBe(0);
    // Every device with findings or live suggestions: the faulty CPEs, the parent and its CPEs.
    expect(result.replan_all_during_outage.devices_planned).toBe(
      result.faulty_cpes + 1 + result.outage_cpes - faultyUnderRoot,
    );
    expect(result.replan_all_during_outage.suggestion_events).toBe(0);
    expect(result.mirror_reload.devices_changed).toBe(0);

    const [, left] = await redis.scan('0', 'MATCH', `${result.prefix}:*`, 'COUNT', 100_000);
    expect(left).toEqual([]);
  });
});
