import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';

const PASSWORD = 'smpp-password-7d1e2f';

describe('SMS configuration from the environment', () => {
  it('sends no SMS without VIGIL_SMPP_URL, and reads the rest when it is set', () => {
    expect(loadConfig({}).sms).toBeUndefined();
    const sms = loadConfig({
      VIGIL_SMPP_URL: 'smpp://127.0.0.1:2775',
      VIGIL_SMPP_SYSTEM_ID: 'vigil',
      VIGIL_SMPP_PASSWORD: PASSWORD,
      VIGIL_SMS_RATE_PER_SECOND: '80',
      VIGIL_SMS_QUIET_HOURS: '22:30-08:00',
      VIGIL_SMS_PLANNED_WORKS: 'true',
    }).sms;
    expect(sms).toMatchObject({
      url: 'smpp://127.0.0.1:2775',
      ratePerSecond: 80,
      quietHours: { startMinute: 22 * 60 + 30, endMinute: 8 * 60 },
      plannedWorks: true,
      defaultTimeZone: 'UTC',
    });
    expect(sms?.password.reveal()).toBe(PASSWORD);
    expect(JSON.stringify(sms)).not.toContain(PASSWORD);
  });

  it('reports every bad variable at once, never echoing the password', () => {
    let problems: readonly string[] = [];
    try {
      loadConfig({
        VIGIL_SMPP_URL: 'http://sms.example',
        VIGIL_SMPP_PASSWORD: PASSWORD,
        VIGIL_SMS_QUIET_HOURS: '9pm-8am',
        VIGIL_SMS_DEFAULT_TIME_ZONE: 'Moon/Base',
      });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      problems = (error as ConfigError).problems;
    }
    const text = problems.join('\n');
    expect(text).toContain('VIGIL_SMPP_URL');
    expect(text).toContain('VIGIL_SMS_QUIET_HOURS');
    expect(text).toContain('VIGIL_SMS_DEFAULT_TIME_ZONE');
    expect(text).not.toContain(PASSWORD);
  });

  it('wants the system id and password with the URL', () => {
    expect(() => loadConfig({ VIGIL_SMPP_URL: 'smpp://127.0.0.1:2775' })).toThrow(/VIGIL_SMPP_SYSTEM_ID/);
  });
});
