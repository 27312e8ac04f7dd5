import { ConfigError } from './config-error.js';
import { parseCallerLimits, type CallerLimits } from './caller-limits.js';
import { DEFAULT_CORRELATION_CONFIG, type CorrelationConfig } from '../correlation/correlation-config.js';
import { allowedHostsProblems } from '../alerts/allowed-host.js';
import { DEFAULT_ACTIONS_CONFIG, type ActionsConfig } from '../actions/actions-config.js';
import { Secret } from '../shared/secret.js';

export { DEFAULT_ACTIONS_CONFIG, type ActionsConfig };
import {
  AUTH_PROTOCOLS,
  PRIV_PROTOCOLS,
  SNMP_VERSIONS,
  type AuthProfile,
  type AuthProtocol,
  type PrivProtocol,
  type SnmpVersion,
  type UsmUser,
} from '../snmp/auth-profile.js';

export const API_ROLES = ['agent', 'noc', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];

export interface ApiKey {
  role: ApiRole;
  token: Secret;
}

export interface Config {
  redisUrl: string;
  /** Every Redis key starts with this (default "vigil"); tests give each run its own. */
  redisPrefix: string;
  host: string;
  port: number;
  logLevel: string;
  apiKeys: ApiKey[];
  authProfiles: Map<string, AuthProfile>;
  /** Directory of probe files (VIGIL_PROBES_DIR, default "probes"). */
  probesDir: string;
  /** Shards of the poll schedule (VIGIL_POLL_SHARDS); every poller and API process must agree. */
  pollShards: number;
  /** Where pollers receive SNMP traps (VIGIL_TRAP_HOST, VIGIL_TRAP_PORT; port 0 turns the receiver off). */
  trapHost: string;
  trapPort: number;
  /** Directory of playbook files (VIGIL_PLAYBOOKS_DIR, default "playbooks"). */
  playbooksDir: string;
  /** Outage detection (VIGIL_OUTAGE_SETTLE_SECONDS, _RESOLVE_SECONDS, _CHILD_SHARE, _MIN_CHILDREN). */
  correlation: CorrelationConfig;
  actions: ActionsConfig;
  /** Requests a minute per API key per API instance (VIGIL_RATE_LIMIT_PER_MINUTE, default 60,000). */
  rateLimitPerMinute?: number;
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
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const PROFILE_VAR =
  /^VIGIL_SNMP_([A-Z0-9_]+?)_(VERSION|COMMUNITY|WRITE_COMMUNITY|USER|AUTH_PROTOCOL|AUTH_KEY|PRIV_PROTOCOL|PRIV_KEY|WRITE_USER|WRITE_AUTH_KEY|WRITE_PRIV_KEY)$/;

/**
 * Reads and validates the whole environment once, at boot. Every problem is collected and reported
 * together, each naming its variable, so one restart fixes them all.
 */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];

  const redisUrl = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (!/^rediss?:\/\/[^\s]+$/.test(redisUrl))
    problems.push(`REDIS_URL: expected redis://host:port, got "${redisUrl}"`);

  const redisPrefix = env.VIGIL_REDIS_PREFIX ?? 'vigil';
  if (!/^[a-zA-Z0-9_.-]+$/.test(redisPrefix))
    problems.push('VIGIL_REDIS_PREFIX: letters, digits, "_", "-" and "." only');

  const port = parsePort(env.VIGIL_PORT ?? '8080', 'VIGIL_PORT', problems);
  const host = env.VIGIL_HOST ?? '127.0.0.1';

  const logLevel = env.VIGIL_LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`VIGIL_LOG_LEVEL: one of ${LOG_LEVELS.join(', ')}`);

  const apiKeys = parseApiKeys(env.VIGIL_API_KEYS ?? '', problems);
  const probesDir = env.VIGIL_PROBES_DIR ?? 'probes';
  const trapHost = env.VIGIL_TRAP_HOST ?? '127.0.0.1';
  const trapPort = parsePort(env.VIGIL_TRAP_PORT ?? '10162', 'VIGIL_TRAP_PORT', problems);
  const pollShards = Number(env.VIGIL_POLL_SHARDS ?? '64');
  if (!Number.isInteger(pollShards) || pollShards < 1 || pollShards > 4096)
    problems.push('VIGIL_POLL_SHARDS: an integer from 1 to 4096');
  const authProfiles = parseAuthProfiles(env, problems);
  const playbooksDir = env.VIGIL_PLAYBOOKS_DIR ?? 'playbooks';
  const correlation = parseCorrelation(env, problems);
  const actions = parseActions(env, problems);
  const rateLimit = env.VIGIL_RATE_LIMIT_PER_MINUTE;
  const rateLimitPerMinute = rateLimit === undefined ? undefined : Number(rateLimit);
  if (rateLimitPerMinute !== undefined && (!Number.isInteger(rateLimitPerMinute) || rateLimitPerMinute < 1))
    problems.push(`VIGIL_RATE_LIMIT_PER_MINUTE: a positive integer, got "${rateLimit}"`);
  const callerLimits = parseCallerLimits(env, problems);
  const removalShare = env.VIGIL_IMPORT_MAX_REMOVAL_SHARE;
  const importMaxRemovalShare = removalShare === undefined ? undefined : Number(removalShare);
  if (
    importMaxRemovalShare !== undefined &&
    (removalShare?.trim() === '' ||
      !Number.isFinite(importMaxRemovalShare) ||
      importMaxRemovalShare < 0 ||
      importMaxRemovalShare > 1)
  )
    problems.push(`VIGIL_IMPORT_MAX_REMOVAL_SHARE: a number from 0 to 1, got "${removalShare}"`);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    redisUrl,
    redisPrefix,
    host,
    port,
    logLevel,
    apiKeys,
    authProfiles,
    probesDir,
    pollShards,
    trapHost,
    trapPort,
    playbooksDir,
    correlation,
    actions,
    ...(rateLimitPerMinute !== undefined ? { rateLimitPerMinute } : {}),
    ...(importMaxRemovalShare !== undefined ? { importMaxRemovalShare } : {}),
    callerLimits,
  };
}

