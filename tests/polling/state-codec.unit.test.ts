import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { compactSample } from '../../src/polling/compact-sample.js';
import type { PollerDeviceState } from '../../src/polling/poller-state-store.js';
import { previousSample } from '../../src/polling/previous-sample.js';
import { packState, unpackState } from '../../src/polling/state-codec.js';
import { recentPoints, windowOf, type RecentPoint } from '../../src/polling/recent-samples.js';
import type { PollSample } from '../../src/probes/poll-result.js';
import type { MetricSpec } from '../../src/probes/probe-types.js';
import { DEVICE_ID, probe, state, T0 } from '../detection/factories.js';

const packr = new Packr({ useRecords: false, mapsAsObjects: true });

const column = (name: string, kind: MetricSpec['kind']): MetricSpec => ({
  name,
  oid: '1.3.6.1',
  kind,
  optional: false,
});

const polled: PollSample = {
  at: T0,
  scalars: {
    sysDescr: 'SimRouter GP-1',
    sysUpTime: 890_250.27,
    sysInPkts: 77,
    temperature: 55,
    signal: -22.23,
  },
  tables: {
    interfaces: {
      '1': {
        ifDescr: 'pon0',
        ifName: 'pon0',
        ifAdminStatus: 'up',
        ifOperStatus: 'up',
        ifInErrors: 12,
        ifHCInOctets: 4.9e11,
      },
      '3': {
        ifDescr: 'lan2',
        ifName: 'lan2',
        ifAdminStatus: 'down',
        ifOperStatus: 'down',
        ifInErrors: 0,
        ifHCInOctets: null,
      },
    },
    storage: { '2': { hrStorageDescr: 'RAM', hrStorageUsed: 1200 } },
  },
};

const gpon = probe({
  scalars: [
    { name: 'sysDescr', oid: '1.3.6.1.2.1.1.1.0', kind: 'string', optional: false },
    { name: 'sysUpTime', oid: '1.3.6.1.2.1.1.3.0', kind: 'timeticks', optional: false },
    { name: 'sysInPkts', oid: '1.3.6.1.9', kind: 'counter32', optional: false },
  ],
  tables: [
    {
      name: 'interfaces',
      maxRows: 64,
      columns: [
        column('ifDescr', 'string'),
        column('ifName', 'string'),
        column('ifAdminStatus', 'enum'),
        column('ifOperStatus', 'enum'),
        column('ifInErrors', 'counter32'),
        column('ifHCInOctets', 'counter64'),
      ],
    },
    {
      name: 'storage',
      maxRows: 64,
      columns: [column('hrStorageDescr', 'string'), column('hrStorageUsed', 'integer')],
    },
  ],
});

const points: RecentPoint[] = [
  [T0 - 60_000, 0, 890_190.27, 9.5, 42.5, 54.5, -22.25, 0],
  [T0 - 1, 2, null, null, null, null, null, null],
  [T0, 1, 890_250.27, 11, 42.6, 55, -22.23, 3_600_000_000],
];

const everything: PollerDeviceState = {
  probe: 'cpe-gpon',
  indices: { interfaces: ['1', '3'], storage: ['2'] },
  detection: {
    ...state({
      reachable: true,
      consecutiveFailures: 0,
      consecutiveSuccesses: 7,
      lastPollAt: T0,
      lastOutcome: 'partial',
      lastSample: previousSample(gpon, polled),
      uptimeSeconds: 890_250.27,
      uptimeWraps: 1,
      bootAt: T0 - 890_250_270,
      reboots: [T0 - 5_000],
      expectedRebootUntil: T0 + 60_000,
      transitions: { 'interfaces.3': [T0 - 1_000] },
      lastStates: { reachability: 'up', 'interfaces.1': 'up' },
      pending: { [`${DEVICE_ID}:high_cpu`]: { present: 1, absent: 0 } },
    }),
    findings: {
      [`${DEVICE_ID}:wan_down:1`]: {
        id: `${DEVICE_ID}:wan_down:1`,
        deviceId: DEVICE_ID,
        kind: 'wan_down',
        subject: '1',
        severity: 'major',
        since: T0,
        updatedAt: T0,
        evidence: { summary: 'upstream interface pon0 is down', values: { ifIndex: '1' } },
      },
    },
  },
  recent: windowOf(points),
};

