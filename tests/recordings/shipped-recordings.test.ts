import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRecordings, type LoadedRecording } from '../../src/sim/load-recordings.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { openSnmpConnection, type SnmpConnection } from '../../src/snmp/snmp-session.js';
import { startTestSimulator, v2cProfile } from '../helpers/test-simulator.js';

const SYS_OBJECT_ID = '1.3.6.1.2.1.1.2.0';

describe(
  'the shipped recordings, served by a simulator that spreads them over processes',
  { timeout: 60_000 },
  () => {
    let recordings: LoadedRecording[];
    let warnings: string[];
    let simulator: Simulator;
    const connections: SnmpConnection[] = [];

    beforeAll(async () => {
      ({ recordings, warnings } = await loadRecordings('recordings', Date.now()));
      // Three devices a process: the generated four fill the first, the recordings land in child processes.
      simulator = await startTestSimulator({
        devices: 4,
        fanout: 3,
        firstOctet: 62,
        devicesPerProcess: 3,
        recordings,
      });
    });

    afterAll(async () => {
      for (const connection of connections) connection.close();
      await simulator?.close();
    });

    const connect = (id: string): SnmpConnection => {
      const device = simulator.devices.find((d) => d.id === id)!;
      const connection = openSnmpConnection({
        host: device.host,
        port: device.port,
        profile: v2cProfile,
        timeoutMs: 2_000,
      });
      connections.push(connection);
      return connection;
    };

    it('load without a problem, each with the id of its file, in child processes', () => {
      expect(warnings).toEqual([]);
      expect(recordings.map((r) => r.spec.id)).toEqual([
        'debian-snmpd-default',
        'debian-snmpd-full',
        'debian-snmpd-v3',
        'openwrt-router',
      ]);
      expect(simulator.processCount).toBeGreaterThan(1);
      expect(simulator.fleet.inventory.devices.find((d) => d.id === 'openwrt-router')).toMatchObject({
        kind: 'cpe',
        model: 'OpenWrt router (hand-written)',
        profile: 'generic',
      });
    });

    it('answer with what was recorded: sysObjectID, and for the router its PPPoE link and a storage row 1 that is not RAM', async () => {
      for (const { spec } of recordings) {
        const answer = await connect(spec.id).get([SYS_OBJECT_ID]);
        expect(answer.outcome).toBe('ok');
        expect(answer.varbinds[0]?.value).toEqual(spec.records.find((r) => r.oid === SYS_OBJECT_ID)?.value);
      }
      const router = connect('openwrt-router');
      const answer = await router.get([
        '1.3.6.1.2.1.2.2.1.2.5',
        '1.3.6.1.2.1.2.2.1.3.5',
        '1.3.6.1.2.1.25.2.3.1.3.1',
      ]);
      expect(
        answer.varbinds.map((v) => (typeof v.value === 'string' ? v.value : String(v.value.value))),
      ).toEqual(['pppoe-wan', '23', 'Memory Buffers']);
    });

    it('keep an Opaque value Opaque (UCD-SNMP laLoadFloat), as the agent answered it', async () => {
      const walk = await connect('debian-snmpd-full').getBulk('1.3.6.1.4.1.2021.10.1.6', 3);
      expect(walk.varbinds.map((v) => (typeof v.value === 'string' ? v.value : v.value.type))).toEqual([
        'Opaque',
        'Opaque',
        'Opaque',
      ]);
    });
  },
);
