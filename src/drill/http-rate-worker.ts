import { Agent, request } from 'node:http';

/** One kind of request the thread sends, in turn with the others. */
export interface RateRequest {
  method: string;
  path: string;
  token?: string;
  body?: unknown;
}

export interface HttpRateJob {
  baseUrl: string;
  requests: RateRequest[];
  ratePerSecond: number;
  durationMs: number;
  /** Requests in flight at most; past it a due request is skipped (counted): the client's own limit. */
  maxInFlight: number;
  timeoutMs: number;
}

/** One answer: the request's index in `requests`, status (0: no answer), time, and whether a 503 was well formed. */
export interface RateAnswer {
  kind: number;
  status: number;
  ms: number;
  /** When it was sent, ms after the run began: where in the run the slow ones fall. */
  at: number;
  /** A 503 with problem+json and Retry-After. */
  shedWell?: boolean;
  /**
   * How late this client's own 2 ms pacing tick ran, at most, while the request was out: time the client
   * was not running (starved of CPU), which its `ms` includes but the server did not spend.
   */
  clientLagMs: number;
}

export interface HttpRateResult {
  answers: RateAnswer[];
  skipped: number;
  seconds: number;
}

/** The pacing loop's sleep: requests leave at most this late. */
const TICK_MS = 2;

/**
 * Requests at a steady rate, in a thread of its own: the API flood (many in flight) or the paced client
 * that measures what a normal caller meets meanwhile (few in flight, its own event loop, so its times
 * are the API's and not the flood's). Keep-alive sockets, as a console or a load balancer keeps.
 */
async function run(job: HttpRateJob): Promise<HttpRateResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.maxInFlight });
  const url = new URL(job.baseUrl);
  const answers: RateAnswer[] = [];
  let inFlight = 0;
  let issued = 0;
  let skipped = 0;
  const startedAt = performance.now();
  const lag = lagRecorder();
  const send = (kind: number): void => {
    const began = performance.now();
    inFlight += 1;
    void sendOne(agent, url, job.requests[kind]!, job.timeoutMs).then(({ status, shedWell }) => {
      inFlight -= 1;
      answers.push({
        kind,
        status,
        ms: performance.now() - began,
        at: began - startedAt,
        clientLagMs: lag.maxSince(began),
        ...(shedWell !== undefined ? { shedWell } : {}),
      });
    });
  };
  for (;;) {
    lag.tick();
    const elapsed = performance.now() - startedAt;
    if (elapsed >= job.durationMs) break;
    const due = Math.floor((elapsed / 1000) * job.ratePerSecond);
    for (; issued < due; issued++) {
      if (inFlight >= job.maxInFlight) skipped += 1;
      else send(issued % job.requests.length);
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  const seconds = (performance.now() - startedAt) / 1000;
  const deadline = performance.now() + job.timeoutMs + 1_000;
  while (inFlight > 0 && performance.now() < deadline) {
    lag.tick();
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  agent.destroy();
  return { answers, skipped, seconds };
}

/** Lateness of the pacing loop's 2 ms sleeps, kept for the last few seconds (ticks then are ≥ 2 ms apart). */
function lagRecorder(): { tick(): void; maxSince(since: number): number } {
  const ticks: { at: number; lateMs: number }[] = [];
  let last = performance.now();
  return {
    tick() {
      const now = performance.now();
      ticks.push({ at: now, lateMs: Math.max(0, now - last - TICK_MS) });
      last = now;
      if (ticks.length > 4_096) ticks.splice(0, 2_048);
    },
    maxSince(since) {
      let most = Math.max(0, performance.now() - last - TICK_MS);
      for (let i = ticks.length - 1; i >= 0 && ticks[i]!.at >= since; i--)
        most = Math.max(most, ticks[i]!.lateMs);
      return most;
    },
  };
}

/** One request to its end: the status (0: no answer in time) and, for a 503, whether it was well formed. */
function sendOne(
  agent: Agent,
  url: URL,
  spec: RateRequest,
  timeoutMs: number,
): Promise<{ status: number; shedWell?: boolean }> {
  const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: spec.method,
        path: spec.path,
        timeout: timeoutMs,
        headers: {
          ...(spec.token ? { authorization: `Bearer ${spec.token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status !== 503) return resolve({ status });
          const shedWell =
            String(res.headers['content-type']).startsWith('application/problem+json') &&
            Number(res.headers['retry-after']) > 0;
          resolve({ status, shedWell });
        });
        res.on('error', () => resolve({ status: 0 }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    // A promise settles once: an error after the answer ended changes nothing.
    req.on('error', () => resolve({ status: 0 }));
    req.end(body);
  });
}

// Forked by run-in-child.ts: one job in, one result out, then the process ends.
process.once('message', (job: HttpRateJob) => {
  run(job).then(
    (result) => process.send?.({ result }),
    (error: unknown) => process.send?.({ error: String(error) }),
  );
});
