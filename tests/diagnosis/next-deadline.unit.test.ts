import { describe, expect, it } from 'vitest';
import type { Incident, MaintenanceWindow } from '../../src/correlation/index.js';
import { nextDeadline } from '../../src/diagnosis/correlation-gate.js';

const config = { settleMs: 90_000, resolveAfterMs: 60_000 };
const incident = (fields: Partial<Incident>): Incident =>
  ({ id: 'outage:bs-1', state: 'open', openedAt: 1_000, ...fields }) as Incident;
const window = (startsAt: number, endsAt: number): MaintenanceWindow => ({
  id: `w-${startsAt}`,
  target: { site: 'site-a' },
  startsAt,
  endsAt,
  note: '',
});

describe('when time alone can change what correlation answers', () => {
  it('is never, with only open incidents and no window ahead', () => {
    expect(nextDeadline(5_000, [incident({})], [window(0, 4_000)], config)).toBe(Infinity);
  });

  it('is a pending outage settling, or a recovering one resolving, whichever is first', () => {
    const incidents = [
      incident({ state: 'pending', openedAt: 10_000 }),
      incident({ id: 'outage:an-1', recoveringSince: 20_000 }),
    ];
    expect(nextDeadline(30_000, incidents, [], config)).toBe(80_000);
    expect(nextDeadline(30_000, incidents.slice(0, 1), [], config)).toBe(100_000);
  });

  it('is a maintenance window starting or ending', () => {
    expect(nextDeadline(5_000, [], [window(8_000, 20_000)], config)).toBe(8_000);
    expect(nextDeadline(9_000, [], [window(8_000, 20_000)], config)).toBe(20_000);
  });
});
