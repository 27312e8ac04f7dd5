import { Type } from '@sinclair/typebox';
import { ACTIONS_ENV, actionsConfigFromEnv } from '../actions/actions-env.js';
import { DEFAULT_ACTIONS_CONFIG, type ActionsConfig } from '../actions/actions-config.js';
import { ALERTS_ENV, webhookAllowedHostsFromEnv } from '../alerts/alerts-env.js';
import type { CorrelationConfig } from '../correlation/correlation-config.js';
import { CORRELATION_ENV, correlationConfigFromEnv } from '../correlation/correlation-env.js';
import { INVENTORY_ENV, inventoryConfigFromEnv } from '../inventory/inventory-env.js';
import { PLATFORM_ENV, platformConfigFromEnv } from '../platform/platform-env.js';
import { PLAYBOOKS_ENV, playbooksConfigFromEnv } from '../playbooks/playbooks-env.js';
import { POLLING_ENV, pollingConfigFromEnv, type PollingConfig } from '../polling/polling-env.js';
import { portNumber } from '../shared/env/env-field-types.js';
import { readEnv, readEnvVariable, type Env } from '../shared/env/read-env.js';
import type { AuthProfile } from '../snmp/auth-profile.js';
import { authProfilesFromEnv } from '../snmp/auth-profiles-env.js';
import type { SmsConfig } from '../sms/sms-config.js';
import { SMS_ENV, smsConfigFromEnv } from '../sms/sms-env.js';
import { API_ENV, apiConfigFromEnv, type ApiConfig } from './api-env.js';
import type { ApiKey } from './api-keys.js';
import { CALLER_LIMITS_ENV, callerLimitsFromEnv, type CallerLimits } from './caller-limits.js';
import { ConfigError } from './config-error.js';
import { EMBED_ENV, embedConfigFromEnv, type EmbedConfig } from './embed-env.js';

export { DEFAULT_ACTIONS_CONFIG, type ActionsConfig };
export { API_ROLES, type ApiKey, type ApiRole } from './api-keys.js';

/** The whole configuration: each domain's part (polling's declared in src/polling/polling-env.ts), composed. */
export interface Config extends PollingConfig {
  redisUrl: string;
  /** Every Redis key starts with this (default "vigil"); tests give each run its own. */
  redisPrefix: string;
  /** BullMQ queues each busy queue is spread over (VIGIL_QUEUE_SHARDS, default 1; src/platform/sharded-queue.ts). */
  queueShards?: number;
  host: string;
  port: number;
  logLevel: string;
  apiKeys: ApiKey[];
  authProfiles: Map<string, AuthProfile>;
  /** Directory of playbook files (VIGIL_PLAYBOOKS_DIR, default "playbooks"). */
  playbooksDir: string;
  /** Outage detection (VIGIL_OUTAGE_SETTLE_SECONDS, _RESOLVE_SECONDS, _CHILD_SHARE, _MIN_CHILDREN). */
  correlation: CorrelationConfig;
  actions: ActionsConfig;
  /** Requests a minute per API key per API instance (VIGIL_RATE_LIMIT_PER_MINUTE, default 60,000). */
  rateLimitPerMinute?: number;
  /** When the API sheds load (VIGIL_SHED_*); what is left out takes api/load-shedding.ts's defaults. */
  loadShedding?: ApiConfig['loadShedding'];
  /**
   * An import may remove at most this share (0..1) of the stored devices or subscribers without
   * --allow-removals / ?allowRemovals=true (VIGIL_IMPORT_MAX_REMOVAL_SHARE, default 0.1).
   */
  importMaxRemovalShare?: number;
  /**
   * Limits on API callers before and after their key is known, trustProxy, and conversation opens
   * (src/config/caller-limits.ts); what is left out takes DEFAULT_CALLER_LIMITS.
   */
  callerLimits?: Partial<CallerLimits>;
  /** Outage SMS through an SMS centre (VIGIL_SMPP_URL, VIGIL_SMS_*); absent: no SMS are sent. */
  sms?: SmsConfig;
  /** The embeddable agent panel (VIGIL_EMBED_*); absent: no origin may frame it, tokens live 600 s. */
  embed?: EmbedConfig;
}

/**
 * Every variable read by a fixed name, composed from the domains' specs: its type, bounds, default
 * and meaning (the `description`). SNMP auth profiles, named by the operator, are read apart.
 */
export const CONFIG_ENV = Type.Object({
  ...PLATFORM_ENV.properties,
  ...API_ENV.properties,
  ...CALLER_LIMITS_ENV.properties,
  ...POLLING_ENV.properties,
  ...PLAYBOOKS_ENV.properties,
  ...CORRELATION_ENV.properties,
  ...ACTIONS_ENV.properties,
  ...ALERTS_ENV.properties,
  ...INVENTORY_ENV.properties,
  ...SMS_ENV.properties,
  ...EMBED_ENV.properties,
});

/**
 * Reads and validates the whole environment once, at boot. Every problem is collected and reported
 * together, each naming its variable, so one restart fixes them all. Variables of other tools
 * (VIGIL_URL, VIGIL_SIM_*) share the prefix, so one this does not know is not an error.
 */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const values = readEnv(CONFIG_ENV, env, problems);
  const config: Config = {
    ...platformConfigFromEnv(values),
    ...apiConfigFromEnv(values, problems),
    authProfiles: authProfilesFromEnv(env, problems),
    ...pollingConfigFromEnv(values),
    ...playbooksConfigFromEnv(values),
    correlation: correlationConfigFromEnv(values),
    actions: {
      ...actionsConfigFromEnv(values, env, problems),
      webhookAllowedHosts: webhookAllowedHostsFromEnv(values, problems),
    },
    ...inventoryConfigFromEnv(values),
    callerLimits: callerLimitsFromEnv(values, problems),
    embed: embedConfigFromEnv(values, problems),
  };
  const sms = smsConfigFromEnv(values, problems);
  if (sms) config.sms = sms;
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** A port given as text (a variable or `--port`); 0 and a problem naming `name` when it is not one. */
export function parsePort(raw: string, name: string, problems: string[]): number {
  return readEnvVariable(name, portNumber(), raw, problems) ?? 0;
}
