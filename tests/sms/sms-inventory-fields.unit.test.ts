import { describe, expect, it } from 'vitest';
import { readInventory } from '../../src/inventory/index.js';
import { AppError } from '../../src/shared/app-error.js';

const base = {
  devices: [
    { id: 'bs-1', kind: 'base_station', parentId: null, profile: 'bs', host: '127.0.0.1', auth: 'sim' },
  ],
};

function problems(text: string): string[] {
  try {
    readInventory(text, { fileName: 'x.json' });
    return [];
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return (error.details as { reason: string }[]).map((e) => e.reason);
  }
}

describe('inventory fields for outage SMS', () => {
  it('keeps a site time zone and a subscriber opt-out (CSV text "true" read as a flag)', () => {
    const inventory = readInventory(
      JSON.stringify({
        ...base,
        sites: [{ id: 's1', name: 'Kazan', timeZone: 'Europe/Moscow' }],
        subscribers: [
          { id: 'a', deviceIds: [], phone: '+7 912 000-00-01', smsOptOut: true },
          { id: 'b', deviceIds: [], smsOptOut: 'false' },
        ],
      }),
      { fileName: 'x.json' },
    );
    expect(inventory.sites[0]?.timeZone).toBe('Europe/Moscow');
    expect(inventory.subscribers.map((s) => s.smsOptOut)).toEqual([true, false]);
  });

  it('refuses a time zone Intl does not know and an opt-out that is not a flag', () => {
    const found = problems(
      JSON.stringify({
        ...base,
        sites: [{ id: 's1', name: 'Kazan', timeZone: 'Mars/Olympus' }],
        subscribers: [{ id: 'a', deviceIds: [], smsOptOut: 'maybe' }],
      }),
    );
    expect(found.join('\n')).toContain('"timeZone" must be an IANA time zone');
    expect(found.join('\n')).toContain('"smsOptOut" must be true or false');
  });
});