function parseActions(env: Env, problems: string[]): ActionsConfig {
  const actions: ActionsConfig = { ...DEFAULT_ACTIONS_CONFIG };
  const seconds = env.VIGIL_REBOOT_VERIFY_SECONDS;
  if (seconds !== undefined) {
    const value = Number(seconds);
    if (!Number.isFinite(value) || value < 5 || value > 3600)
      problems.push(`VIGIL_REBOOT_VERIFY_SECONDS: a number from 5 to 3600, got "${seconds}"`);
    else actions.rebootVerifyMs = value * 1000;
  }
  const idle = env.VIGIL_CONVERSATION_IDLE_MINUTES;
  if (idle !== undefined) {
    const value = Number(idle);
    if (!Number.isFinite(value) || value <= 0 || value > 24 * 60)
      problems.push(`VIGIL_CONVERSATION_IDLE_MINUTES: a number of minutes up to 1440, got "${idle}"`);
    else actions.conversationIdleMs = value * 60_000;
  }
  const sweep = (name: string, min: number, max: number): number | undefined => {
    const raw = env[name];
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (Number.isFinite(value) && value >= min && value <= max) return value * 1000;
    problems.push(`${name}: a number of seconds from ${min} to ${max}, got "${raw}"`);
    return undefined;
  };
  actions.acceptSweepMs = sweep('VIGIL_ACCEPT_SWEEP_SECONDS', 1, 300) ?? actions.acceptSweepMs;
  actions.acceptGraceMs = sweep('VIGIL_ACCEPT_GRACE_SECONDS', 1, 3600) ?? actions.acceptGraceMs;
  actions.acceptExpireMs = sweep('VIGIL_ACCEPT_EXPIRE_SECONDS', 10, 86_400) ?? actions.acceptExpireMs;
  if (actions.acceptExpireMs <= actions.acceptGraceMs)
    problems.push('VIGIL_ACCEPT_EXPIRE_SECONDS: must be longer than VIGIL_ACCEPT_GRACE_SECONDS');
  actions.webhookAllowedHosts = (env.VIGIL_WEBHOOK_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((host) => host.trim().toLowerCase())
    .filter((host) => host !== '');
  problems.push(...allowedHostsProblems(actions.webhookAllowedHosts));
  const url = env.VIGIL_FIELD_SERVICE_URL;
  if (url !== undefined && url !== '') {
    if (!/^https?:\/\/\S+$/.test(url)) problems.push('VIGIL_FIELD_SERVICE_URL: an http(s) URL');
    else actions.fieldServiceUrl = url;
    const secret = env.VIGIL_FIELD_SERVICE_SECRET;
    if (!secret || secret.length < 16)
      problems.push(
        'VIGIL_FIELD_SERVICE_SECRET: required with VIGIL_FIELD_SERVICE_URL, at least 16 characters',
      );
    else actions.fieldServiceSecret = new Secret(secret);
  }
  return actions;
}

function parseCorrelation(env: Env, problems: string[]): CorrelationConfig {
  const number = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
      problems.push(`${name}: a number from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };
  const d = DEFAULT_CORRELATION_CONFIG;
  return {
    settleMs: number('VIGIL_OUTAGE_SETTLE_SECONDS', d.settleMs / 1000, 0, 3600) * 1000,
    resolveAfterMs: number('VIGIL_OUTAGE_RESOLVE_SECONDS', d.resolveAfterMs / 1000, 0, 3600) * 1000,
    childShareThreshold: number('VIGIL_OUTAGE_CHILD_SHARE', d.childShareThreshold, 0.01, 1),
    minChildren: Math.round(number('VIGIL_OUTAGE_MIN_CHILDREN', d.minChildren, 1, 100_000)),
  };
}

export function parsePort(raw: string, name: string, problems: string[]): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`${name}: expected a port number 0-65535, got "${raw}"`);
    return 0;
  }
  return port;
}

function parseApiKeys(raw: string, problems: string[]): ApiKey[] {
  const keys: ApiKey[] = [];
  for (const [index, entry] of raw.split(',').entries()) {
    if (entry.trim() === '') continue;
    const colon = entry.indexOf(':');
    const role = entry.slice(0, colon).trim();
    const token = entry.slice(colon + 1).trim();
    if (colon < 0 || !API_ROLES.includes(role as ApiRole)) {
      problems.push(
        `VIGIL_API_KEYS: entry ${index + 1} must be role:token with role one of ${API_ROLES.join(', ')}`,
      );
    } else if (token.length < 16) {
      problems.push(`VIGIL_API_KEYS: entry ${index + 1} (${role}) has a token shorter than 16 characters`);
    } else {
      keys.push({ role: role as ApiRole, token: new Secret(token) });
    }
  }
  return keys;
}

function parseAuthProfiles(env: Env, problems: string[]): Map<string, AuthProfile> {
  const fields = new Map<string, Map<string, string>>();
  for (const [name, value] of Object.entries(env)) {
    const match = PROFILE_VAR.exec(name);
    if (!match || value === undefined) continue;
    const [, profile, field] = match as unknown as [string, string, string];
    const profileFields = fields.get(profile) ?? new Map<string, string>();
    profileFields.set(field, value);
    fields.set(profile, profileFields);
  }

  const profiles = new Map<string, AuthProfile>();
  for (const [envName, f] of fields) {
    const prefix = `VIGIL_SNMP_${envName}`;
    const version = (f.get('VERSION') ?? (f.has('USER') ? '3' : '2c')) as SnmpVersion;
    if (!SNMP_VERSIONS.includes(version)) {
      problems.push(`${prefix}_VERSION: one of ${SNMP_VERSIONS.join(', ')}`);
      continue;
    }
    const name = envName.toLowerCase().replace(/_/g, '-');
    const profile: AuthProfile = { name, version };
    if (version === '3') {
      const user = parseUser(
        prefix,
        f.get('USER'),
        f.get('AUTH_PROTOCOL'),
        f.get('AUTH_KEY'),
        f.get('PRIV_PROTOCOL'),
        f.get('PRIV_KEY'),
        problems,
      );
      if (user) profile.user = user;
      if (f.has('WRITE_USER')) {
        const writeUser = parseUser(
          prefix,
          f.get('WRITE_USER'),
          f.get('AUTH_PROTOCOL'),
          f.get('WRITE_AUTH_KEY'),
          f.get('PRIV_PROTOCOL'),
          f.get('WRITE_PRIV_KEY'),
          problems,
        );
        if (writeUser) profile.writeUser = writeUser;
      }
    } else {
      const community = f.get('COMMUNITY');
      if (!community) problems.push(`${prefix}_COMMUNITY: required for SNMP v${version}`);
      else profile.community = new Secret(community);
      const writeCommunity = f.get('WRITE_COMMUNITY');
      if (writeCommunity) profile.writeCommunity = new Secret(writeCommunity);
    }
    profiles.set(name, profile);
  }
  return profiles;
}

function parseUser(
  prefix: string,
  name: string | undefined,
  authProtocol: string | undefined,
  authKey: string | undefined,
  privProtocol: string | undefined,
  privKey: string | undefined,
  problems: string[],
): UsmUser | undefined {
  if (!name) {
    problems.push(`${prefix}_USER: required for SNMP v3`);
    return undefined;
  }
  const user: UsmUser = { name };
  if (authKey !== undefined) {
    const protocol = (authProtocol ?? 'sha').toLowerCase() as AuthProtocol;
    if (!AUTH_PROTOCOLS.includes(protocol))
      problems.push(`${prefix}_AUTH_PROTOCOL: one of ${AUTH_PROTOCOLS.join(', ')}`);
    // RFC 3414 section 11.2: pass phrases shorter than 8 octets are rejected by conforming agents.
    if (authKey.length < 8) problems.push(`${prefix}_AUTH_KEY: at least 8 characters (RFC 3414)`);
    user.authProtocol = protocol;
    user.authKey = new Secret(authKey);
  }
  if (privKey !== undefined) {
    if (authKey === undefined) problems.push(`${prefix}_PRIV_KEY: privacy needs an auth key too (authPriv)`);
    const protocol = (privProtocol ?? 'aes').toLowerCase() as PrivProtocol;
    if (!PRIV_PROTOCOLS.includes(protocol))
      problems.push(`${prefix}_PRIV_PROTOCOL: one of ${PRIV_PROTOCOLS.join(', ')}`);
    if (privKey.length < 8) problems.push(`${prefix}_PRIV_KEY: at least 8 characters (RFC 3414)`);
    user.privProtocol = protocol;
    user.privKey = new Secret(privKey);
  }
  return user;
}
