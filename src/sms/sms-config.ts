import type { Secret } from '../shared/secret.js';
import type { QuietHours } from './quiet-hours.js';
import type { SmsLanguage } from './sms-text.js';

/** Outage SMS through the operator's SMS centre (README "SMS to affected subscribers (SMPP)"). */
export interface SmsConfig {
  /** smpp://host:port of the SMS centre. */
  url: string;
  systemId: Secret;
  password: Secret;
  /** The sender name or number subscribers see (source_addr). */
  sourceAddr: string;
  /** submit_sm PDUs per second to this SMS centre, shared by every worker (the SMSC's contracted throughput). */
  ratePerSecond: number;
  /** Outage notices per incident at most; past it, subscribers are counted as capped, not sent. */
  maxPerIncident: number;
  quietHours: QuietHours | null;
  /** For subscribers whose site names no time zone. */
  defaultTimeZone: string;
  /** For subscribers whose language is neither ru nor en. */
  defaultLanguage: SmsLanguage;
  /** Also tell subscribers about planned works (maintenance windows); off by default. */
  plannedWorks: boolean;
  enquireLinkMs: number;
  /** How long a submit_sm waits for its response before the SMS is left unconfirmed. */
  submitTimeoutMs: number;
  /** Longest wait between reconnect attempts (the backoff doubles from 500 ms up to it). */
  reconnectMaxMs: number;
}

export const DEFAULT_SMS_OPTIONS = {
  ratePerSecond: 50,
  maxPerIncident: 20_000,
  defaultTimeZone: 'UTC',
  defaultLanguage: 'en',
  plannedWorks: false,
  enquireLinkMs: 30_000,
  submitTimeoutMs: 10_000,
  reconnectMaxMs: 30_000,
} as const;
