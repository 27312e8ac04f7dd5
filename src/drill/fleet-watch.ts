import { setTimeout as sleep } from 'node:timers/promises';
import type { SseEvent } from '../bench/bench-http.js';
import { runPool } from '../bench/run-pool.js';
import type { DrillStack } from './drill-stack.js';

/** What the lossy-network drill watches the fleet with, from outside: the control API and NOC's reads. */

/** Every device of the fleet drops `percent` of the requests it gets (null: stops dropping). */
export async function setFleetLoss(stack: DrillStack, percent: number | null): Promise<void> {
  await runPool(stack.inventory.devices, 16, async (device) => {
    const path = `/devices/${encodeURIComponent(device.id)}/faults`;
    const answer =
      percent === null
        ? await stack.control('DELETE', `${path}/packet_loss`)
        : await stack.control('POST', path, { kind: 'packet_loss', percent });
    if (answer.status >= 300 && percent !== null)
      throw new Error(`packet_loss on ${device.id}: ${answer.status} ${answer.text.slice(0, 200)}`);
  });
}

/** The device ids with an open finding of `kind` now, every page (NOC's GET /v1/findings). */
export async function devicesWithFinding(stack: DrillStack, kind: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | undefined;
  do {
    const query = `kind=${kind}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const answer = await stack.api('GET', `/v1/findings?${query}`, 'noc');
    if (answer.status !== 200) throw new Error(`GET /v1/findings: ${answer.status} ${answer.text}`);
    const page = JSON.parse(answer.text) as { items: { deviceId: string }[]; nextCursor?: string };
    for (const item of page.items) ids.add(item.deviceId);
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

/**
 * Incidents announced (open, or resolved since), as NOC sees them (GET /v1/incidents?state=all). A
 * pending one is a sign still settling, never announced: it is no outage unless it opens.
 */
export async function incidentIds(stack: DrillStack): Promise<Set<string>> {
  const states = await incidentStates(stack);
  return new Set([...states].filter(([, state]) => state !== 'pending').map(([id]) => id));
}

async function incidentStates(stack: DrillStack): Promise<Map<string, string>> {
  const answer = await stack.api('GET', '/v1/incidents?state=all&limit=1000', 'noc');
  if (answer.status !== 200) throw new Error(`GET /v1/incidents: ${answer.status} ${answer.text}`);
  const { items } = JSON.parse(answer.text) as { items: { id: string; state: string }[] };
  return new Map(items.map((i) => [i.id, i.state]));
}

export interface FleetSightings {
  /** Device id → how many samples showed it with an open `unreachable`. */
  unreachable: Map<string, number>;
  /** Announced incidents (open or resolved). */
  incidents: Set<string>;
  /** Outage signs seen pending (settling), announced or not. */
  pending: Set<string>;
  samples: number;
}

/** Samples open `unreachable` findings and incidents every `everyMs` until `untilMs` (epoch ms). */
export async function watchFleet(
  stack: DrillStack,
  untilMs: number,
  everyMs: number,
): Promise<FleetSightings> {
  const seen: FleetSightings = {
    unreachable: new Map(),
    incidents: new Set(),
    pending: new Set(),
    samples: 0,
  };
  while (Date.now() < untilMs) {
    const [unreachable, incidents] = await Promise.all([
      devicesWithFinding(stack, 'unreachable'),
      incidentStates(stack),
    ]);
    for (const id of unreachable) seen.unreachable.set(id, (seen.unreachable.get(id) ?? 0) + 1);
    for (const [id, state] of incidents) (state === 'pending' ? seen.pending : seen.incidents).add(id);
    seen.samples += 1;
    await sleep(Math.max(0, Math.min(everyMs, untilMs - Date.now())));
  }
  return seen;
}

export interface PushedSuggestion {
  kind: string;
  ruleId: string;
  deviceId: string;
}

/** The suggestions a conversation's stream pushed (suggestion.created), in arrival order. */
export function pushedSuggestions(events: readonly SseEvent[]): PushedSuggestion[] {
  return events
    .filter((event) => event.type === 'suggestion.created')
    .map((event) => {
      const data = JSON.parse(event.data) as Partial<PushedSuggestion> & { suggestion?: PushedSuggestion };
      const s = data.suggestion ?? data;
      return { kind: String(s.kind), ruleId: String(s.ruleId), deviceId: String(s.deviceId) };
    });
}
