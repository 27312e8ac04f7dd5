import type { Logger } from '../platform/logger.js';
import type { Shutdown, ShutdownStage } from '../platform/shutdown.js';

/**
 * One job a `vigil serve` process can do (api, poller, worker). Roles are independent: a process runs
 * any subset, and many processes on many machines share the work through Redis. Each role says at
 * which shutdown stage it closes.
 */
export interface ProcessRole {
  readonly name: string;
  readonly stage: ShutdownStage;
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts roles in order, registering each one's close with the shutdown as soon as it has started.
 * If one fails to start, the ones already started are shut down in the usual order and the error is
 * rethrown, so the process exits with the cause rather than half-running.
 */
export async function startRoles(
  roles: readonly ProcessRole[],
  shutdown: Shutdown,
  logger: Logger,
): Promise<void> {
  for (const role of roles) {
    try {
      await role.start();
    } catch (error) {
      logger.error({ err: error, role: role.name }, 'role failed to start');
      await shutdown.run(`role ${role.name} failed to start`);
      throw error;
    }
    shutdown.add(role.stage, role.name, () => role.close());
  }
}

/** Several roles started and closed as one (the worker: the advisor and the action runner). */
export function composeRoles(name: string, stage: ShutdownStage, roles: readonly ProcessRole[]): ProcessRole {
  const started: ProcessRole[] = [];
  return {
    name,
    stage,
    async start() {
      for (const role of roles) {
        await role.start();
        started.push(role);
      }
    },
    async close() {
      for (const role of started.reverse()) await role.close();
    },
  };
}
