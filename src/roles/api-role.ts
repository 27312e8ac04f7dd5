import type { FastifyInstance } from 'fastify';
import type { ProcessRole } from './process-role.js';
import type { ApiDeps } from '../api/api-deps.js';
import { buildApp } from '../api/build-app.js';

export interface ApiRoleOptions extends ApiDeps {
  host: string;
  port: number;
}

export interface ApiRole extends ProcessRole {
  /** Where the API listens once started (the real port when 0 was asked for). */
  url(): string | undefined;
}

/**
 * The api role: the HTTP app, listening. Closing stops accepting connections and lets in-flight
 * requests finish (Fastify answers 503 to new ones meanwhile); the shutdown deadline bounds it.
 */
export function createApiRole(options: ApiRoleOptions): ApiRole {
  const { host, port, ...deps } = options;
  let app: FastifyInstance | undefined;
  let listeningUrl: string | undefined;
  return {
    name: 'api',
    stage: 'api',
    async start() {
      app = buildApp(deps);
      listeningUrl = await app.listen({ host, port });
    },
    async close() {
      await app?.close();
    },
    url: () => listeningUrl,
  };
}
