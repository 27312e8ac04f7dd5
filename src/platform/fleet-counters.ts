import type { ChainableCommander } from 'ioredis';
import type { RedisKeys } from './redis-keys.js';

/**
 * Counters of the whole service, kept in one Redis hash (`<prefix>:metrics:counters`) and incremented
 * by whichever process does the work — pollers, workers, API instances — so any API instance's
 * `/metrics` shows the fleet's totals, and a restart loses nothing. Field names are the series as
 * Prometheus prints them: `name{label="value",…}`.
 */
export const FLEET_SERIES = {
  vigil_polls_total: {
    type: 'counter',
    help: 'Device polls, by outcome (ok, partial, timeout, auth_failed, transport_error, malformed, no_credentials).',
  },
  vigil_poll_duration_seconds: { type: 'histogram', help: 'Time to poll one device (all its requests).' },
  vigil_traps_total: {
    type: 'counter',
    help: 'SNMP traps received, by whether they came from a known device.',
  },
  vigil_traps_rejected_total: {
    type: 'counter',
    help: 'Datagrams at the trap port dropped, by reason (malformed, unknown_community, unknown_user, auth_failed, unsupported_pdu, socket_error, handler_error, overloaded: more traps in hand than the receiver takes at once).',
  },
  vigil_poll_write_conflicts_total: {
    type: 'counter',
    help: "Polls whose state write was refused because another writer changed the device's state since it was read, by what was done (judged_again, dropped).",
  },
  vigil_trap_announcements_total: {
    type: 'counter',
    help: 'Traps from known devices that announced more than a re-poll, by outcome (announced: a device judged silent; check_started: an outage check; subject_not_below_sender and too_soon: ignored).',
  },
  vigil_findings_opened_total: { type: 'counter', help: 'Findings opened, by kind.' },
  vigil_suggestions_total: { type: 'counter', help: 'Suggestions entering a state, by kind and state.' },
  vigil_actions_total: { type: 'counter', help: 'Actions finished, by kind and result.' },
  vigil_enqueue_failures_total: {
    type: 'counter',
    help: 'Jobs that could not be queued (Redis down, a refused job id), by queue and what queued them.',
  },
  vigil_accepted_swept_total: {
    type: 'counter',
    help: 'Accepted suggestions found without their action by the sweeper, by what it did (queued, failed).',
  },
  vigil_reboots_refused_total: {
    type: 'counter',
    help: 'Reboot SETs refused at their claim, by the guard that held (cooldown, max_per_24h, concurrent_under_parent).',
  },
  vigil_http_rate_limited_total: {
    type: 'counter',
    help: 'Requests answered 429, by the budget spent: anonymous and failed_auth (per address), key (per API key), conversation_key and conversation_subscriber (conversation opens).',
  },
  vigil_http_shed_total: {
    type: 'counter',
    help: 'Requests an API instance refused with 503 to shed load, by the pressure measured (eventLoopDelay, eventLoopUtilization, writesInFlight).',
  },
  vigil_webhook_deliveries_total: {
    type: 'counter',
    help: 'Alert deliveries, by result (delivered, retried, dead).',
  },
  vigil_sms_total: {
    type: 'counter',
    help: 'Outage SMS to subscribers, by kind (outage, eta, restored) and result (sent, dropped, failed, unconfirmed, retried, capped).',
  },
} as const;
export type FleetSeries = keyof typeof FLEET_SERIES;

export const POLL_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function seriesField(name: FleetSeries, labels: Record<string, string> = {}): string {
  const pairs = Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return pairs.length === 0 ? name : `${name}{${pairs.join(',')}}`;
}

export function countInto(
  pipeline: ChainableCommander,
  keys: RedisKeys,
  name: FleetSeries,
  labels: Record<string, string> = {},
  by = 1,
): void {
  pipeline.hincrbyfloat(keys.metricCounters(), seriesField(name, labels), by);
}

/** A batch of observations into a cumulative histogram (bucket counts, sum, count). */
export function observeInto(
  pipeline: ChainableCommander,
  keys: RedisKeys,
  name: FleetSeries,
  valuesSeconds: readonly number[],
  buckets: readonly number[] = POLL_DURATION_BUCKETS,
): void {
  if (valuesSeconds.length === 0) return;
  for (const le of buckets) {
    const n = valuesSeconds.filter((v) => v <= le).length;
    if (n > 0) pipeline.hincrby(keys.metricCounters(), `${name}_bucket{le="${le}"}`, n);
  }
  pipeline.hincrby(keys.metricCounters(), `${name}_bucket{le="+Inf"}`, valuesSeconds.length);
  pipeline.hincrbyfloat(
    keys.metricCounters(),
    `${name}_sum`,
    valuesSeconds.reduce((a, b) => a + b, 0),
  );
  pipeline.hincrby(keys.metricCounters(), `${name}_count`, valuesSeconds.length);
}
