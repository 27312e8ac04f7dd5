import { Gauge, type Registry } from 'prom-client';
import type { FleetSnapshot, Sample } from './fleet-snapshot.js';

interface GaugeSpec {
  name: string;
  help: string;
  labelNames?: string[];
  samples: (snapshot: FleetSnapshot) => Sample[];
}

const one = (value: number): Sample[] => [{ value }];

/** The gauges read from Redis at each scrape; every API instance reports the same fleet-wide values. */
const FLEET_GAUGES: GaugeSpec[] = [
  {
    name: 'vigil_devices',
    help: 'Devices by status as the pollers last saw them.',
    labelNames: ['status'],
    samples: (s) => s.devices,
  },
  {
    name: 'vigil_findings_open',
    help: 'Devices with an open finding, by kind.',
    labelNames: ['kind'],
    samples: (s) => s.findings,
  },
  {
    name: 'vigil_incidents_open',
    help: 'Pending and open incidents, by kind and state.',
    labelNames: ['kind', 'state'],
    samples: (s) => s.incidents,
  },
  {
    name: 'vigil_poll_schedule_lag_seconds',
    help: 'How late the most overdue device poll is (0 when on time).',
    samples: (s) => one(s.lagSeconds),
  },
  {
    name: 'vigil_queue_jobs',
    help: 'BullMQ jobs by queue and state.',
    labelNames: ['queue', 'state'],
    samples: (s) => s.queues,
  },
  {
    name: 'vigil_conversations_open',
    help: 'Open conversations (all API instances).',
    samples: (s) => one(s.conversations),
  },
  {
    name: 'vigil_alerts_pending',
    help: 'Alerts waiting for delivery.',
    samples: (s) => one(s.alertsPending),
  },
  {
    name: 'vigil_alerts_dead_letters',
    help: 'Alerts that failed every attempt and wait for NOC.',
    samples: (s) => one(s.deadLetters),
  },
  {
    name: 'vigil_advisor_leader',
    help: 'Whether a worker holds the advisor leader lock (1) or none does (0): without one, no finding becomes an incident or a suggestion.',
    samples: (s) => one(s.advisorLeader ? 1 : 0),
  },
];

/** Registers the fleet gauges with their values from one snapshot. */
export function registerFleetGauges(registry: Registry, snapshot: FleetSnapshot): void {
  for (const spec of FLEET_GAUGES) {
    const gauge = new Gauge({
      name: spec.name,
      help: spec.help,
      labelNames: spec.labelNames ?? [],
      registers: [registry],
    });
    for (const { labels = {}, value } of spec.samples(snapshot)) gauge.set(labels, value);
  }
}
