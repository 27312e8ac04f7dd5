import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostileAgent, type HostileAgent } from '../../src/fuzz/hostile-agent.js';
import { HOSTILE_BEHAVIOURS, type HostileBehaviour } from '../../src/fuzz/hostile-answers.js';
import { Secret } from '../../src/shared/secret.js';
import type { AuthProfile } from '../../src/snmp/auth-profile.js';
import { createGetRequestTemplate } from '../../src/snmp/get-request-template.js';
import { snmpGet, snmpSet, snmpWalk, type SnmpResult } from '../../src/snmp/snmp-session.js';
import { UdpGetTransport } from '../../src/snmp/udp-get-transport.js';

const COMMUNITY = `ro-hostile-${Math.random().toString(36).slice(2, 10)}`;
const WRITE_COMMUNITY = `rw-hostile-${Math.random().toString(36).slice(2, 10)}`;
const V2C: AuthProfile = {
  name: 'hostile',
  version: '2c',
  community: new Secret(COMMUNITY),
  writeCommunity: new Secret(WRITE_COMMUNITY),
};
const V3: AuthProfile = { name: 'hostile-v3', version: '3', user: { name: 'hostile-user' } };
const OIDS = ['1.3.6.1.2.1.1.3.0', '1.3.6.1.2.1.1.1.0'];

/** What each behaviour must come to through a net-snmp session (GET), v2c. */
const EXPECTED_GET: Partial<Record<HostileBehaviour, SnmpResult['outcome']>> = {
  truncated_counter64: 'malformed',
  empty_counter64: 'malformed',
  oversized_counter64: 'malformed',
  bit_string: 'malformed',
  big_integer: 'malformed',
  opaque: 'ok',
  wrong_community: 'malformed',
  other_request_id: 'timeout',
  wrong_oids: 'malformed',
  bogus_error_status: 'error_status',
  deep_nesting: 'malformed',
  report_pdu: 'malformed',
  garbage: 'malformed',
  silent: 'timeout',
};

/**
 * Every hostile behaviour against every net-snmp path the service uses (GET, walk, SET; v2c and v3)
 * and against the poll path's own UDP transport, over real UDP: each ends in an outcome, none throws
 * out of a socket handler (vitest fails a file on an uncaught exception), and no reason ever quotes a
 * community.
 */
describe('SNMP paths against hostile agents', () => {
  const agents = new Map<HostileBehaviour, HostileAgent>();
  beforeAll(async () => {
    for (const behaviour of HOSTILE_BEHAVIOURS) agents.set(behaviour, await startHostileAgent({ behaviour }));
  });
  afterAll(async () => {
    for (const agent of agents.values()) await agent.close();
  });
  const target = (behaviour: HostileBehaviour, profile: AuthProfile) => ({
    host: '127.0.0.1',
    port: agents.get(behaviour)!.port,
    profile,
    timeoutMs: 150,
    retries: 0,
  });
  const noSecret = (result: SnmpResult): void => {
    expect(result.reason ?? '').not.toContain(COMMUNITY);
    expect(result.reason ?? '').not.toContain(WRITE_COMMUNITY);
    expect(result.reason ?? '').not.toMatch(/community '/i);
  };

  // Each behaviour has an agent (and a port) of its own, so the behaviours are asked at once: the
  // silent ones cost one timeout in all rather than one each, and it can be a long one (an answer
  // late on a loaded machine is a timeout, not the outcome this test is about).
  it('a GET through a session ends in the outcome each behaviour deserves (v2c)', async () => {
    const expected = Object.entries(EXPECTED_GET);
    const results = await Promise.all(
      expected.map(([behaviour]) =>
        snmpGet({ ...target(behaviour as HostileBehaviour, V2C), timeoutMs: 1_000 }, OIDS),
      ),
    );
    for (const [i, [behaviour, outcome]] of expected.entries()) {
      noSecret(results[i]!);
      expect({ behaviour, outcome: results[i]!.outcome }).toEqual({ behaviour, outcome });
    }
  });

  it('GET, walk and SET never throw and never quote a community, for every behaviour and version', async () => {
    for (const profile of [V2C, V3]) {
      const perBehaviour = await Promise.all(
        HOSTILE_BEHAVIOURS.map(async (behaviour) => {
          const t = target(behaviour, profile);
          return [
            await snmpGet(t, OIDS),
            await snmpWalk(t, '1.3.6.1.2.1.2.2.1.1', { maxVarbinds: 100, deadlineMs: 2_000 }),
            await snmpSet(t, [{ oid: '1.3.6.1.4.1.32473.1.1.0', value: { type: 'Integer', value: 1 } }]),
          ];
        }),
      );
      for (const results of perBehaviour) {
        for (const result of results) {
          noSecret(result);
          expect(['ok', 'timeout', 'auth_failed', 'error_status', 'transport_error', 'malformed']).toContain(
            result.outcome,
          );
          // Whatever came back was validated: no value escapes as undefined or a broken bigint.
          for (const vb of result.varbinds) expect(vb.value).toBeDefined();
        }
      }
    }
  });

  it('the reboot SET with the write community meets another community: malformed, the community unnamed', async () => {
    const result = await snmpSet(target('wrong_community', V2C), [
      { oid: '1.3.6.1.4.1.32473.1.1.0', value: { type: 'Integer', value: 1 } },
    ]);
    expect(result.outcome).toBe('malformed');
    expect(result.reason).toBe('the answer carries another community than the request');
    noSecret(result);
  });

  it('v3 noAuthNoPriv: a truncated Counter64 after engine discovery is malformed', async () => {
    const result = await snmpGet(target('truncated_counter64', V3), OIDS);
    expect(result.outcome).toBe('malformed');
  });

  it('an endless walk stops at its bound with what it collected', async () => {
    const result = await snmpWalk(target('endless_walk', V2C), '1.3.6.1.2.1.2.2.1.1', {
      maxVarbinds: 120,
      deadlineMs: 5_000,
    });
    expect(result.outcome).toBe('ok');
    expect(result.varbinds).toHaveLength(120);
    expect(result.reason).toBe('walk stopped after 120 varbinds');
  });

  it("the poll path's UDP transport finishes a broken answer, and one only ever in a foreign community, as malformed", async () => {
    const transport = new UdpGetTransport();
    try {
      const template = createGetRequestTemplate('2c', COMMUNITY, OIDS);
      const get = (behaviour: HostileBehaviour) =>
        transport.get({ host: '127.0.0.1', port: agents.get(behaviour)!.port }, template, {
          timeoutMs: 300,
          retries: 0,
        });
      expect((await get('truncated_counter64')).outcome).toBe('malformed');
      expect((await get('deep_nesting')).outcome).toBe('malformed');
      // The foreign community's answer is ignored (a forger cannot end a request early) but remembered.
      const foreign = await get('wrong_community');
      expect(foreign).toMatchObject({ outcome: 'malformed', pdus: 1 });
      expect(foreign.reason).toContain('another community');
      expect((await get('wrong_oids')).outcome).toBe('malformed');
      expect((await get('silent')).outcome).toBe('timeout');
      const huge = await get('huge_response');
      expect(huge.outcome).toBe('ok');
      for (const result of await Promise.all(HOSTILE_BEHAVIOURS.map(get)))
        expect(result.reason ?? '').not.toContain(COMMUNITY);
      expect(transport.stats.malformed).toBeGreaterThan(0);
      expect(transport.inFlight).toBe(0);
    } finally {
      await transport.close();
    }
  });
});
