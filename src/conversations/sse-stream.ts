import type { ServerResponse } from 'node:http';
import type { StoredEvent } from '../events/vigil-event.js';

/** Events queued for a client that does not read; past this the stream ends and it reconnects and replays. */
const MAX_QUEUED = 2_000;

export interface EventSink {
  send(event: { id: string; type: string; data: unknown }): void;
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
      write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
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

/** What a conversation's stream carries of a stored event: the event with its time, for the console. */
export function streamData(event: StoredEvent): unknown {
  return { at: new Date(event.at).toISOString(), ...(event.data as object) };
}
