/**
 * A client of a conversation's event stream for Node (which has no EventSource): what the demo, the
 * benchmarks and the tests read streams with.
 */
/** One server-sent event as the console receives it. */
export interface ReceivedEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
  receivedAt: number;
}

export interface SseClient {
  events: ReceivedEvent[];
  /** Resolves with the first event (from `from` on) matching, or rejects after `timeoutMs`. */
  waitFor(
    match: (event: ReceivedEvent) => boolean,
    timeoutMs?: number,
    from?: number,
  ): Promise<ReceivedEvent>;
  close(): void;
  readonly status: number;
}

/** A minimal EventSource over fetch (Node has no EventSource): enough to read ids, types and JSON data. */
export async function connectSse(url: string, headers: Record<string, string>): Promise<SseClient> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  const received: Received = { events: [], waiters: new Set() };
  if (response.body) void readEvents(response.body, received);
  return {
    events: received.events,
    status: response.status,
    waitFor: (match, timeoutMs = 10_000, from = 0) => waitForEvent(received, match, timeoutMs, from),
    close: () => controller.abort(),
  };
}

/** The events so far, and the waiters to wake when another arrives. */
interface Received {
  events: ReceivedEvent[];
  waiters: Set<() => void>;
}

/** Reads the stream's events (blank-line separated blocks of `field: value` lines) as they arrive. */
async function readEvents(body: AsyncIterable<Uint8Array>, { events, waiters }: Received): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = parseEventBlock(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (!event) continue;
        events.push(event);
        for (const wake of waiters) wake();
      }
    }
  } catch {
    // Aborted by close(), or the server ended the stream.
  }
}

function parseEventBlock(block: string): ReceivedEvent | undefined {
  const fields = new Map<string, string>();
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || !line.includes(':')) continue;
    const colon = line.indexOf(':');
    fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
  }
  if (!fields.has('data')) return undefined;
  return {
    id: fields.get('id') ?? '',
    type: fields.get('event') ?? 'message',
    data: JSON.parse(fields.get('data') as string) as Record<string, unknown>,
    receivedAt: Date.now(),
  };
}

function waitForEvent(
  { events, waiters }: Received,
  match: (event: ReceivedEvent) => boolean,
  timeoutMs: number,
  from: number,
): Promise<ReceivedEvent> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const found = events.slice(from).find(match);
      if (found) {
        waiters.delete(wake);
        clearTimeout(timer);
        resolve(found);
      }
      return found !== undefined;
    };
    const wake = (): void => void check();
    const timer = setTimeout(() => {
      waiters.delete(wake);
      reject(
        new Error(`no matching event within ${timeoutMs} ms; got ${events.map((e) => e.type).join(', ')}`),
      );
    }, timeoutMs);
    waiters.add(wake);
    check();
  });
}
