import { Type, type StaticDecode } from '@sinclair/typebox';
import { secretString } from '../shared/env/env-field-types.js';
import { parseQuietHours } from './quiet-hours.js';
import { DEFAULT_SMS_OPTIONS as D, type SmsConfig } from './sms-config.js';

/** Outage SMS variables (README "SMS to affected subscribers (SMPP)"); unset VIGIL_SMPP_URL: no SMS. */
export const SMS_ENV = Type.Object({
  VIGIL_SMPP_URL: Type.Optional(
    Type.String({
      pattern: '^(smpp://[^\\s/@]+:\\d{1,5}/?)?$',
      expected: 'smpp://host:port',
      description: 'The SMS centre outage SMS go through (default none: no SMS).',
    }),
  ),
  VIGIL_SMPP_SYSTEM_ID: Type.Optional(
    secretString({ description: 'SMPP system_id of the bind (default none; required with the URL).' }),
  ),
  VIGIL_SMPP_PASSWORD: Type.Optional(
    secretString({ description: 'SMPP password of the bind (default none; required with the URL).' }),
  ),
  VIGIL_SMS_SOURCE_ADDR: Type.String({
    default: 'Vigil',
    maxLength: 20,
    description:
      'Sender the subscriber sees: an alphanumeric name (11 characters at most) or a number (default Vigil).',
  }),
  VIGIL_SMS_RATE_PER_SECOND: Type.Number({
    exclusiveMinimum: 0,
    maximum: 10_000,
    default: D.ratePerSecond,
    unit: 'messages per second',
    description: `submit_sm per second to the SMS centre, all workers together (default ${D.ratePerSecond}).`,
  }),
  VIGIL_SMS_MAX_PER_INCIDENT: Type.Integer({
    minimum: 1,
    default: D.maxPerIncident,
    description: `Outage notices one incident may send at most (default ${D.maxPerIncident}).`,
  }),
  VIGIL_SMS_QUIET_HOURS: Type.String({
    default: '21:00-09:00',
    description:
      'Local HH:MM-HH:MM (site time zone) when SMS wait for the morning; "off" for none (default 21:00-09:00).',
  }),
  VIGIL_SMS_DEFAULT_TIME_ZONE: Type.String({
    default: D.defaultTimeZone,
    description: `IANA time zone of subscribers whose site names none (default ${D.defaultTimeZone}).`,
  }),
  VIGIL_SMS_DEFAULT_LANGUAGE: Type.Union([Type.Literal('ru'), Type.Literal('en')], {
    default: D.defaultLanguage,
    description: `Language (ru, en) of subscribers who have neither (default ${D.defaultLanguage}).`,
  }),
  VIGIL_SMS_PLANNED_WORKS: Type.Union([Type.Literal('true'), Type.Literal('false')], {
    default: 'false',
    description: 'true: planned works (maintenance windows) are announced by SMS too (default false).',
  }),
});

export type SmsEnv = StaticDecode<typeof SMS_ENV>;

function knownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The SMS configuration, or undefined when no SMS centre is configured; every problem reported. */
export function smsConfigFromEnv(values: SmsEnv, problems: string[]): SmsConfig | undefined {
  const quietHours = parseQuietHours(values.VIGIL_SMS_QUIET_HOURS);
  if (quietHours === undefined)
    problems.push('VIGIL_SMS_QUIET_HOURS: must be HH:MM-HH:MM (e.g. 21:00-09:00) or "off"');
  if (!knownTimeZone(values.VIGIL_SMS_DEFAULT_TIME_ZONE))
    problems.push('VIGIL_SMS_DEFAULT_TIME_ZONE: must be an IANA time zone such as "Europe/Moscow"');
  const url = values.VIGIL_SMPP_URL;
  if (!url) return undefined;
  const { VIGIL_SMPP_SYSTEM_ID: systemId, VIGIL_SMPP_PASSWORD: password } = values;
  if (!systemId || !password) {
    problems.push('VIGIL_SMPP_SYSTEM_ID, VIGIL_SMPP_PASSWORD: required with VIGIL_SMPP_URL');
    return undefined;
  }
  return {
    ...D,
    url,
    systemId,
    password,
    sourceAddr: values.VIGIL_SMS_SOURCE_ADDR,
    ratePerSecond: values.VIGIL_SMS_RATE_PER_SECOND,
    maxPerIncident: values.VIGIL_SMS_MAX_PER_INCIDENT,
    quietHours: quietHours ?? null,
    defaultTimeZone: values.VIGIL_SMS_DEFAULT_TIME_ZONE,
    defaultLanguage: values.VIGIL_SMS_DEFAULT_LANGUAGE,
    plannedWorks: values.VIGIL_SMS_PLANNED_WORKS === 'true',
  };
}
