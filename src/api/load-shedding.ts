import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { countInto } from '../platform/fleet-counters.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { HTTP_CODES } from './problem-catalogue.js';
import type { RequestLogGate } from './request-log-gate.js';
import { PROBLEM_CONTENT_TYPE, problemInstance, problemType, type Problem } from './problem.js';

/** When the API refuses new work to keep its event loop answering (VIGIL_SHED_*; 0 turns a limit off). */
export interface LoadSheddingOptions {
  /** Mean event-loop delay (ms) over a sample above which writes, opens and probes are refused. */
  maxEventLoopDelayMs: number;
  /** Event-loop utilisation (0–1) over a sample above which writes, opens and probes are refused. */
  maxEventLoopUtilization: number;
  /** Writes and opens being served at once on this instance; past it a new one is refused at once. */
  maxWritesInFlight: number;
  retryAfterSeconds: number;
}

/**
 * Utilisation is the saturation signal: the loop busy 90% of two samples running is this process's own
 * work piling up. Delay also grows when the machine starves the process of CPU (other processes' work),
 * which shedding here barely helps: its limit is higher, a backstop rather than the trigger.
 */
export const DEFAULT_LOAD_SHEDDING: LoadSheddingOptions = {
  maxEventLoopDelayMs: 200,
  maxEventLoopUtilization: 0.9,
  // An open takes a few Redis round trips: 64 at once is far past 200 opens/s at 25 ms, and bounds the
  // work queued ahead of a read to a few dozen requests' worth however many clients pile on.
  maxWritesInFlight: 64,
  retryAfterSeconds: 2,
};

/**
 * What Fastify must be built with for an instance that serves agents or sheds load: nothing left to
 * compile when the first answers or a flood come. fast-json-stringify compiles the Ajv validator behind
 * each anyOf/oneOf of a response schema lazily, on the first answer that reaches it; a sampled profile of
 * the API in the floods drill found that compile in half of the API's first 500 ms of a flood (250 ms,
 * synchronous, ahead of every read), and the conversations bench, shedding off, in its first opens (a
 * 100 ms stall). Compiled while the app is built instead: `vigil serve`'s API starts with about 1 s more
 * CPU; the test app keeps the lazy compile (0.3 s less per app).
 */
export function loadReadyServerOptions(
  options: LoadSheddingOptions,
  compileSerializers: boolean,
): {
  serializerOpts?: { compileValidators: boolean };
} {
  const shedding =
    options.maxEventLoopDelayMs > 0 || options.maxEventLoopUtilization > 0 || options.maxWritesInFlight > 0;
  return shedding || compileSerializers ? { serializerOpts: { compileValidators: true } } : {};
}

/**
 * Short enough that a flood is shed within 200 ms (two samples), long enough for a mean that means
 * something. At 200 ms the floods drill's reads met 150–620 ms in a flood's first half second (p99 of
 * 200 reads), at 100 ms 59–70 ms (`vigil drill floods --quick`, three runs each, alternated).
 */
const SAMPLE_INTERVAL_MS = 100;
/** Samples in a row over a limit before shedding: one long synchronous task (an import) is not a flood. */
const SUSTAINED_SAMPLES = 2;

type Pressure = 'eventLoopDelay' | 'eventLoopUtilization' | 'writesInFlight';

/**
 * Load shedding: at most `maxWritesInFlight` writes and opens at once, and, on @fastify/under-pressure,
 * when the event loop has been late or busy for two samples in a row, new work (anything but a read)
 * answers 503 problem+json with Retry-After in its onRequest hook, before the route does any work, so
 * the loop keeps time for reads, streams and health, which are never refused. Health and readiness (routes with `rateLimit: false`) are never refused, so an
 * orchestrator does not restart a busy instance. Refusals are counted (vigil_http_shed_total) once a second.
 */
export function registerLoadShedding(
  app: FastifyInstance,
  options: LoadSheddingOptions,
  counters: { redis: Redis; keys: RedisKeys },
  requestLogs?: RequestLogGate,
): void {
  const shed = countShed(app, counters);
  if (options.maxWritesInFlight > 0) capWritesInFlight(app, options, shed);
  if (options.maxEventLoopDelayMs <= 0 && options.maxEventLoopUtilization <= 0) return;
  const sustained = trackSustained(app, options, (over) =>
    requestLogs?.sample(over >= SUSTAINED_SAMPLES, app.log),
  );
  app.addHook('onClose', (_instance, done) => {
    sustained.stop();
    done();
  });
  const pressureHandler = (
    request: FastifyRequest,
    reply: FastifyReply,
    type: string,
  ): Problem | undefined => {
    if (!shouldShed(request, sustained.samples())) return undefined;
    shed(type as Pressure);
    return refuse(request, reply, options.retryAfterSeconds);
  };
  void app.register(underPressure, {
    sampleInterval: SAMPLE_INTERVAL_MS,
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    maxEventLoopUtilization: options.maxEventLoopUtilization,
    eventLoopUtilizationMode: 'interval',
    // under-pressure sends what the handler returns and goes on when it returns nothing (its
    // handlePressure); its types say void, so the cast.
    pressureHandler: pressureHandler as unknown as (request: FastifyRequest, reply: FastifyReply) => void,
  });
}

