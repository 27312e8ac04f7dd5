import { describe, expect, it } from 'vitest';
import { diffSorted } from '../../src/correlation/diff-incident.js';

describe('diffSorted', () => {
  it.each([
    { before: [], after: [], added: [], removed: [] },
    { before: ['a', 'c'], after: ['a', 'b', 'c'], added: ['b'], removed: [] },
    { before: ['a', 'b', 'c'], after: ['b'], added: [], removed: ['a', 'c'] },
    { before: ['a', 'c', 'e'], after: ['b', 'c', 'd'], added: ['b', 'd'], removed: ['a', 'e'] },
    { before: ['cpe-1'], after: [], added: [], removed: ['cpe-1'] },
  ])('$before → $after', ({ before, after, added, removed }) => {
    expect(diffSorted(before, after)).toEqual({ added, removed });
  });
});
