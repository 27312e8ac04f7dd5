import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../src/shared/secret.js';
import type { Simulator } from '../../src/sim/simulator.js';
import {
  createTrapReceiver,
  type Trap,
  type TrapReceiver,
  type TrapRejection,
} from '../../src/snmp/trap-receiver.js';
import { randomPort, startTestSimulator, TEST_COMMUNITY } from '../helpers/test-simulator.js';

const exec = promisify(execFile);
const COMMUNITY = `trap-${Math.random().toString(36).slice(2, 10)}`;
const USER = {
  name: 'vigil-trap',
  authKey: `auth-${Math.random().toString(36).slice(2, 12)}`,
  privKey: `priv-${Math.random().toString(36).slice(2, 12)}`,
};
/** The sender's engine ID: for a trap the sender is authoritative (RFC 3414 section 1.5.1). */
const SENDER_ENGINE_ID = '0x80001f88804a1b2c3d4e5f6071';
const IF_INDEX = '1.3.6.1.2.1.2.2.1.1.2';
const IF_ADMIN = '1.3.6.1.2.1.2.2.1.7.2';
const IF_OPER = '1.3.6.1.2.1.2.2.1.8.2';

describe('trap receiver', () => {
  let receiver: TrapReceiver;
  let port: number;
  let sim: Simulator;
  const traps: Trap[] = [];
  const rejections: { reason: TrapRejection; source?: { address: string }; detail?: string }[] = [];

  beforeAll(async () => {
    for (let attempt = 0; !receiver; attempt++) {
      port = randomPort();
      try {
        receiver = await createTrapReceiver({
          port,
          address: '127.0.0.1',
          communities: [COMMUNITY, new Secret(TEST_COMMUNITY)],
          users: [
            {
              name: USER.name,
              authProtocol: 'sha',
              authKey: new Secret(USER.authKey),
              privProtocol: 'aes',
              privKey: new Secret(USER.privKey),
            },
          ],
          onTrap: (trap) => {
            if (trap.varbinds.some((vb) => vb.oid === '1.3.6.1.4.1.32473.99.0'))
              throw new Error('handler bug');
            traps.push(trap);
          },
          onRejected: (reason, source, detail) =>
            rejections.push({ reason, ...(source ? { source } : {}), ...(detail ? { detail } : {}) }),
        });
      } catch (error) {
        if (attempt >= 4) throw error;
      }
    }
    sim = await startTestSimulator({ firstOctet: 177, trapTarget: { host: '127.0.0.1', port } });
  });

  afterAll(async () => {
    await sim?.close();
    await receiver?.close();
  });

  /** Debian's Net-SNMP snmptrap/snmpinform, numeric OIDs only. */
  const netSnmp = (tool: 'snmptrap' | 'snmpinform', args: string[]) =>
    exec(tool, ['-t', '1', '-r', '1', ...args], { env: { ...process.env, MIBS: '' } });
  const arrival = async (match: (trap: Trap) => boolean): Promise<Trap> => {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const found = traps.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error('no such trap arrived');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const intOf = (trap: Trap, oid: string) => {
    const value = trap.varbinds.find((vb) => vb.oid === oid)?.value;
    return typeof value === 'object' ? value.value : value;
  };

  it('receives an SNMPv2c linkDown with its varbinds', async () => {
    await netSnmp('snmptrap', [
      '-v2c',
      '-c',
      COMMUNITY,
      `127.0.0.1:${port}`,
      '4242',
      '1.3.6.1.6.3.1.1.5.3',
      IF_INDEX,
      'i',
      '2',
      IF_ADMIN,
      'i',
      '1',
      IF_OPER,
      'i',
      '2',
    ]);
    const trap = await arrival((t) => t.kind === 'linkDown' && t.version === '2c');
    expect(trap).toMatchObject({
      source: { address: '127.0.0.1' },
      inform: false,
      trapOid: '1.3.6.1.6.3.1.1.5.3',
      uptimeTicks: 4242,
    });
    expect(trap.varbinds.map((vb) => vb.oid)).toEqual([IF_INDEX, IF_ADMIN, IF_OPER]);
    expect([intOf(trap, IF_INDEX), intOf(trap, IF_ADMIN), intOf(trap, IF_OPER)]).toEqual([2, 1, 2]);
  });

  it('translates an SNMPv1 coldStart to its SNMPv2 OID (RFC 3584 section 3.1)', async () => {
    await netSnmp('snmptrap', ['-v1', '-c', COMMUNITY, `127.0.0.1:${port}`, '', '127.0.0.1', '0', '0', '']);
    const trap = await arrival((t) => t.version === '1' && t.kind === 'coldStart');
    expect(trap.trapOid).toBe('1.3.6.1.6.3.1.1.5.1');
    expect(trap.varbinds).toContainEqual({
      oid: '1.3.6.1.6.3.18.1.3.0',
      value: { type: 'IpAddress', value: '127.0.0.1' },
    });
  });

  it('translates an SNMPv1 enterprise-specific trap to enterprise.0.specific', async () => {
    await netSnmp('snmptrap', [
      '-v1',
      '-c',
      COMMUNITY,
      `127.0.0.1:${port}`,
      '1.3.6.1.4.1.32473.3',
      '127.0.0.1',
      '6',
      '17',
      '100',
      '1.3.6.1.4.1.32473.3.1.0',
      's',
      'battery low',
    ]);
    const trap = await arrival((t) => t.version === '1' && t.kind === 'enterprise');
    expect(trap.trapOid).toBe('1.3.6.1.4.1.32473.3.0.17');
    expect(trap.uptimeTicks).toBe(100);
    expect(String(intOf(trap, '1.3.6.1.4.1.32473.3.1.0'))).toBe('battery low');
  });

  it('receives an SNMPv3 authPriv trap from a sender with its own engine ID', async () => {
    await netSnmp('snmptrap', [
      '-v3',
      '-e',
      SENDER_ENGINE_ID,
      '-l',
      'authPriv',
      '-u',
      USER.name,
      '-a',
      'SHA',
      '-A',
      USER.authKey,
      '-x',
      'AES',
      '-X',
      USER.privKey,
      `127.0.0.1:${port}`,
      '',
      '1.3.6.1.6.3.1.1.5.4',
      IF_INDEX,
      'i',
      '2',
    ]);
    const trap = await arrival((t) => t.version === '3' && t.kind === 'linkUp');
    expect(intOf(trap, IF_INDEX)).toBe(2);
  });

  it('acknowledges an SNMPv2c inform (snmpinform succeeds only on the response)', async () => {
    await netSnmp('snmpinform', ['-v2c', '-c', COMMUNITY, `127.0.0.1:${port}`, '', '1.3.6.1.6.3.1.1.5.2']);
    const trap = await arrival((t) => t.kind === 'warmStart');
    expect(trap.inform).toBe(true);
  });

  it('rejects garbage, a wrong community, a wrong v3 key and a failing handler, and keeps receiving', async () => {
    const socket = createSocket('udp4');
    for (const junk of [
      Buffer.from('not snmp'),
      Buffer.from([0x30, 0x82, 0xff, 0xff, 0x02]),
      Buffer.from([0x30, 0x03, 0x02, 0x01]),
      Buffer.alloc(0),
    ])
      await new Promise<void>((resolve) => socket.send(junk, port, '127.0.0.1', () => resolve()));
    socket.close();
    await netSnmp('snmptrap', [
      '-v2c',
      '-c',
      'wrong-community',
      `127.0.0.1:${port}`,
      '',
      '1.3.6.1.6.3.1.1.5.1',
    ]);
    const v3 = (user: string, authKey: string) =>
      ['-v3', '-e', SENDER_ENGINE_ID, '-l', 'authPriv', '-u', user, '-a', 'SHA', '-A', authKey].concat([
        '-x',
        'AES',
        '-X',
        USER.privKey,
        `127.0.0.1:${port}`,
        '',
        '1.3.6.1.6.3.1.1.5.1',
      ]);
    await netSnmp('snmptrap', v3(USER.name, 'wrong-auth-key'));
    await netSnmp('snmptrap', v3('nobody', USER.authKey));
    const ok = ['-v2c', '-c', COMMUNITY, `127.0.0.1:${port}`, '', '1.3.6.1.4.1.32473.0.9'];
    await netSnmp('snmptrap', [...ok, '1.3.6.1.4.1.32473.99.0', 'i', '1']);
    await netSnmp('snmptrap', [...ok, '1.3.6.1.4.1.32473.98.0', 'i', '1']);

    const after = await arrival((t) => t.trapOid === '1.3.6.1.4.1.32473.0.9');
    expect(after.kind).toBe('enterprise');
    expect(receiver.stats.rejected).toMatchObject({
      unknown_community: 1,
      auth_failed: 1,
      unknown_user: 1,
      handler_error: 1,
    });
    expect(receiver.stats.rejected.malformed).toBeGreaterThanOrEqual(3);
    expect(rejections.every((r) => r.reason === 'handler_error' || r.source?.address === '127.0.0.1')).toBe(
      true,
    );
    expect(JSON.stringify(rejections)).not.toMatch(/wrong-community|wrong-auth-key/);
  });

  it('receives the simulator’s coldStart after a reboot, from the device’s own address', async () => {
    const device = sim.devices.find((d) => d.kind === 'cpe')!;
    sim.reboot(device.id);
    const trap = await arrival((t) => t.kind === 'coldStart' && t.source.address === device.host);
    expect(trap.version).toBe('2c');
    expect(trap.uptimeTicks).toBeLessThan(500);
  });
});