describe('a stored poller state', () => {
  it('comes back as it was, every field of the detection state in its place, the id from the hash field', () => {
    expect(unpackState(packState(everything), DEVICE_ID)).toEqual(everything);
  });

  it('comes back without the fields a device never polled has not got', () => {
    const fresh: PollerDeviceState = { probe: 'generic', indices: {}, detection: state() };
    expect(unpackState(packState(fresh), DEVICE_ID)).toEqual(fresh);
  });

  it('stores a decimal such as -22.23 dBm in 4 bytes, and reads back the number it was given', () => {
    const fresh: PollerDeviceState = { probe: 'generic', indices: {}, detection: state() };
    const [withSignal, withoutSignal] = [-22.23, null].map(
      (signal) =>
        packState({ ...fresh, recent: windowOf([[T0, 0, null, null, null, null, signal, null]]) }).length,
    );
    expect(withSignal! - withoutSignal!).toBe(4);
    const odd = Math.PI * 1e3;
    const recent: RecentPoint[] = [[T0, 0, odd, 0.1 + 0.2, null, null, -22.23, null]];
    const stored = unpackState(packState({ ...fresh, recent: windowOf(recent) }), DEVICE_ID).recent;
    expect(recentPoints(stored)).toEqual(recent);
  });

  it('is still read when it was written in version 2, its recent polls points with delta times', () => {
    const stored = [...(packr.unpack(packState(everything)) as unknown[])];
    stored[0] = 2;
    stored[18] = points.map((point, i) => [point[0] - (points[i - 1]?.[0] ?? 0), ...point.slice(1)]);
    const read = unpackState(packr.pack(stored), DEVICE_ID);
    expect(read).toEqual(everything);
    expect(recentPoints(read.recent)).toEqual(points);
  });

  it('holds no field names and no device id', () => {
    const { findings: _, pending: __, ...rest } = everything.detection;
    const text = packState({ ...everything, detection: { ...rest, findings: {}, pending: {} } }).toString(
      'latin1',
    );
    for (const name of [
      'consecutiveFailures',
      'lastPollAt',
      'deviceId',
      'uptimeWraps',
      'detection',
      DEVICE_ID,
    ])
      expect(text).not.toContain(name);
  });

  it('is still read when it was written as a msgpack map, its sample whole or compact', () => {
    const whole = {
      ...everything,
      detection: { ...everything.detection, lastSample: polled },
      recent: points,
    };
    const read = { ...whole, recent: everything.recent };
    expect(unpackState(packr.pack(whole), DEVICE_ID)).toEqual(read);
    const compact = { ...whole, detection: { ...whole.detection, lastSample: compactSample(polled) } };
    expect(unpackState(packr.pack(compact), DEVICE_ID)).toEqual(read);
  });
});

describe("the part of a sample the device's next poll compares against", () => {
  it('keeps counters, sysUpTime and the interfaces’ names and admin status, nothing else', () => {
    expect(previousSample(gpon, polled)).toEqual({
      at: T0,
      scalars: { sysUpTime: 890_250.27, sysInPkts: 77 },
      tables: {
        interfaces: {
          '1': { ifDescr: 'pon0', ifName: 'pon0', ifAdminStatus: 'up', ifInErrors: 12, ifHCInOctets: 4.9e11 },
          '3': { ifDescr: 'lan2', ifName: 'lan2', ifAdminStatus: 'down', ifInErrors: 0, ifHCInOctets: null },
        },
      },
    });
  });

  it('is what it keeps when kept again', () => {
    const kept = previousSample(gpon, polled);
    expect(previousSample(gpon, kept)).toEqual(kept);
  });
});
