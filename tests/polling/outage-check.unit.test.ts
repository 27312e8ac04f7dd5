import { describe, expect, it } from 'vitest';
import { judgeRound, sampleChildren } from '../../src/polling/outage-check.js';

describe('the outage check', () => {
  it('samples children spread over the sorted list, all of them when there are few', () => {
    const children = Array.from({ length: 20 }, (_, i) => `cpe-${String(i).padStart(2, '0')}`).reverse();
    expect(sampleChildren(children, 5)).toEqual(['cpe-00', 'cpe-04', 'cpe-08', 'cpe-12', 'cpe-16']);
    expect(sampleChildren(['b', 'a'], 5)).toEqual(['a', 'b']);
    expect(sampleChildren([], 5)).toEqual([]);
  });

  it('confirms a silent parent when at least the share of the children asked failed too', () => {
    const four = judgeRound('timeout', ['timeout', 'timeout', 'timeout', 'timeout', 'ok'], 0.8);
    expect(four).toEqual({ parentSilent: true, asked: 5, silent: 4, confirms: true });
    expect(judgeRound('timeout', ['timeout', 'timeout', 'timeout', 'ok', 'ok'], 0.8).confirms).toBe(false);
  });

  it('does not confirm a parent that answered, or one whose children were not asked', () => {
    expect(judgeRound('ok', ['timeout', 'timeout'], 0.8).confirms).toBe(false);
    expect(judgeRound('partial', ['timeout'], 0.8).confirms).toBe(false);
    expect(judgeRound(undefined, ['timeout'], 0.8).confirms).toBe(false);
    // no_credentials: nothing was sent, so the child says nothing about the parent.
    expect(judgeRound('timeout', ['no_credentials', 'no_credentials'], 0.8)).toMatchObject({
      asked: 0,
      confirms: false,
    });
    expect(judgeRound('timeout', [], 0.8).confirms).toBe(false);
  });

  it('counts a child that answers with garbage or rejects us as failing, one that answers partly as answering', () => {
    expect(judgeRound('auth_failed', ['malformed', 'transport_error', 'auth_failed'], 1).confirms).toBe(true);
    expect(judgeRound('timeout', ['timeout', 'partial'], 1).confirms).toBe(false);
  });
});
