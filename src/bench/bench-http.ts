import { Agent, request, type IncomingMessage } from 'node:http';

/**
 * The bench's HTTP side of the console: plain node:http with keep-alive (lighter than fetch when
 * thousands of requests and streams share the load generator's core with the service under test).
 */
const agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 512 });

export interface HttpAnswer {
  status: number;
  text: string;
}

/** One JSON request; resolves with the status and body text, rejects on a transport error or timeout. */
export function httpJson(
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: unknown,
  timeoutMs = 30_000,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = request(
      url,
      {
        method,
        agent,
        headers: {
          ...headers,
          ...(payload !== undefined
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
        },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** One server-sent event as received: the data is left as text, parsed only by whoever needs it. */
export interface SseEvent {
  id: string;
  type: string;
  data: string;
  receivedAt: number;
}

export interface SseStream {
  readonly status: number;
  /** Bytes received on the stream so far. */
  readonly bytes: number;
  /** Whether the server (or close()) ended the stream. */
  readonly ended: boolean;
  close(): void;
}

/**
 * A minimal EventSource: `onEvent` for each event with data (comments and `retry:` blocks skipped),
 * `onEnd` once when the stream ends for any reason. Resolves when the response headers are in; no
 * reconnect (a bench counts a cut stream rather than hides it).
 */
export function openSse(
  url: string,
  headers: Record<string, string>,
  onEvent: (event: SseEvent) => void,
  onEnd: (reason: string) => void = () => undefined,
  connectTimeoutMs = 30_000,
): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    let ended = false;
    let bytes = 0;
    let response: IncomingMessage | undefined;
    const end = (reason: string): void => {
      if (ended) return;
      ended = true;
      onEnd(reason);
    };
    // A stream lives as long as it is wanted: no agent pooling, no socket timeout.
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false });
    const timer = setTimeout(
      () => req.destroy(new Error(`no SSE response within ${connectTimeoutMs} ms`)),
      connectTimeoutMs,
    );
    req.on('error', (error) => {
      clearTimeout(timer);
      if (response === undefined) reject(error);
      else end(error.message);
    });
    req.on('response', (res) => {
      clearTimeout(timer);
      response = res;
      readEventBlocks(res, onEvent, (n) => (bytes += n));
      res.on('end', () => end('ended by the server'));
      res.on('close', () => end('closed'));
      resolve({
        status: res.statusCode ?? 0,
        get bytes() {
          return bytes;
        },
        get ended() {
          return ended;
        },
        close() {
          end('closed by the bench');
          req.destroy();
        },
      });
    });
    req.end();
  });
}

/** Calls `onEvent` for each complete event of a response's body, and `onBytes` for each chunk's size. */
function readEventBlocks(
  res: IncomingMessage,
  onEvent: (event: SseEvent) => void,
  onBytes: (n: number) => void,
): void {
  res.setEncoding('utf8');
  let buffer = '';
  res.on('data', (chunk: string) => {
    onBytes(Buffer.byteLength(chunk));
    // A large event arrives in many chunks: look for its end only in what is new.
    let from = Math.max(0, buffer.length - 1);
    buffer += chunk;
    let at: number;
    while ((at = buffer.indexOf('\n\n', from)) >= 0) {
      const block = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      from = 0;
      const event = parseBlock(block);
      if (event) onEvent(event);
    }
  });
}

function parseBlock(block: string): SseEvent | undefined {
  let id = '';
  let type = 'message';
  let data: string | undefined;
  let start = 0;
  while (start <= block.length) {
    let stop = block.indexOf('\n', start);
    if (stop < 0) stop = block.length;
    const line = block.slice(start, stop);
    start = stop + 1;
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const field = line.slice(0, colon);
    const value = line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
    if (field === 'data') data = data === undefined ? value : `${data}\n${value}`;
    else if (field === 'event') type = value;
    else if (field === 'id') id = value;
  }
  return data === undefined ? undefined : { id, type, data, receivedAt: Date.now() };
}

/**
 * httpJson as a well-behaved client of a shedding API: a `503 ERR_API_OVERLOADED` is asked again after
 * a second until `timeoutMs` has passed; any other answer, a 503 of another cause
 * (Redis down) included, is returned as it came.
 */
export async function httpJsonRetrying(
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: unknown,
  timeoutMs = 30_000,
): Promise<HttpAnswer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await httpJson(method, url, headers, body, Math.max(1, deadline - Date.now()));
    const waitMs = overloadedRetryMs(answer);
    if (waitMs === undefined || Date.now() + waitMs >= deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}

/** The wait before asking a shed request again (1 s; the API's Retry-After is 2 s by default), or undefined. */
function overloadedRetryMs(answer: HttpAnswer): number | undefined {
  if (answer.status !== 503 || !answer.text.includes('"ERR_API_OVERLOADED"')) return undefined;
  return 1_000;
}
