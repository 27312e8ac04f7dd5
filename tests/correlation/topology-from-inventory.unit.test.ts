import { describe, expect, it } from 'vitest';
import { ancestorsOf, topologyFromInventory } from '../../src/correlation/index.js';

const devices = [
  { id: 'bs-1', parentId: null, site: 'site-a' },
  { id: 'an-1', parentId: 'bs-1', site: 'site-a' },
  { id: 'cpe-1', parentId: 'an-1' },
  { id: 'cpe-2', parentId: 'an-1' },
  // Corrupted links must not loop a walk: x → y → x.
  { id: 'x', parentId: 'y' },
  { id: 'y', parentId: 'x' },
];
const subscribers = [
  { id: 'sub-1', deviceIds: ['cpe-1'] },
  { id: 'sub-2', deviceIds: ['cpe-2', 'cpe-1'] },
];
const topology = topologyFromInventory(devices, subscribers);

describe('topologyFromInventory', () => {
  it.each([
    { query: 'parentOf cpe-1', got: () => topology.parentOf('cpe-1'), want: 'an-1' },
    { query: 'parentOf a root', got: () => topology.parentOf('bs-1'), want: null },
    { query: 'parentOf unknown', got: () => topology.parentOf('nope'), want: null },
    { query: 'childrenOf an-1', got: () => topology.childrenOf('an-1'), want: ['cpe-1', 'cpe-2'] },
    {
      query: 'descendantsOf bs-1',
      got: () => topology.descendantsOf('bs-1'),
      want: ['an-1', 'cpe-1', 'cpe-2'],
    },
    { query: 'descendantsOf a cycle', got: () => topology.descendantsOf('x'), want: ['y'] },
    {
      query: 'subscribersOf, each once',
      got: () => topology.subscribersOf(['cpe-1', 'cpe-2']),
      want: ['sub-1', 'sub-2'],
    },
    { query: 'siteOf', got: () => topology.siteOf('an-1'), want: 'site-a' },
    { query: 'siteOf without one', got: () => topology.siteOf('cpe-1'), want: undefined },
    { query: 'ancestorsOf cpe-2', got: () => ancestorsOf(topology, 'cpe-2'), want: ['an-1', 'bs-1'] },
    { query: 'ancestorsOf a cycle', got: () => ancestorsOf(topology, 'x'), want: ['y'] },
  ])('$query', ({ got, want }) => {
    expect(got()).toEqual(want);
  });
});
