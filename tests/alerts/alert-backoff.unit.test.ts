import { describe, expect, it } from 'vitest';
import { alertFate, alertRetryDelayMs, MAX_RETRY_AFTER_MS } from '../../src/alerts/alert-backoff.js';

describe('alertFate', () => {
  it('a delivered alert is delivered, whatever the attempt', () => {
    expect(alertFate('delivered', { made: 7, allowed: 8 })).toBe('delivered');
  });

  it('a failure worth retrying is retried while attempts remain, dead-lettered on the last', () => {
    expect(alertFate('retry', { made: 0, allowed: 3 })).toBe('retry');
    expect(alertFate('retry', { made: 1, allowed: 3 })).toBe('retry');
    expect(alertFate('retry', { made: 2, allowed: 3 })).toBe('dead_letter');
  });

  it('a refusal is dead-lettered at once: the same alert would be refused again', () => {
    expect(alertFate('give_up', { made: 0, allowed: 8 })).toBe('dead_letter');
  });
});

describe('alertRetryDelayMs', () => {
  const options = { baseDelayMs: 1_000, maxDelayMs: 60_000 };

  it('doubles from the base delay up to the maximum', () => {
    expect([1, 2, 3, 4, 6, 7, 8, 20].map((made) => alertRetryDelayMs(made, options))).toEqual([
      1_000, 2_000, 4_000, 8_000, 32_000, 60_000, 60_000, 60_000,
    ]);
  });

  it("waits as long as the receiver's Retry-After when it asks for longer", () => {
    expect(alertRetryDelayMs(1, options, 30_000)).toBe(30_000);
  });

  it('never waits less than its own backoff, so "Retry-After: 0" cannot make it hammer a receiver', () => {
    expect(alertRetryDelayMs(3, options, 0)).toBe(4_000);
  });

  it('caps a Retry-After, so one receiver cannot stall its queue for hours', () => {
    expect(alertRetryDelayMs(1, options, 86_400_000)).toBe(MAX_RETRY_AFTER_MS);
  });
});
