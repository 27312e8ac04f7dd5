import type { FastifyInstance } from 'fastify';
import type { ProcessRole } from './process-role.js';
import type { ApiDeps } from '../api/api-deps.js';
import type { ApiServices } from '../api/api-services.js';
import { buildApp } from '../api/build-app.js';
import { createConversationStore } from '../conversations/conversation-store.js';
import { createIdleSweeper, type IdleSweeper } from '../conversations/idle-sweeper.js';
import { createApiServices } from './api-services.js';

export interface ApiRoleOptions extends Omit<ApiDeps, 'services'> {
  host: string;
  port: number;
}

export interface ApiRole extends ProcessRole {
  /** Where the API listens once started (the real port when 0 was asked for). */
  url(): string | undefined;
}

/**
 * The api role: its services (stores, queues, the event hub), the HTTP app over them, listening, and
 * the idle-conversation sweeper. Closing stops the sweeper, stops accepting connections and lets
 * in-flight requests finish (Fastify answers 503 to new ones meanwhile), then releases the services;
 * the shutdown deadline bounds it.
 */
export function createApiRole(options: ApiRoleOptions): ApiRole {
  const { host, port, ...deps } = options;
  let services: ApiServices | undefined;
  let sweeper: IdleSweeper | undefined;
  let app: FastifyInstance | undefined;
  let listeningUrl: string | undefined;
  return {
    name: 'api',
    stage: 'api',
    async start() {
      services = await createApiServices(deps);
      // An inventory stored before packed indexes is rebuilt once, by whichever process takes the lock.
      await services.inventory
        .upgradeLayout()
        .catch((err: unknown) => deps.logger.warn({ err }, 'inventory layout upgrade failed'));
      app = buildApp({ ...deps, services, compileSerializers: true });
      try {
        listeningUrl = await app.listen({ host, port });
      } catch (error) {
        // Not started, so the shutdown will not close it: release what was opened for it now.
        await app.close();
        await services.close();
        throw error;
      }
      sweeper = createIdleSweeper({
        conversations: createConversationStore(deps.redis, deps.keys),
        idleMs: deps.config.actions.conversationIdleMs,
        logger: deps.logger.child({ module: 'conversations' }),
      });
      sweeper.start();
    },
    async close() {
      sweeper?.stop();
      await app?.close();
      await services?.close();
    },
    url: () => listeningUrl,
  };
}
