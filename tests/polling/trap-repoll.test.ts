import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInventoryStore } from '../../src/inventory/index.js';
import { createLogger } from '../../src/platform/logger.js';
import { PROBE_QUEUE } from '../../src/platform/queue-names.js';
import { createPollerRole, type PollerRole } from '../../src/roles/poller-role.js';
import type { PollReport } from '../../src/polling/poll-service.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { testPollerConfig } from '../helpers/test-poller-config.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { randomPort, startTestSimulator, TEST_COMMUNITY } from '../helpers/test-simulator.js';
import { until } from '../helpers/wait.js';

const exec = promisify(execFile);

/** A trap from a device (Debian's snmptrap, sent from the device's own address) re-polls it at once. */
describe('traps trigger an immediate re-poll', () => {
  let sim: Simulator;
  let redis: TestRedis;
  let role: PollerRole;
  const polled: PollReport[] = [];
  const trapPort = randomPort();

  beforeAll(async () => {
    sim = await startTestSimulator({ firstOctet: 172, devices: 20, fanout: 9 });
    redis = await createTestRedis();
    await createInventoryStore({ redis: redis.redis, keys: redis.keys }).importInventory(sim.fleet.inventory);
    const config = testPollerConfig(redis, trapPort);
    role = createPollerRole(
      { config, logger: createLogger({ level: 'silent' }), redis: redis.redis, keys: redis.keys },
      { onPolled: (reports) => polled.push(...reports) },
    );
    await role.start();
  });

  afterAll(async () => {
    await role?.close();
    await sim?.close();
    await redis?.close();
  });

  it('re-polls the device a linkDown trap came from, and records the trap', async () => {
    const device = sim.devices.find((d) => d.kind === 'cpe')!;
    polled.length = 0;
    await exec(
      'snmptrap',
      [
        '-v2c',
        '-c',
        TEST_COMMUNITY,
        `--clientaddr=${device.host}`,
        `127.0.0.1:${trapPort}`,
        '',
        '1.3.6.1.6.3.1.1.5.3',
        '1.3.6.1.2.1.2.2.1.1.1',
        'i',
        '1',
      ],
      { env: { ...process.env, MIBS: '' } },
    );
    // The poll is the trap's: a probe job queued for it, with the trap as its cause, ran (not the
    // device's scheduled poll, which may fall at any moment of its minute).
    const probes = new Queue(PROBE_QUEUE, {
      connection: redis.redis,
      prefix: redis.keys.bullPrefix(PROBE_QUEUE),
    });
    try {
      await until(
        async () =>
          (await probes.getJobs(['completed'], 0, -1)).some(
            (job) =>
              (job.data as { deviceId: string }).deviceId === device.id &&
              (job.data as { cause?: string }).cause === 'trap:linkDown',
          ),
        { timeoutMs: 15_000, everyMs: 50, what: `the trap's re-poll of ${device.id}` },
      );
    } finally {
      await probes.close();
    }
    expect(polled.map((r) => r.deviceId)).toContain(device.id);
    const events = await redis.redis.xrange(redis.keys.trapEvents(), '-', '+');
    expect(events.map(([, fields]) => [fields[1], fields[3]])).toContainEqual([device.id, 'linkDown']);
  });

  it('ignores a trap from an address no device has, and a wrong community', async () => {
    const before = await redis.redis.xlen(redis.keys.trapEvents());
    await exec(
      'snmptrap',
      [
        '-v2c',
        '-c',
        TEST_COMMUNITY,
        '--clientaddr=127.172.200.1',
        `127.0.0.1:${trapPort}`,
        '',
        '1.3.6.1.6.3.1.1.5.1',
      ],
      { env: { ...process.env, MIBS: '' } },
    );
    await exec(
      'snmptrap',
      [
        '-v2c',
        '-c',
        'not-the-community',
        `--clientaddr=${sim.devices[5]!.host}`,
        `127.0.0.1:${trapPort}`,
        '',
        '1.3.6.1.6.3.1.1.5.1',
      ],
      { env: { ...process.env, MIBS: '' } },
    );
    // Then a trap that counts, from a device with the community: once it is recorded, the two before it
    // (sent first, to the same socket) were read and dropped.
    const known = sim.devices[6]!;
    await exec(
      'snmptrap',
      [
        '-v2c',
        '-c',
        TEST_COMMUNITY,
        `--clientaddr=${known.host}`,
        `127.0.0.1:${trapPort}`,
        '',
        '1.3.6.1.6.3.1.1.5.1',
      ],
      { env: { ...process.env, MIBS: '' } },
    );
    await until(async () => (await redis.redis.xlen(redis.keys.trapEvents())) > before, {
      what: "the known device's trap recorded",
    });
    const events = await redis.redis.xrange(redis.keys.trapEvents(), '-', '+');
    expect(events.slice(before).map(([, fields]) => fields[1])).toEqual([known.id]);
  });
});
