import { LogController, type FastifyBaseLogger } from 'fastify';

/** Samples in a row without pressure before per-request lines resume: a flapping loop logs two lines, not twenty. */
const CALM_SAMPLES_TO_RESUME = 10;

/**
 * Per-request log lines (incoming, completed) paused while the instance sheds load. In a flood they
 * were ~21% of the API's busy time (two lines for every request, shed ones included), spent on the work
 * shedding exists to avoid; what the flood was is in vigil_http_shed_total and the two lines this gate
 * writes when shedding starts and ends. Errors are still logged by the error handler.
 */
export interface RequestLogGate {
  /** For Fastify's `logController` option. */
  readonly controller: LogController;
  /** One sample of the loop: whether it is shedding now. */
  sample(shedding: boolean, log: FastifyBaseLogger): void;
  paused(): boolean;
}

export function createRequestLogGate(): RequestLogGate {
  let paused = false;
  let calm = 0;
  let since = 0;
  return {
    controller: new LogController({ disableRequestLogging: () => paused }),
    sample(shedding, log) {
      if (shedding) {
        calm = 0;
        if (paused) return;
        paused = true;
        since = Date.now();
        log.warn('shedding load: new writes and opens answer 503; per-request log lines paused');
        return;
      }
      if (!paused || ++calm < CALM_SAMPLES_TO_RESUME) return;
      paused = false;
      log.info(
        { shedSeconds: (Date.now() - since) / 1000 },
        'load shedding over; per-request log lines resumed',
      );
    },
    paused: () => paused,
  };
}
