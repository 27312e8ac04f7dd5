import type { ServerResponse } from 'node:http';
import type { StoredEvent } from '../events/vigil-event.js';
import { toApiTimes } from '../shared/api-times.js';

/** Events queued for a client that does not read; past this the stream ends and it reconnects and replays. */
const MAX_QUEUED = 2_000;

export interface EventSink {
  /** `json` is the data already serialized (the same for every stream: serialized once, see streamJson). */
  send(event: { id: string; type: string; data?: unknown; json?: string }): void;
  close(): void;
  readonly closed: boolean;
}

/**
 * Server-sent events on a raw response (WHATWG HTML "Server-sent events"): `id`, `event`, `data` per
 * event, comments as heartbeats. When the socket's buffer is full, events wait in a bounded queue for
 * 'drain'; a client too slow for that is cut off rather than grow memory, and its Last-Event-ID replay
 * loses nothing.
 */
export function createSseSink(
  res: ServerResponse,
  options: { heartbeatMs: number; onClose: () => void },
): EventSink {
  let closed = false;
  let congested = false;
  const queue: string[] = [];
  const write = (chunk: string): void => {
    if (closed) return;
    if (congested) {
      queue.push(chunk);
      if (queue.length > MAX_QUEUED) sink.close();
      return;
    }
    if (!res.write(chunk)) congested = true;
  };
  res.on('drain', () => {
    congested = false;
    while (queue.length > 0 && !congested) if (!res.write(queue.shift()!)) congested = true;
  });
  const heartbeat = setInterval(() => write(': ping\n\n'), options.heartbeatMs);
  const finish = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    options.onClose();
  };
  res.on('close', finish);
  const sink: EventSink = {
    send(event) {
      write(`id: ${event.id}\nevent: ${event.type}\ndata: ${event.json ?? JSON.stringify(event.data)}\n\n`);
    },
    close() {
      if (closed) return;
      finish();
      res.end();
    },
    get closed() {
      return closed;
    },
  };
  return sink;
}

const serialized = new WeakMap<StoredEvent, string>();

/**
 * What a conversation's stream carries of a stored event, serialized once however many streams carry it
 * (an outage reaches thousands). An incident comes as a summary — counts instead of the affected lists,
 * which NOC reads at /v1/incidents/{id} — so each stream gets hundreds of bytes, not the whole outage.
 * Times are ISO 8601, like every answer of the API (shared/api-times.ts).
 */
export function streamJson(event: StoredEvent): string {
  let json = serialized.get(event);
  if (json === undefined) {
    const data = event.type.startsWith('incident.') ? incidentSummary(event.data) : event.data;
    json = JSON.stringify({ at: new Date(event.at).toISOString(), ...(toApiTimes(data) as object) });
    serialized.set(event, json);
  }
  return json;
}

function incidentSummary(data: unknown): unknown {
  const {
    affectedDeviceIds = [],
    affectedSubscriberIds = [],
    diff,
    ...rest
  } = data as {
    affectedDeviceIds?: string[];
    affectedSubscriberIds?: string[];
    diff?: Record<string, unknown>;
  };
  const counted =
    diff &&
    Object.fromEntries(
      Object.entries(diff).map(([key, value]) => [key, Array.isArray(value) ? value.length : value]),
    );
  return {
    ...rest,
    affectedDevices: affectedDeviceIds.length,
    affectedSubscribers: affectedSubscriberIds.length,
    ...(counted ? { diff: counted } : {}),
  };
}
