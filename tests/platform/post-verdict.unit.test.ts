import { describe, expect, it } from 'vitest';
import { postVerdict } from '../../src/platform/post-verdict.js';
import { retryAfterMs } from '../../src/platform/retry-after.js';

describe('postVerdict', () => {
  it.each([200, 201, 202, 204, 299])('%i is delivered', (status) => {
    expect(postVerdict(status)).toBe('delivered');
  });

  it.each([408, 429, 500, 502, 503, 504])('%i is worth another try', (status) => {
    expect(postVerdict(status)).toBe('retry');
  });

  it.each([301, 302, 303, 307, 308, 400, 401, 403, 404, 410, 413, 422])(
    '%i is given up: a redirect is not followed, a refusal would come again',
    (status) => {
      expect(postVerdict(status)).toBe('give_up');
    },
  );
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-12-02T06:00:00Z');

  it('reads delay-seconds', () => {
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('0', now)).toBe(0);
  });

  it('reads an HTTP-date as the time left until it, never negative', () => {
    expect(retryAfterMs('Wed, 02 Dec 2026 06:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Wed, 02 Dec 2026 05:00:00 GMT', now)).toBe(0);
  });

  it('ignores what is neither', () => {
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('', now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('-5', now)).toBeUndefined();
  });
});
