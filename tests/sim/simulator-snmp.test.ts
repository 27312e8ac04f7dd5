import { execFile } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildControlApi } from '../../src/sim/control-api.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { snmpGet, snmpSet, snmpWalk } from '../../src/snmp/snmp-session.js';
import {
  startTestSimulator,
  TEST_COMMUNITY,
  TEST_V3,
  TEST_WRITE_COMMUNITY,
  v2cProfile,
  v3Profile,
} from '../helpers/test-simulator.js';
import { sleep, until } from '../helpers/wait.js';

const exec = promisify(execFile);
const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
const SYS_NAME = '1.3.6.1.2.1.1.5.0';
const REBOOT = '1.3.6.1.4.1.32473.1.1.0';

/** Debian's Net-SNMP command-line tools as the outside peer: numeric OIDs, no MIB loading. */
async function netSnmp(tool: string, args: string[]): Promise<string> {
  const { stdout } = await exec(tool, ['-On', '-t', '1', '-r', '1', ...args], {
    env: { ...process.env, MIBS: '' },
  });
  return stdout.trim();
}

describe('vigil sim over real UDP', () => {
  let sim: Simulator;
  let control: FastifyInstance;
  let trapSocket: Socket;
  const traps: { from: string; packet: Buffer }[] = [];

  beforeAll(async () => {
    trapSocket = createSocket('udp4');
    trapSocket.on('message', (packet, rinfo) => traps.push({ from: rinfo.address, packet }));
    await new Promise<void>((resolve) => trapSocket.bind(0, '127.0.0.1', resolve));
    sim = await startTestSimulator({
      firstOctet: 140,
      trapTarget: { host: '127.0.0.1', port: trapSocket.address().port },
    });
    control = buildControlApi(sim);
  });

  afterAll(async () => {
    await control?.close();
    await sim?.close();
    trapSocket?.close();
  });

  const cpe = (n: number) => sim.devices.filter((d) => d.kind === 'cpe')[n]!;
  const target = (n: number, profile = v2cProfile) => ({
    host: cpe(n).host,
    port: cpe(n).port,
    profile,
    timeoutMs: 500,
    retries: 0,
  });

  it('answers snmpget v2c with the device identity at its own address', async () => {
    const device = cpe(0);
    const out = await netSnmp('snmpget', [
      '-v2c',
      '-c',
      TEST_COMMUNITY,
      '-Oqv',
      `${device.host}:${device.port}`,
      SYS_NAME,
      '1.3.6.1.2.1.1.2.0',
    ]);
    expect(out.split('\n')).toEqual([`"${device.id}"`, '.1.3.6.1.4.1.32473.2.2']);
  });

  it('answers snmpget v3 authPriv (SHA/AES) from a USM user', async () => {
    const device = cpe(1);
    const out = await netSnmp('snmpget', [
      '-v3',
      '-l',
      'authPriv',
      '-u',
      TEST_V3.user,
      '-a',
      'SHA',
      '-A',
      TEST_V3.authKey,
      '-x',
      'AES',
      '-X',
      TEST_V3.privKey,
      '-Oqv',
      `${device.host}:${device.port}`,
      SYS_NAME,
    ]);
    expect(out).toBe(`"${device.id}"`);
  });

  // net-snmp's agent drops a message whose digest is wrong where Net-SNMP's snmpd answers a
  // usmStatsWrongDigests report (RFC 3414 section 3.2 step 6): the manager sees a timeout instead.
  it('refuses a v3 request with the wrong authentication key', async () => {
    const device = cpe(1);
    const attempt = netSnmp('snmpget', [
      '-v3',
      '-l',
      'authPriv',
      '-u',
      TEST_V3.user,
      '-a',
      'SHA',
      '-A',
      'wrong-key-123',
      '-x',
      'AES',
      '-X',
      TEST_V3.privKey,
      `${device.host}:${device.port}`,
      SYS_NAME,
    ]);
    await expect(attempt).rejects.toThrow(/Timeout|Authentication failure/i);
    expect((await sim.stats()).rejected).toBeGreaterThan(0);
  });

  it('walks the interface table with snmpwalk and snmpbulkwalk alike', async () => {
    const device = cpe(2);
    const args = [
      '-v2c',
      '-c',
      TEST_COMMUNITY,
      '-Oq',
      `${device.host}:${device.port}`,
      '1.3.6.1.2.1.2.2.1.2',
    ];
    const walk = await netSnmp('snmpwalk', args);
    const bulk = await netSnmp('snmpbulkwalk', args);
    expect(walk).toBe(bulk);
    expect(walk.split('\n').map((line) => line.split(' ')[1])).toEqual(['"lte0"', '"lan1"', '"wlan0"']);
  });

  it('answers SNMPv1 with noSuchName for an unknown object', async () => {
    const device = cpe(0);
    const attempt = netSnmp('snmpget', [
      '-v1',
      '-c',
      TEST_COMMUNITY,
      `${device.host}:${device.port}`,
      '1.3.6.1.2.1.1.99.0',
    ]);
    await expect(attempt).rejects.toThrow(/noSuchName/);
  });

  it('stays silent to a wrong community, as an agent does', async () => {
    const result = await snmpGet(
      { ...target(0), profile: { ...v2cProfile, community: { reveal: () => 'nope' } as never } },
      [SYS_NAME],
    );
    expect(result.outcome).toBe('timeout');
  });

  it('serves v2c and v3 to Vigil’s own client, with counters of both widths', async () => {
    const v2 = await snmpGet(target(3), [SYS_NAME, '1.3.6.1.2.1.2.2.1.10.1', '1.3.6.1.2.1.31.1.1.1.6.1']);
    const v3 = await snmpGet(target(3, v3Profile), [SYS_NAME]);
    expect(v2.outcome).toBe('ok');
    expect(v2.varbinds.map((vb) => typeof vb.value === 'object' && vb.value.type)).toEqual([
      'OctetString',
      'Counter32',
      'Counter64',
    ]);
    expect(v3.outcome).toBe('ok');
    expect(String((v3.varbinds[0]!.value as { value: Buffer }).value)).toBe(cpe(3).id);
  });

  it('survives garbage datagrams and keeps answering', async () => {
    const device = cpe(4);
    const before = (await sim.stats()).rejected;
    const socket = createSocket('udp4');
    for (const junk of [
      Buffer.from('not snmp'),
      Buffer.from([0x30, 0x82, 0xff, 0xff, 0x02]),
      Buffer.alloc(0),
    ]) {
      await new Promise<void>((resolve) => socket.send(junk, device.port, device.host, () => resolve()));
    }
    socket.close();
    const after = await snmpGet(target(4), [SYS_NAME]);
    expect(after.outcome).toBe('ok');
    expect((await sim.stats()).rejected).toBeGreaterThan(before);
  });

  it('refuses the reboot SET with the read community', async () => {
    const device = cpe(5);
    const attempt = netSnmp('snmpset', [
      '-v2c',
      '-c',
      TEST_COMMUNITY,
      `${device.host}:${device.port}`,
      REBOOT,
      'i',
      '1',
    ]);
    await expect(attempt).rejects.toThrow(/noAccess/);
    expect(sim.device(device.id).rebootCount).toBe(0);
  });

  it('reboots on the reboot SET: silent, back with a fresh uptime, coldStart trap from its own address', async () => {
    const device = cpe(6);
    const before = await snmpGet(target(6), [SYS_UPTIME]);
    const uptimeBefore = (before.varbinds[0]!.value as { value: number }).value;
    expect(uptimeBefore).toBeGreaterThan(100 * 3600);

    await netSnmp('snmpset', [
      '-v2c',
      '-c',
      TEST_WRITE_COMMUNITY,
      `${device.host}:${device.port}`,
      REBOOT,
      'i',
      '1',
    ]);
    await sleep(100);
    expect((await snmpGet(target(6), [SYS_UPTIME])).outcome).toBe('timeout');

    // Back as soon as it answers again (the simulator's reboot takes about 1.5 s).
    const after = await until(
      async () => {
        const answer = await snmpGet({ ...target(6), timeoutMs: 200 }, [SYS_UPTIME]);
        return answer.outcome === 'ok' ? answer : undefined;
      },
      { what: 'the rebooted router to answer' },
    );
    expect((after.varbinds[0]!.value as { value: number }).value).toBeLessThan(500);
    expect(sim.device(device.id).rebootCount).toBe(1);

    const coldStart = Buffer.from([0x06, 0x09, 0x2b, 0x06, 0x01, 0x06, 0x03, 0x01, 0x01, 0x05, 0x01]);
    await until(() => traps.some((t) => t.from === device.host && t.packet.includes(coldStart)), {
      what: 'the coldStart trap from its own address',
    });
  });

  it('reboots through Vigil’s client with a v3 write user too', async () => {
    const result = await snmpSet(target(7, v3Profile), [
      { oid: REBOOT, value: { type: 'Integer', value: 1 } },
    ]);
    expect(result.outcome).toBe('ok');
    await until(() => sim.device(cpe(7).id).rebootCount > 0, { what: 'the reboot' });
    expect(sim.device(cpe(7).id).rebootCount).toBe(1);
  });

  it('takes the children of a base station down with it, and back', async () => {
    const station = sim.devices.find((d) => d.kind === 'base_station')!;
    const child = sim.devices.find((d) => d.parentIndex === station.index)!;
    const childTarget = {
      host: child.host,
      port: child.port,
      profile: v2cProfile,
      timeoutMs: 400,
      retries: 0,
    };

    const down = await control.inject({
      method: 'POST',
      url: `/devices/${station.id}/faults`,
      payload: { kind: 'down' },
    });
    expect(down.statusCode).toBe(201);
    expect((await snmpGet(childTarget, [SYS_NAME])).outcome).toBe('timeout');
    expect((await control.inject({ url: `/devices/${child.id}` })).json()).toMatchObject({
      reachable: false,
      agentUp: true,
    });

    const cleared = await control.inject({ method: 'DELETE', url: `/devices/${station.id}/faults` });
    expect(cleared.json()).toEqual({ removed: 1 });
    expect((await snmpGet(childTarget, [SYS_NAME])).outcome).toBe('ok');
  });

  it('shows injected faults in the values a manager reads', async () => {
    const device = cpe(8);
    await control.inject({
      method: 'POST',
      url: `/devices/${device.id}/faults`,
      payload: { kind: 'wan_down' },
    });
    await control.inject({
      method: 'POST',
      url: `/devices/${device.id}/faults`,
      payload: { kind: 'high_cpu', percent: 99 },
    });
    const result = await snmpGet(target(8), ['1.3.6.1.2.1.2.2.1.8.1', '1.3.6.1.2.1.25.3.3.1.2.196608']);
    expect(result.varbinds.map((vb) => (vb.value as { value: number }).value)).toEqual([2, 99]);
    const linkDown = Buffer.from([0x06, 0x09, 0x2b, 0x06, 0x01, 0x06, 0x03, 0x01, 0x01, 0x05, 0x03]);
    await until(() => traps.some((t) => t.from === device.host && t.packet.includes(linkDown)), {
      what: 'the linkDown trap',
    });
  });

  it('takes down the LAN port a lan_down fault names, and only that one', async () => {
    const device = cpe(9);
    const status = async () =>
      (
        await snmpWalk({ host: device.host, port: device.port, profile: v2cProfile }, '1.3.6.1.2.1.2.2.1.8')
      ).varbinds.map((vb) => (vb.value as { value: number }).value);
    const before = await status();
    await control.inject({
      method: 'POST',
      url: `/devices/${device.id}/faults`,
      payload: { kind: 'lan_down', ifIndex: 2 },
    });
    const after = await status();
    expect(before[1]).toBe(1);
    expect(after).toEqual(before.map((s, i) => (i === 1 ? 2 : s)));
    await control.inject({ method: 'DELETE', url: `/devices/${device.id}/faults/lan_down` });
    expect(await status()).toEqual(before);
  });

  it('walks a base station cell table', async () => {
    const station = sim.devices.find((d) => d.kind === 'base_station')!;
    const result = await snmpWalk(
      { host: station.host, port: station.port, profile: v2cProfile },
      '1.3.6.1.4.1.32473.3.1.1.3',
    );
    expect(result.outcome).toBe('ok');
    expect(result.varbinds.map((vb) => (vb.value as { value: number }).value)).toEqual([1, 1, 1]);
  });

  it('answers the control API with problem+json for bad requests', async () => {
    const unknown = await control.inject({ url: '/devices/nope' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/);
    const badKind = await control.inject({
      method: 'POST',
      url: `/devices/${cpe(0).id}/faults`,
      payload: { kind: 'meteor' },
    });
    expect(badKind.statusCode).toBe(400);
    const wrongTarget = await control.inject({
      method: 'POST',
      url: `/devices/${cpe(0).id}/faults`,
      payload: { kind: 'cell_down' },
    });
    expect(wrongTarget.statusCode).toBe(400);
    expect(wrongTarget.json<{ detail: string }>().detail).toMatch(/applies to base_station/);
  });
});
