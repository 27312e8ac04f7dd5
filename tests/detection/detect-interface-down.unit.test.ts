import { describe, expect, it } from 'vitest';
import { detectInterfaceDown } from '../../src/detection/detect-interface-down.js';
import type { InterfaceMemory } from '../../src/detection/track-interfaces.js';
import { type Row, context, failedPoll, iface, isUnknown, presentOf, sample, state } from './factories.js';

function judge(interfaces: Record<string, Row>, memory: Record<string, InterfaceMemory> = {}) {
  const lastStates = Object.fromEntries(Object.entries(memory).map(([i, m]) => [`interfaces.${i}`, m]));
  return detectInterfaceDown(context({ sample: sample({ interfaces }), state: state({ lastStates }) }));
}

describe('detectInterfaceDown (upstream: ^(pon|wan))', () => {
  it.each<{
    name: string;
    interfaces: Record<string, Row>;
    memory: Record<string, InterfaceMemory>;
    expected: unknown[];
  }>([
    {
      name: 'all up',
      interfaces: { '1': iface('pon0', 'up'), '2': iface('lan1', 'up') },
      memory: {},
      expected: [],
    },
    {
      name: 'PON admin up, oper down',
      interfaces: { '1': iface('pon0', 'down') },
      memory: {},
      expected: [['wan_down', '1', 'major', 'upstream interface pon0 is down (admin up, oper down)']],
    },
    {
      name: 'WAN down because its lower layer is',
      interfaces: { '7': iface('wan0', 'lowerLayerDown') },
      memory: {},
      expected: [
        ['wan_down', '7', 'major', 'upstream interface wan0 is down (admin up, oper lowerLayerDown)'],
      ],
    },
    {
      name: 'PON switched off by the operator',
      interfaces: { '1': iface('pon0', 'down', 'down') },
      memory: {},
      expected: [],
    },
    { name: 'PON dormant', interfaces: { '1': iface('pon0', 'dormant') }, memory: {}, expected: [] },
    {
      name: 'a LAN port never seen up (nothing plugged in)',
      interfaces: { '3': iface('lan2', 'down') },
      memory: { '3': 'down' },
      expected: [],
    },
    {
      name: 'a LAN port that went down',
      interfaces: { '2': iface('lan1', 'down') },
      memory: { '2': 'went_down' },
      expected: [['interface_down', '2', 'minor', 'interface lan1 went down (it was up before)']],
    },
    {
      name: 'upstream first, whatever the ifIndex order',
      interfaces: { '2': iface('lan1', 'down'), '9': iface('pon0', 'down') },
      memory: { '2': 'went_down' },
      expected: [
        ['wan_down', '9', 'major', 'upstream interface pon0 is down (admin up, oper down)'],
        ['interface_down', '2', 'minor', 'interface lan1 went down (it was up before)'],
      ],
    },
  ])('$name', ({ interfaces, memory, expected }) => {
    expect(presentOf(judge(interfaces, memory))).toEqual(expected);
  });

  it('matches the upstream pattern on ifDescr as well as ifName', () => {
    const row = { ...iface('ge-0/0/1', 'down'), ifDescr: 'wan uplink' };
    expect(presentOf(judge({ '5': row }))).toEqual([
      ['wan_down', '5', 'major', 'upstream interface ge-0/0/1 is down (admin up, oper down)'],
    ]);
  });

  it('carries the interface in values', () => {
    expect(judge({ '1': iface('pon0', 'down') }).present[0]?.evidence.values).toEqual({
      ifIndex: '1',
      interface: 'pon0',
      operStatus: 'down',
    });
  });

  it('knows nothing of any interface when the device does not answer or the table is missing', () => {
    for (const ctx of [context({ poll: failedPoll() }), context({ sample: sample({ interfaces: null }) })]) {
      const j = detectInterfaceDown(ctx);
      expect(isUnknown(j, 'wan_down', '1')).toBe(true);
      expect(isUnknown(j, 'interface_down', '2')).toBe(true);
    }
  });

  it('knows nothing of an interface whose status did not come back, and knows the others', () => {
    const j = judge({ '1': { ...iface('pon0', 'down'), ifOperStatus: null }, '2': iface('lan1', 'up') });
    expect(j.present).toEqual([]);
    expect(isUnknown(j, 'wan_down', '1')).toBe(true);
    expect(isUnknown(j, 'interface_down', '2')).toBe(false);
  });
});
