import { describe, expect, it } from 'vitest';
import { parseQuietHours, quietHoursEnd } from '../../src/sms/quiet-hours.js';
import { formatEta, smsText } from '../../src/sms/sms-text.js';

const night = parseQuietHours('21:00-09:00') ?? null;

describe('quiet hours', () => {
  it('parses HH:MM-HH:MM and "off", refuses the rest', () => {
    expect(night).toEqual({ startMinute: 21 * 60, endMinute: 9 * 60 });
    expect(parseQuietHours('off')).toBeNull();
    expect(parseQuietHours('25:00-07:00')).toBeUndefined();
    expect(parseQuietHours('08:00-08:00')).toBeUndefined();
  });

  it('sends at once by day, holds a night SMS until 09:00 in the site time zone', () => {
    // 10:00 UTC is 13:00 in Moscow (day); 23:30 UTC is 02:30 there (night).
    const day = Date.parse('2026-12-02T10:00:00Z');
    expect(quietHoursEnd(day, 'Europe/Moscow', night)).toBe(day);
    const moscowNight = Date.parse('2026-12-02T23:30:15Z');
    expect(new Date(quietHoursEnd(moscowNight, 'Europe/Moscow', night)).toISOString()).toBe(
      '2026-12-03T06:00:00.000Z',
    );
    // The same instant is 18:30 in New York: not quiet there.
    expect(quietHoursEnd(moscowNight, 'America/New_York', night)).toBe(moscowNight);
    expect(quietHoursEnd(moscowNight, 'Europe/Moscow', null)).toBe(moscowNight);
  });
});

describe('SMS texts', () => {
  it('words the ETA in the subscriber language and site time zone', () => {
    expect(formatEta('2026-12-02T11:30:00Z', 'ru', 'Europe/Moscow')).toBe('14:30 02.12');
    expect(formatEta('2026-12-02T11:30:00Z', 'en', 'UTC')).toBe('11:30, 2 Dec');
    const ru = smsText('outage', 'ru', { eta: '2026-12-02T11:30:00Z', timeZone: 'Europe/Moscow' });
    expect(ru).toContain('авария');
    expect(ru).toContain('14:30 02.12');
    expect(smsText('outage', 'en', { timeZone: 'UTC' })).not.toContain('Expected');
  });
});
