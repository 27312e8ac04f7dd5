import { describe, expect, it } from 'vitest';
import { acknowledge, setEtaNote, type Incident } from '../../src/correlation/index.js';
import { T0 } from './fixtures.js';

const LATER = T0 + 300_000;

function incident(extra: Partial<Incident> = {}): Incident {
  return {
    id: 'outage:bs-1',
    kind: 'outage',
    rootDeviceId: 'bs-1',
    cause: 'parent_down',
    state: 'open',
    openedAt: T0,
    updatedAt: T0,
    affectedDeviceIds: ['bs-1'],
    affectedSubscriberIds: ['sub-1'],
    suppressAlerts: false,
    ...extra,
  };
}

describe('acknowledge', () => {
  it('records who and when, and announces it', () => {
    const { incident: next, change } = acknowledge(incident(), 'noc-anna', LATER);
    expect(next).toMatchObject({ acknowledgedBy: 'noc-anna', acknowledgedAt: LATER, updatedAt: LATER });
    expect(change).toMatchObject({ type: 'updated', at: LATER, diff: { acknowledgedBy: 'noc-anna' } });
  });

  it('changes nothing when the same person acknowledges again', () => {
    const acked = incident({ acknowledgedBy: 'noc-anna', acknowledgedAt: T0 });
    const { incident: next, change } = acknowledge(acked, 'noc-anna', LATER);
    expect(next).toBe(acked);
    expect(change).toBeNull();
  });

  it('edits a pending incident silently: it is not announced yet', () => {
    const { incident: next, change } = acknowledge(incident({ state: 'pending' }), 'noc-boris', LATER);
    expect(next.acknowledgedBy).toBe('noc-boris');
    expect(change).toBeNull();
  });

  it('does not mutate its input', () => {
    const original = incident();
    acknowledge(original, 'noc-anna', LATER);
    expect(original.acknowledgedBy).toBeUndefined();
  });
});

describe('setEtaNote', () => {
  const ETA = '2026-01-15T14:00:00Z';
  it.each([
    {
      name: 'sets both',
      before: {},
      patch: { eta: ETA, note: 'fibre cut' },
      diff: { eta: { to: ETA }, note: { to: 'fibre cut' } },
    },
    {
      name: 'sets the note only, keeps the ETA',
      before: { eta: ETA },
      patch: { note: 'crew on site' },
      diff: { note: { to: 'crew on site' } },
    },
    {
      name: 'clears the ETA with null',
      before: { eta: ETA, note: 'x' },
      patch: { eta: null },
      diff: { eta: { from: ETA } },
    },
    { name: 'no change → no announcement', before: { eta: ETA }, patch: { eta: ETA }, diff: null },
  ])('$name', ({ before, patch, diff }) => {
    const original = incident(before);
    const { incident: next, change } = setEtaNote(original, patch, LATER);
    if (diff === null) {
      expect(change).toBeNull();
      expect(next).toBe(original);
      return;
    }
    expect(change).toMatchObject({ type: 'updated', diff });
    expect(next.updatedAt).toBe(LATER);
    if (patch.eta === null) expect(next).not.toHaveProperty('eta');
  });
});
