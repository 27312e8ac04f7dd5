import { describe, expect, it } from 'vitest';
import { announceUplinkDown } from '../../src/detection/announced-uplink-down.js';
import { detect } from '../../src/detection/detect.js';
import { DEVICE_ID, iface, okPoll, probe, sample, state, T0 } from './factories.js';

const NODE = probe({
  name: 'access-node',
  upstreamInterfacePattern: '^uplink',
  thresholds: { clearAfterPolls: 2 },
});
const INTERFACES = {
  '1': iface('uplink0', 'up'),
  '2': iface('pon1', 'up'),
  '3': iface('pon2', 'up', 'down'),
};
const polled = state({ reachable: true, lastSample: sample({ interfaces: INTERFACES }) });
const trap = (ifIndex: string) => ({ ifIndex, reportedBy: DEVICE_ID });

describe("a parent's linkDown on its uplink", () => {
  it('opens wan_down at once on the interface its last answer showed as upstream', () => {
    const { state: after, changes } = announceUplinkDown(polled, NODE, trap('1'), T0);
    expect(
      changes.map((c) => [c.type, c.finding.kind, c.finding.subject, c.finding.evidence.summary]),
    ).toEqual([['opened', 'wan_down', '1', 'upstream interface uplink0 is down (linkDown trap)']]);
    expect(after.findings[`${DEVICE_ID}:wan_down:1`]?.evidence.values.reportedBy).toBe(DEVICE_ID);
  });

  it('opens nothing for another port, a port shut on purpose, an unknown one, or before any answer', () => {
    for (const [s, ifIndex] of [
      [polled, '2'],
      [polled, '3'],
      [polled, '99'],
      [state({ reachable: true }), '1'],
    ] as const)
      expect(announceUplinkDown(s, NODE, trap(ifIndex), T0).changes).toEqual([]);
    const shut = state({ lastSample: sample({ interfaces: { '1': iface('uplink0', 'down', 'down') } }) });
    expect(announceUplinkDown(shut, NODE, trap('1'), T0).changes).toEqual([]);
  });

  it('does not open it twice, and the next polls that see the uplink up clear it', () => {
    const announced = announceUplinkDown(polled, NODE, trap('1'), T0).state;
    expect(announceUplinkDown(announced, NODE, trap('1'), T0 + 1).changes).toEqual([]);
    let s = announced;
    const kinds: string[] = [];
    for (let i = 1; i <= 2; i++) {
      const next = detect({
        probe: NODE,
        device: { id: DEVICE_ID, kind: 'access_node' },
        state: s,
        poll: okPoll(sample({ at: T0 + i * 1000, interfaces: INTERFACES })),
        rates: {},
        now: T0 + i * 1000,
      });
      s = next.state;
      kinds.push(...next.changes.map((c) => `${c.type} ${c.finding.kind}`));
    }
    expect(kinds).toEqual(['cleared wan_down']);
  });
});
