import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPollBench, type PollBenchOptions } from '../../src/bench/poll/index.js';
import { startSnmpdTargets, type SnmpdTargets } from '../helpers/snmpd-targets.js';
import { TEST_REDIS_URL } from '../helpers/test-redis.js';

/**
 * `vigil bench poll --targets` against Debian's snmpd: three agents on loopback addresses of their
 * own, every address polled by both sides on both cycles. No ratio is asserted (timings are the
 * bench's to report, not a test's).
 */
describe('vigil bench poll against Net-SNMP agents', () => {
  let targets: SnmpdTargets;

  beforeAll(async () => {
    targets = await startSnmpdTargets({ agents: 3, addressesPerAgent: 4, block: 236 });
  });

  afterAll(async () => {
    await targets?.stop();
  });

  const optionsFor = (cycles: number): PollBenchOptions => ({
    devices: 0,
    concurrency: 8,
    cycles,
    timeoutMs: 2_000,
    retries: 1,
    targetsFile: targets.file,
    community: targets.community,
    firstOctet: 0,
    port: 0,
    redisUrl: TEST_REDIS_URL,
    probesDir: 'probes',
  });

  it('polls every target on every cycle through the poll path and through the bare net-snmp loop', async () => {
    const cycles = 2;
    const result = await runPollBench(optionsFor(cycles), () => undefined);
    expect(result.devices).toBe(targets.addresses);
    expect(result.ok).toBe(targets.addresses * cycles);
    expect(result.timeouts + result.errors).toBe(0);
    // The loop asks each target what the poll path asked, in as many GETs; one session per target.
    expect(result.baseline.ok).toBeGreaterThanOrEqual(targets.addresses * cycles);
    expect(result.baseline.timeouts + result.baseline.errors).toBe(0);
    expect(result.baseline.sessions).toBe(targets.addresses);
    expect(result.varbinds_per_device).toBeGreaterThan(7);
    expect(result.fairness.baseline).toContain('one session per device');
    expect(result.process_warmed_up).toBe(false);
    // Built by npm ci on Linux: the poll path's GETs go through the batch socket.
    expect(result.poll_socket).toBe('batch');
  });

  it('through dgram when asked: every target polled, and says so', async () => {
    const result = await runPollBench({ ...optionsFor(1), dgram: true }, () => undefined);
    expect(result.poll_socket).toBe('dgram');
    expect(result.ok).toBe(targets.addresses);
    expect(result.timeouts + result.errors).toBe(0);
    expect(result.fairness.poll_path).toContain('a system call a datagram');
  });

  it('with a warm-up, measures a run of its own after it: the same devices cold again, new sessions', async () => {
    const cycles = 2;
    const result = await runPollBench({ ...optionsFor(cycles), warmUp: true }, () => undefined);
    expect(result.process_warmed_up).toBe(true);
    // Only the measured run's polls are counted, and its loop opened its own sessions.
    expect(result.ok).toBe(targets.addresses * cycles);
    expect(result.baseline.sessions).toBe(targets.addresses);
    expect(result.baseline.ok).toBeGreaterThanOrEqual(targets.addresses * cycles);
  });
});