/** Refusals counted in memory and written once a second (vigil_http_shed_total): a flood is not a flood of writes. */
function countShed(
  app: FastifyInstance,
  counters: { redis: Redis; keys: RedisKeys },
): (pressure: Pressure) => void {
  const shed = new Map<Pressure, number>();
  const flush = async (): Promise<void> => {
    if (shed.size === 0) return;
    const pipeline = counters.redis.pipeline();
    for (const [pressure, count] of shed)
      countInto(pipeline, counters.keys, 'vigil_http_shed_total', { pressure }, count);
    shed.clear();
    await pipeline.exec().catch(() => undefined);
  };
  const timer = setInterval(() => void flush(), 1_000);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await flush();
  });
  return (pressure) => void shed.set(pressure, (shed.get(pressure) ?? 0) + 1);
}

/**
 * At most `maxWritesInFlight` writes and opens served at once: the next is refused before anything else
 * runs for it (this hook is added at build time, ahead of auth's). A bound that holds at once, where the
 * loop's measures take two samples to speak. Counted down when the response closes, however it ends.
 */
function capWritesInFlight(
  app: FastifyInstance,
  options: LoadSheddingOptions,
  shed: (pressure: Pressure) => void,
): void {
  let inFlight = 0;
  app.addHook('onRequest', (request, reply, done) => {
    if (isRead(request) || request.routeOptions.config.rateLimit === false) return done();
    if (inFlight >= options.maxWritesInFlight) {
      shed('writesInFlight');
      void reply.send(refuse(request, reply, options.retryAfterSeconds));
      return undefined;
    }
    inFlight += 1;
    reply.raw.once('close', () => (inFlight -= 1));
    return done();
  });
}

const isRead = (request: FastifyRequest): boolean => request.method === 'GET' || request.method === 'HEAD';

/**
 * Writes and opens only: a read refused costs the late loop about what serving it does (it was parsed
 * and routed either way), and reads are what the console needs to keep working; the work shed is the
 * new work a write starts (probes, events, actions).
 */
function shouldShed(request: FastifyRequest, samplesOver: number): boolean {
  if (request.routeOptions.config.rateLimit === false || isRead(request)) return false;
  return samplesOver >= SUSTAINED_SAMPLES;
}

/** The problem the shed request gets, sent as it is: no error handler, no warning logged per request. */
function refuse(request: FastifyRequest, reply: FastifyReply, retryAfterSeconds: number): Problem {
  void reply.code(503).header('retry-after', String(retryAfterSeconds)).type(PROBLEM_CONTENT_TYPE);
  return {
    type: problemType(HTTP_CODES.overloaded),
    title: 'Overloaded',
    status: 503,
    detail: `this API instance is busy and refuses new work for now; retry in ${retryAfterSeconds} s`,
    instance: problemInstance(request),
    code: HTTP_CODES.overloaded,
  };
}

/** How many samples in a row the loop has been over a limit, read from under-pressure's own measures. */
function trackSustained(
  app: FastifyInstance,
  options: LoadSheddingOptions,
  onSample: (samplesOver: number) => void,
): { samples(): number; stop(): void } {
  let over = 0;
  const timer = setInterval(() => {
    // memoryUsage exists once the plugin has loaded, which is before any request.
    if (typeof app.memoryUsage !== 'function') return;
    const { eventLoopDelay, eventLoopUtilized } = app.memoryUsage();
    const busy =
      (options.maxEventLoopDelayMs > 0 && eventLoopDelay > options.maxEventLoopDelayMs) ||
      (options.maxEventLoopUtilization > 0 && eventLoopUtilized > options.maxEventLoopUtilization);
    over = busy ? over + 1 : 0;
    onSample(over);
  }, SAMPLE_INTERVAL_MS);
  timer.unref();
  return { samples: () => over, stop: () => clearInterval(timer) };
}
