/**
 * What one poll of one device gives: an outcome (a misbehaving device is an outcome, never an
 * exception), the decoded sample, and how the poll went.
 */
/**
 * `malformed`: the device answered, but with bytes that are not a valid answer to what was asked.
 * `no_credentials`: nothing was sent, because the device's auth profile has no VIGIL_SNMP_<PROFILE>_*
 * variables in this process's environment: our configuration's fault, not the device's.
 */
export type PollOutcome =
  'ok' | 'partial' | 'timeout' | 'auth_failed' | 'transport_error' | 'malformed' | 'no_credentials';

export type SampleValue = number | string | null;

export interface PollSample {
  /** When the answer arrived (ms since epoch). */
  at: number;
  /** Scalar metrics by name, scaled; timeticks in seconds; counters raw (rates are computed apart). */
  scalars: Record<string, SampleValue>;
  /** Tables by name → row index (e.g. ifIndex "1") → column metric → value. */
  tables: Record<string, Record<string, Record<string, SampleValue>>>;
}

export interface PollMeta {
  durationMs: number;
  /** Retransmissions of requests in this poll. */
  retries: number;
  /** Request PDUs sent (GET, GETBULK) in this poll. */
  pdus: number;
}

export interface PollResult {
  deviceId: string;
  outcome: PollOutcome;
  /** Present for ok and partial. */
  sample?: PollSample;
  /** Metrics that did not come back (partial), or why the poll failed. */
  reason?: string;
  meta: PollMeta;
}

/**
 * Per-second rates derived from counters between two samples, keyed "<metric>" for scalars and
 * "<table>.<index>.<metric>" for table cells. A counter that went backwards because the device
 * rebooted has no rate for that interval (null), not a huge one.
 */
export type Rates = Record<string, number | null>;
