import { Type, type StaticDecode } from '@sinclair/typebox';
import { portNumber } from '../shared/env/env-field-types.js';
import { parseApiKeys, type ApiKey } from './api-keys.js';

/**
 * The HTTP API's variables (README "Configuration"). They live in src/config/, not src/api/, because
 * the API sits after config in the pipeline order and config may not import it.
 */
export const API_ENV = Type.Object({
  VIGIL_HOST: Type.String({
    default: '127.0.0.1',
    description: 'Address the HTTP API listens on (default 127.0.0.1; 0.0.0.0 for all).',
  }),
  VIGIL_PORT: portNumber({ default: 8080, description: 'HTTP port (default 8080; 0 for any free port).' }),
  VIGIL_API_KEYS: Type.String({
    default: '',
    secret: true,
    description: 'Bootstrap keys, role:token,role:token; tokens at least 16 characters (default none).',
  }),
  // No default here: the API's own (60,000) applies, as for a test app built without this setting.
  VIGIL_RATE_LIMIT_PER_MINUTE: Type.Optional(
    Type.Integer({
      minimum: 1,
      description: 'Requests a minute per API key per API instance (default 60000).',
    }),
  ),
  // No defaults here either: the API's own (api/load-shedding.ts) apply, as for a test app without them.
  VIGIL_SHED_EVENT_LOOP_DELAY_MS: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 10_000,
      unit: 'ms',
      description:
        'Mean event-loop delay over two 100 ms samples above which the API refuses writes and opens with 503 (default 200; 0 turns it off).',
    }),
  ),
  VIGIL_SHED_EVENT_LOOP_UTILIZATION: Type.Optional(
    Type.Number({
      minimum: 0,
      maximum: 1,
      description:
        'Event-loop utilisation (0-1) over two 100 ms samples above which the API refuses writes and opens with 503 (default 0.9; 0 turns it off).',
    }),
  ),
  VIGIL_SHED_MAX_WRITES_IN_FLIGHT: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 100_000,
      description:
        'Writes and conversation opens an API instance serves at once; past it a new one answers 503 at once (default 64; 0 turns it off).',
    }),
  ),
  VIGIL_SHED_RETRY_AFTER_SECONDS: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 600,
      unit: 'seconds',
      description: 'Retry-After of a request refused under load (default 2).',
    }),
  ),
});

export type ApiEnv = StaticDecode<typeof API_ENV>;

export interface ApiConfig {
  host: string;
  port: number;
  apiKeys: ApiKey[];
  rateLimitPerMinute?: number;
  /** Load shedding's limits where the environment sets them (api/load-shedding.ts has the defaults). */
  loadShedding?: {
    maxEventLoopDelayMs?: number;
    maxEventLoopUtilization?: number;
    retryAfterSeconds?: number;
    maxWritesInFlight?: number;
  };
}

export function apiConfigFromEnv(values: ApiEnv, problems: string[]): ApiConfig {
  const rateLimitPerMinute = values.VIGIL_RATE_LIMIT_PER_MINUTE;
  return {
    host: values.VIGIL_HOST,
    port: values.VIGIL_PORT,
    apiKeys: parseApiKeys(values.VIGIL_API_KEYS, problems),
    ...(rateLimitPerMinute !== undefined ? { rateLimitPerMinute } : {}),
    loadShedding: {
      ...(values.VIGIL_SHED_EVENT_LOOP_DELAY_MS !== undefined
        ? { maxEventLoopDelayMs: values.VIGIL_SHED_EVENT_LOOP_DELAY_MS }
        : {}),
      ...(values.VIGIL_SHED_EVENT_LOOP_UTILIZATION !== undefined
        ? { maxEventLoopUtilization: values.VIGIL_SHED_EVENT_LOOP_UTILIZATION }
        : {}),
      ...(values.VIGIL_SHED_MAX_WRITES_IN_FLIGHT !== undefined
        ? { maxWritesInFlight: values.VIGIL_SHED_MAX_WRITES_IN_FLIGHT }
        : {}),
      ...(values.VIGIL_SHED_RETRY_AFTER_SECONDS !== undefined
        ? { retryAfterSeconds: values.VIGIL_SHED_RETRY_AFTER_SECONDS }
        : {}),
    },
  };
}
