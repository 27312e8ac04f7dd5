import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostileAgent, type HostileAgent } from '../../src/fuzz/hostile-agent.js';
import type { HostileBehaviour } from '../../src/fuzz/hostile-answers.js';
import { parseSnmprec } from '../../src/recordings/read-snmprec.js';
import { recordDevice, type RecordDeviceOptions } from '../../src/recordings/record-device.js';
import { Secret } from '../../src/shared/secret.js';

const BEHAVIOURS: HostileBehaviour[] = ['backwards_walk', 'endless_walk', 'silent', 'big_integer', 'opaque'];

/** `vigil record` against agents that misbehave: every walk ends, bounded, with a file that parses or none. */
describe('recording a hostile agent', { timeout: 60_000 }, () => {
  const agents = new Map<HostileBehaviour, HostileAgent>();

  beforeAll(async () => {
    for (const [i, behaviour] of BEHAVIOURS.entries())
      agents.set(behaviour, await startHostileAgent({ behaviour, address: `127.63.0.${i + 1}`, seed: i }));
  });

  afterAll(async () => {
    await Promise.all([...agents.values()].map((agent) => agent.close()));
  });

  const record = (behaviour: HostileBehaviour, extra: Partial<RecordDeviceOptions> = {}) => {
    const agent = agents.get(behaviour)!;
    return recordDevice({
      target: {
        host: agent.address,
        port: agent.port,
        profile: { name: 'cli', version: '2c', community: new Secret('fake-hostile') },
        timeoutMs: 300,
        retries: 0,
      },
      roots: ['1.3.6.1'],
      extraSkips: [],
      maxVarbinds: 500,
      deadlineMs: 20_000,
      maxRepetitions: 20,
      tool: 'vigil record test',
      ...extra,
    });
  };

  it('stops at the first OID that does not increase', async () => {
    const result = await record('backwards_walk');
    expect(result).toMatchObject({ ok: true, varbinds: 1 });
    expect(result.ok && result.stoppedBy).toMatch(/not increasing/);
  });

  it('stops an endless walk at --max-varbinds, and at the time limit', async () => {
    const bounded = await record('endless_walk');
    expect(bounded).toMatchObject({ ok: true, varbinds: 500, stoppedBy: '500 varbinds (--max-varbinds)' });
    const timed = await record('endless_walk', { maxVarbinds: 10_000_000, deadlineMs: 1 });
    expect(timed.ok && timed.stoppedBy).toBe('time limit of 0.001 s');
    if (bounded.ok) expect(parseSnmprec(bounded.text, 'endless.snmprec').problems).toEqual([]);
  });

  it('writes nothing for an agent that never answers', async () => {
    expect(await record('silent')).toEqual({ ok: false, outcome: 'timeout', reason: 'request timed out' });
  });

  it('writes nothing for an agent whose answers cannot be parsed (an INTEGER of 9 octets)', async () => {
    // The unparsable datagram is dropped, so the request it answered times out.
    expect(await record('big_integer')).toMatchObject({ ok: false, outcome: 'timeout' });
  });

  it('records an Opaque value with its own tag', async () => {
    const result = await record('opaque', { maxVarbinds: 1 });
    expect(result.ok && result.text).toMatch(/\|68x\|9f780400000000\n/);
  });
});
