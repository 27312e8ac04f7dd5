import { Type, type StaticDecode } from '@sinclair/typebox';
import { portNumber } from '../shared/env/env-field-types.js';

/**
 * Polls a poller keeps in flight at once. The bound is the answers that may arrive together: every
 * answer waits in the poller's one socket queue (4 MB asked, about 1 KB of kernel memory per
 * datagram) while the event loop writes a batch to Redis, and past that the kernel drops them, each
 * drop a retry later and a timeout at last. 4,096 keeps a burst of answers inside the queue and still
 * lets silent devices (2 s × 2 tries each) take ~1,000 slots a second: a tenth of a million-device
 * fleet down at once keeps its five-minute interval.
 */
export const DEFAULT_POLLS_IN_FLIGHT = 4_096;

/** Polling's variables (README "Configuration", "Polling"). */
export const POLLING_ENV = Type.Object({
  VIGIL_PROBES_DIR: Type.String({
    default: 'probes',
    description: 'Directory of probe files (default "probes").',
  }),
  VIGIL_POLL_SHARDS: Type.Integer({
    minimum: 1,
    maximum: 4096,
    default: 64,
    description:
      'Shards of the poll schedule (default 64); every poller and API process of one Redis must agree.',
  }),
  // Fast-test knobs: unset in production, where the probes' and poller's own defaults apply.
  VIGIL_PROBE_MIN_INTERVAL_SECONDS: Type.Optional(
    Type.Number({
      minimum: 0.1,
      maximum: 3600,
      unit: 'seconds',
      description: 'Shortest interval a probe may ask for, in seconds (default 5).',
    }),
  ),
  VIGIL_POLL_TICK_SECONDS: Type.Optional(
    Type.Number({
      minimum: 0.05,
      maximum: 60,
      unit: 'seconds',
      description: 'Seconds between ticks of each poll shard (default 1).',
    }),
  ),
  VIGIL_POLL_SYNC_SECONDS: Type.Optional(
    Type.Number({
      minimum: 0.1,
      maximum: 3600,
      unit: 'seconds',
      description:
        'Seconds between checks of the schedule and trap addresses against the inventory (default 15).',
    }),
  ),
  VIGIL_POLL_IN_FLIGHT: Type.Integer({
    minimum: 16,
    maximum: 65_536,
    default: DEFAULT_POLLS_IN_FLIGHT,
    description: `Polls one poller process has in flight at once across its shard ticks and probes (default ${DEFAULT_POLLS_IN_FLIGHT}).`,
  }),
  VIGIL_TRAP_HOST: Type.String({
    default: '127.0.0.1',
    description: 'Address pollers receive SNMP traps on (default 127.0.0.1).',
  }),
  VIGIL_OUTAGE_CHECK_CHILDREN: Type.Integer({
    minimum: 0,
    maximum: 100,
    default: 5,
    description:
      'Children polled with a parent that failed a poll, to confirm an outage without the settle time (default 5); 0 turns the check off.',
  }),
  VIGIL_TRAP_PORT: portNumber({
    default: 10162,
    description: 'UDP port pollers receive SNMP traps on (default 10162); 0 turns the receiver off.',
  }),
});

export type PollingEnv = StaticDecode<typeof POLLING_ENV>;

/** Where probes come from, how the schedule is cut and where traps arrive. */
export interface PollingConfig {
  /** Directory of probe files (VIGIL_PROBES_DIR, default "probes"). */
  probesDir: string;
  /** Shards of the poll schedule (VIGIL_POLL_SHARDS); every poller and API process must agree. */
  pollShards: number;
  /**
   * Fast-test knobs, absent in production: the probe interval floor (VIGIL_PROBE_MIN_INTERVAL_SECONDS,
   * default 5), how often each shard ticks (VIGIL_POLL_TICK_SECONDS, default 1) and how often pollers
   * check the schedule and trap addresses against the inventory (VIGIL_POLL_SYNC_SECONDS, default 15).
   */
  probeMinIntervalSeconds?: number;
  pollTickMs?: number;
  pollSyncEveryMs?: number;
  /** Polls one poller process has in flight at once (VIGIL_POLL_IN_FLIGHT, default 4,096). */
  pollsInFlight?: number;
  /** Where pollers receive SNMP traps (VIGIL_TRAP_HOST, VIGIL_TRAP_PORT; port 0 turns the receiver off). */
  trapHost: string;
  trapPort: number;
  /**
   * Children polled at once with a parent that failed a poll (VIGIL_OUTAGE_CHECK_CHILDREN, default 5;
   * 0: no outage check, every outage settles). See src/polling/outage-check.ts.
   */
  outageCheckChildren?: number;
}

export function pollingConfigFromEnv(values: PollingEnv): PollingConfig {
  const floor = values.VIGIL_PROBE_MIN_INTERVAL_SECONDS;
  const tick = values.VIGIL_POLL_TICK_SECONDS;
  const sync = values.VIGIL_POLL_SYNC_SECONDS;
  return {
    probesDir: values.VIGIL_PROBES_DIR,
    pollShards: values.VIGIL_POLL_SHARDS,
    ...(floor !== undefined ? { probeMinIntervalSeconds: floor } : {}),
    ...(tick !== undefined ? { pollTickMs: Math.round(tick * 1000) } : {}),
    ...(sync !== undefined ? { pollSyncEveryMs: Math.round(sync * 1000) } : {}),
    pollsInFlight: values.VIGIL_POLL_IN_FLIGHT,
    trapHost: values.VIGIL_TRAP_HOST,
    trapPort: values.VIGIL_TRAP_PORT,
    outageCheckChildren: values.VIGIL_OUTAGE_CHECK_CHILDREN,
  };
}
