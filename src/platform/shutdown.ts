import type { Logger } from './logger.js';

/**
 * The one shutdown order of the house (STYLE.md, habit 12): stop producing new work first, let
 * in-flight work finish, stop answering, then release what everything shared.
 */
export const SHUTDOWN_STAGES = ['schedulers', 'workers', 'api', 'queues', 'redis'] as const;
export type ShutdownStage = (typeof SHUTDOWN_STAGES)[number];

export interface ShutdownFailure {
  stage: ShutdownStage;
  name: string;
  error: unknown;
}

export interface ShutdownResult {
  /** True when the deadline passed first; the process should exit non-zero at once. */
  timedOut: boolean;
  failures: ShutdownFailure[];
  /** Closers still running when the deadline passed, and those never reached. */
  pending: string[];
}

export interface Shutdown {
  /** Registers a closer for a stage; closers of one stage run together, stages one after another. */
  add(stage: ShutdownStage, name: string, close: () => Promise<void>): void;
  /** Runs every stage once, in order, under the deadline; later calls return the same result. */
  run(reason: string): Promise<ShutdownResult>;
}

export interface ShutdownOptions {
  logger: Logger;
  /** After this, shutdown gives up waiting (a hung worker must not keep a dead process around). */
  deadlineMs?: number;
}

interface Closer {
  stage: ShutdownStage;
  name: string;
  close: () => Promise<void>;
}

export function createShutdown(options: ShutdownOptions): Shutdown {
  const log = options.logger.child({ module: 'shutdown' });
  const deadlineMs = options.deadlineMs ?? 10_000;
  const closers: Closer[] = [];
  let running: Promise<ShutdownResult> | undefined;

  async function closeAll(failures: ShutdownFailure[], pending: Set<string>): Promise<void> {
    for (const stage of SHUTDOWN_STAGES) {
      const inStage = closers.filter((closer) => closer.stage === stage);
      await Promise.all(
        inStage.map(async (closer) => {
          try {
            await closer.close();
            log.debug({ stage, closer: closer.name }, 'closed');
          } catch (error) {
            // One closer failing must not keep the others (and Redis) open.
            failures.push({ stage, name: closer.name, error });
            log.error({ err: error, stage, closer: closer.name }, 'close failed');
          } finally {
            pending.delete(closer.name);
          }
        }),
      );
    }
  }

  async function runOnce(reason: string): Promise<ShutdownResult> {
    log.info({ reason, deadlineMs }, 'shutting down');
    const failures: ShutdownFailure[] = [];
    const pending = new Set(closers.map((closer) => closer.name));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), deadlineMs);
      timer.unref();
    });
    const outcome = await Promise.race([closeAll(failures, pending).then(() => 'done' as const), deadline]);
    clearTimeout(timer);
    const result = { timedOut: outcome === 'deadline', failures: [...failures], pending: [...pending] };
    if (result.timedOut) log.error({ pending: result.pending, deadlineMs }, 'shutdown deadline passed');
    return result;
  }

  return {
    add(stage, name, close) {
      if (running) throw new Error(`shutdown already running; cannot add "${name}"`);
      closers.push({ stage, name, close });
    },
    run(reason) {
      running ??= runOnce(reason);
      return running;
    },
  };
}
