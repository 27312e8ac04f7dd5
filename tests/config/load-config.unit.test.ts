import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { CONFIG_ENV, loadConfig, parsePort, type Config } from '../../src/config/load-config.js';

/** The problems loadConfig reports for `env`, or a failure if it accepts it. */
function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('loadConfig accepted a bad environment');
}

/** The variable each problem names (the text before its first ": "). */
const namesOf = (problems: readonly string[]) => problems.map((problem) => problem.split(': ')[0]);

const AGENT_TOKEN = 'agent-token-0123456789abcdef';
const FIELD_SECRET = 'field-secret-0123456789';

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      redisUrl: 'redis://127.0.0.1:6379',
      redisPrefix: 'vigil',
      queueShards: 1,
      host: '127.0.0.1',
      port: 8080,
      logLevel: 'info',
      apiKeys: [],
      loadShedding: {},
      authProfiles: new Map(),
      probesDir: 'probes',
      pollShards: 64,
      pollsInFlight: 4_096,
      trapHost: '127.0.0.1',
      trapPort: 10162,
      outageCheckChildren: 5,
      playbooksDir: 'playbooks',
      correlation: { settleMs: 90_000, resolveAfterMs: 60_000, childShareThreshold: 0.5, minChildren: 5 },
      actions: {
        rebootVerifyMs: 300_000,
        conversationIdleMs: 1_800_000,
        acceptSweepMs: 20_000,
        acceptGraceMs: 30_000,
        acceptExpireMs: 600_000,
        webhookAllowedHosts: [],
      },
      callerLimits: {
        trustProxy: false,
        anonymousPerMinute: 600,
        failedAuthPerMinute: 60,
        conversationOpensPerKeyPerMinute: 6000,
        conversationOpensPerSubscriberPerMinute: 10,
        conversationReuseMs: 60_000,
      },
      embed: { origins: [], tokenTtlSeconds: 600 },
    } satisfies Config);
  });

  it('reads every variable of a good environment into the Config', () => {
    const config = loadConfig({
      REDIS_URL: 'rediss://redis.example.net:6380',
      VIGIL_REDIS_PREFIX: 'vigil-test.1',
      VIGIL_HOST: '0.0.0.0',
      VIGIL_PORT: '0',
      VIGIL_LOG_LEVEL: 'debug',
      VIGIL_API_KEYS: ` agent:${AGENT_TOKEN} ,`,
      VIGIL_RATE_LIMIT_PER_MINUTE: '120',
      VIGIL_TRUST_PROXY: '2',
      VIGIL_RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100',
      VIGIL_RATE_LIMIT_FAILED_AUTH_PER_MINUTE: '5',
      VIGIL_CONVERSATION_OPENS_PER_KEY_PER_MINUTE: '50',
      VIGIL_CONVERSATION_OPENS_PER_SUBSCRIBER_PER_MINUTE: '3',
      VIGIL_CONVERSATION_REUSE_SECONDS: '0',
      VIGIL_PROBES_DIR: '/etc/vigil/probes',
      VIGIL_POLL_SHARDS: '8',
      VIGIL_PROBE_MIN_INTERVAL_SECONDS: '0.5',
      VIGIL_POLL_TICK_SECONDS: '0.25',
      VIGIL_POLL_SYNC_SECONDS: '2',
      VIGIL_POLL_IN_FLIGHT: '512',
      VIGIL_TRAP_HOST: '0.0.0.0',
      VIGIL_TRAP_PORT: '0',
      VIGIL_OUTAGE_CHECK_CHILDREN: '3',
      VIGIL_PLAYBOOKS_DIR: '/etc/vigil/playbooks',
      VIGIL_OUTAGE_SETTLE_SECONDS: '1.5',
      VIGIL_OUTAGE_RESOLVE_SECONDS: '0',
      VIGIL_OUTAGE_CHILD_SHARE: '0.25',
      VIGIL_OUTAGE_MIN_CHILDREN: '2',
      VIGIL_REBOOT_VERIFY_SECONDS: '5',
      VIGIL_CONVERSATION_IDLE_MINUTES: '0.5',
      VIGIL_ACCEPT_SWEEP_SECONDS: '1',
      VIGIL_ACCEPT_GRACE_SECONDS: '2',
      VIGIL_ACCEPT_EXPIRE_SECONDS: '10',
      VIGIL_FIELD_SERVICE_URL: 'https://field.example.net/visits',
      VIGIL_FIELD_SERVICE_SECRET: FIELD_SECRET,
      VIGIL_WEBHOOK_ALLOWED_HOSTS: 'Hooks.Example.NET, ,[::1]:*',
      VIGIL_IMPORT_MAX_REMOVAL_SHARE: '0',
      VIGIL_SHED_EVENT_LOOP_DELAY_MS: '80',
      VIGIL_SHED_EVENT_LOOP_UTILIZATION: '0.95',
      VIGIL_SHED_RETRY_AFTER_SECONDS: '5',
      VIGIL_SHED_MAX_WRITES_IN_FLIGHT: '32',
      VIGIL_EMBED_ORIGINS: 'https://crm.example.com, http://127.0.0.2:8090/',
      VIGIL_EMBED_TOKEN_TTL_SECONDS: '120',
    });
    const { apiKeys, actions, ...rest } = config;
    expect(apiKeys.map((key) => [key.role, key.token.reveal()])).toEqual([['agent', AGENT_TOKEN]]);
    expect(actions.fieldServiceSecret?.reveal()).toBe(FIELD_SECRET);
    expect({ ...actions, fieldServiceSecret: undefined }).toEqual({
      rebootVerifyMs: 5000,
      conversationIdleMs: 30_000,
      acceptSweepMs: 1000,
      acceptGraceMs: 2000,
      acceptExpireMs: 10_000,
      fieldServiceUrl: 'https://field.example.net/visits',
      fieldServiceSecret: undefined,
      webhookAllowedHosts: ['hooks.example.net', '[::1]:*'],
    });
    expect(rest).toEqual({
      redisUrl: 'rediss://redis.example.net:6380',
      redisPrefix: 'vigil-test.1',
      queueShards: 1,
      host: '0.0.0.0',
      port: 0,
      logLevel: 'debug',
      rateLimitPerMinute: 120,
      loadShedding: {
        maxEventLoopDelayMs: 80,
        maxEventLoopUtilization: 0.95,
        retryAfterSeconds: 5,
        maxWritesInFlight: 32,
      },
      authProfiles: new Map(),
      probesDir: '/etc/vigil/probes',
      pollShards: 8,
      probeMinIntervalSeconds: 0.5,
      pollTickMs: 250,
      pollSyncEveryMs: 2000,
      pollsInFlight: 512,
      trapHost: '0.0.0.0',
      trapPort: 0,
      outageCheckChildren: 3,
      playbooksDir: '/etc/vigil/playbooks',
      correlation: { settleMs: 1500, resolveAfterMs: 0, childShareThreshold: 0.25, minChildren: 2 },
      importMaxRemovalShare: 0,
      callerLimits: {
        trustProxy: 2,
        anonymousPerMinute: 100,
        failedAuthPerMinute: 5,
        conversationOpensPerKeyPerMinute: 50,
        conversationOpensPerSubscriberPerMinute: 3,
        conversationReuseMs: 0,
      },
      embed: { origins: ['https://crm.example.com', 'http://127.0.0.2:8090'], tokenTtlSeconds: 120 },
    });
  });

  it('refuses an embed origin that is not exactly an origin, and a token life past its bound', () => {
    const problems = problemsOf({
      VIGIL_EMBED_ORIGINS: 'https://crm.example.com/desk, *.example.com, ftp://files.example.com',
      VIGIL_EMBED_TOKEN_TTL_SECONDS: '86400',
    });
    expect(namesOf(problems)).toEqual([
      'VIGIL_EMBED_TOKEN_TTL_SECONDS',
      'VIGIL_EMBED_ORIGINS',
      'VIGIL_EMBED_ORIGINS',
      'VIGIL_EMBED_ORIGINS',
    ]);
  });

  it('reports every bad variable at once, each naming its variable and what it accepts', () => {
    const problems = problemsOf({
      REDIS_URL: 'http://redis.example.net',
      VIGIL_REDIS_PREFIX: 'vigil:prod',
      VIGIL_PORT: 'eighty',
      VIGIL_LOG_LEVEL: 'loud',
      VIGIL_POLL_SHARDS: '0',
      VIGIL_TRAP_PORT: '70000',
      VIGIL_OUTAGE_MIN_CHILDREN: '2.5',
      VIGIL_OUTAGE_CHILD_SHARE: ' ',
      VIGIL_CONVERSATION_IDLE_MINUTES: '0',
      VIGIL_ACCEPT_SWEEP_SECONDS: '0',
      VIGIL_RATE_LIMIT_PER_MINUTE: '0',
      VIGIL_RATE_LIMIT_ANONYMOUS_PER_MINUTE: 'many',
      VIGIL_TRUST_PROXY: '99',
      VIGIL_IMPORT_MAX_REMOVAL_SHARE: '',
      VIGIL_POLL_TICK_SECONDS: '0',
      VIGIL_WEBHOOK_ALLOWED_HOSTS: 'ok.example.net, fe80::1',
    });
    expect(problems).toEqual([
      'REDIS_URL: a redis:// or rediss:// URL (redis://host:port), redis+sentinel://host:port,host:port/<primary name>, or redis+cluster://host:port,host:port',
      'VIGIL_REDIS_PREFIX: letters, digits, "_", "-" and "." only, got "vigil:prod"',
      'VIGIL_LOG_LEVEL: one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'VIGIL_PORT: a port number 0-65535, got "eighty"',
      'VIGIL_RATE_LIMIT_PER_MINUTE: an integer of at least 1, got "0"',
      'VIGIL_RATE_LIMIT_ANONYMOUS_PER_MINUTE: an integer from 1 to 10000000, got "many"',
      'VIGIL_POLL_SHARDS: an integer from 1 to 4096, got "0"',
      'VIGIL_POLL_TICK_SECONDS: a number of seconds from 0.05 to 60, got "0"',
      'VIGIL_TRAP_PORT: a port number 0-65535, got "70000"',
      'VIGIL_OUTAGE_CHILD_SHARE: a number from 0.01 to 1, got " "',
      'VIGIL_OUTAGE_MIN_CHILDREN: an integer from 1 to 100000, got "2.5"',
      'VIGIL_CONVERSATION_IDLE_MINUTES: a number of minutes above 0 and up to 1440, got "0"',
      'VIGIL_ACCEPT_SWEEP_SECONDS: a number of seconds from 1 to 300, got "0"',
      'VIGIL_IMPORT_MAX_REMOVAL_SHARE: a number from 0 to 1, got ""',
      expect.stringMatching(/^VIGIL_WEBHOOK_ALLOWED_HOSTS: "fe80::1": .*brackets/),
      expect.stringMatching(/^VIGIL_TRUST_PROXY: .*hop count from 1 to 32.*got "99"$/),
    ]);
  });

  it('checks fields against each other: the accept expiry against the grace, the field-service pair', () => {
    expect(
      problemsOf({
        VIGIL_ACCEPT_GRACE_SECONDS: '600',
        VIGIL_ACCEPT_EXPIRE_SECONDS: '600',
        VIGIL_FIELD_SERVICE_URL: 'ftp://field.example.net',
      }),
    ).toEqual([
      'VIGIL_FIELD_SERVICE_URL: an http(s) URL',
      'VIGIL_ACCEPT_EXPIRE_SECONDS: must be longer than VIGIL_ACCEPT_GRACE_SECONDS',
      'VIGIL_FIELD_SERVICE_SECRET: required with VIGIL_FIELD_SERVICE_URL, at least 16 characters',
    ]);
    // An empty URL is no URL: nothing to sign, so no secret needed.
    expect(loadConfig({ VIGIL_FIELD_SERVICE_URL: '' }).actions.fieldServiceUrl).toBeUndefined();
  });

  it('never puts a secret into a problem', () => {
    const secrets = {
      redisPassword: 'redis-pass-8c1f0e',
      apiToken: 'sh0rt-t0ken',
      misplacedToken: 'only-a-token-no-role-0123456789',
      fieldServiceSecret: 'too-short-sec',
      urlPassword: 'url-pass-77aa91',
      authKey: 'k3y-7ch',
      privKey: 'pr1v-7c',
      writeAuthKey: 'wr1te-k',
    };
    const problems = problemsOf({
      REDIS_URL: `http://:${secrets.redisPassword}@redis.example.net`,
      VIGIL_API_KEYS: `admin:${secrets.apiToken},${secrets.misplacedToken}`,
      VIGIL_FIELD_SERVICE_URL: `ftp://user:${secrets.urlPassword}@field.example.net`,
      VIGIL_FIELD_SERVICE_SECRET: secrets.fieldServiceSecret,
      VIGIL_SNMP_CORE_USER: 'monitor',
      VIGIL_SNMP_CORE_AUTH_KEY: secrets.authKey,
      VIGIL_SNMP_CORE_PRIV_KEY: secrets.privKey,
      VIGIL_SNMP_CORE_WRITE_USER: 'operator',
      VIGIL_SNMP_CORE_WRITE_AUTH_KEY: secrets.writeAuthKey,
    });
    expect(namesOf(problems)).toEqual([
      'REDIS_URL',
      'VIGIL_FIELD_SERVICE_URL',
      'VIGIL_FIELD_SERVICE_SECRET',
      'VIGIL_API_KEYS',
      'VIGIL_API_KEYS',
      'VIGIL_SNMP_CORE_AUTH_KEY',
      'VIGIL_SNMP_CORE_PRIV_KEY',
      'VIGIL_SNMP_CORE_WRITE_AUTH_KEY',
    ]);
    const text = problems.join('\n');
    for (const secret of Object.values(secrets)) expect(text).not.toContain(secret);
  });

  it('reads SNMP auth profiles by name, v1/v2c by community and v3 by user, and names what is missing', () => {
    const config = loadConfig({
      VIGIL_SNMP_LTE_SIM_COMMUNITY: 'public-ro',
      VIGIL_SNMP_LTE_SIM_WRITE_COMMUNITY: 'private-rw',
      VIGIL_SNMP_CORE_USER: 'monitor',
      VIGIL_SNMP_CORE_AUTH_PROTOCOL: 'SHA256',
      VIGIL_SNMP_CORE_AUTH_KEY: 'auth-key-1',
      VIGIL_SNMP_CORE_PRIV_KEY: 'priv-key-1',
      VIGIL_SNMP_CORE_WRITE_USER: 'operator',
      VIGIL_SNMP_CORE_WRITE_AUTH_KEY: 'auth-key-2',
    });
    const lte = config.authProfiles.get('lte-sim');
    expect(lte).toMatchObject({ name: 'lte-sim', version: '2c' });
    expect([lte?.community?.reveal(), lte?.writeCommunity?.reveal()]).toEqual(['public-ro', 'private-rw']);
    const core = config.authProfiles.get('core');
    expect(core).toMatchObject({
      version: '3',
      user: { name: 'monitor', authProtocol: 'sha256', privProtocol: 'aes' },
      writeUser: { name: 'operator', authProtocol: 'sha256' },
    });
    expect(core?.writeUser?.privKey).toBeUndefined();

    expect(
      problemsOf({
        VIGIL_SNMP_EDGE_VERSION: '1',
        VIGIL_SNMP_CORE_VERSION: '3',
        VIGIL_SNMP_CORE_PRIV_KEY: 'priv-key-1',
        VIGIL_SNMP_CORE_PRIV_PROTOCOL: 'rot13',
        VIGIL_SNMP_BAD_VERSION: 'v2',
        VIGIL_SNMP_BAD_COMMUNITY: 'public-ro',
      }),
    ).toEqual([
      'VIGIL_SNMP_EDGE_COMMUNITY: required for SNMP v1',
      'VIGIL_SNMP_CORE_PRIV_PROTOCOL: one of des, aes, aes256b, aes256r, got "rot13"',
      'VIGIL_SNMP_CORE_USER: required for SNMP v3',
      'VIGIL_SNMP_BAD_VERSION: one of 1, 2c, 3, got "v2"',
    ]);
    expect(
      problemsOf({
        VIGIL_SNMP_CORE_USER: 'monitor',
        VIGIL_SNMP_CORE_PRIV_KEY: 'priv-key-1',
        VIGIL_SNMP_CORE_WRITE_USER: 'operator',
        VIGIL_SNMP_CORE_WRITE_PRIV_KEY: 'priv-key-2',
      }),
    ).toEqual([
      'VIGIL_SNMP_CORE_PRIV_KEY: privacy needs an auth key too (authPriv)',
      'VIGIL_SNMP_CORE_WRITE_PRIV_KEY: privacy needs an auth key too (authPriv)',
    ]);
    // A short auth key is one mistake, not also a missing one.
    expect(
      problemsOf({
        VIGIL_SNMP_CORE_USER: 'monitor',
        VIGIL_SNMP_CORE_AUTH_KEY: 'short',
        VIGIL_SNMP_CORE_PRIV_KEY: 'priv-key-1',
      }),
    ).toEqual(['VIGIL_SNMP_CORE_AUTH_KEY: at least 8 characters (RFC 3414)']);
  });

  it('leaves alone variables it does not know: other tools share the VIGIL_ prefix', () => {
    expect(
      loadConfig({ VIGIL_URL: 'http://127.0.0.1:8080', VIGIL_SIM_URL: 'x', VIGIL_AGENT_KEY: 'k' }).port,
    ).toBe(8080);
  });

  it('declares every variable it reads by a fixed name, each described with its default', () => {
    expect(Object.keys(CONFIG_ENV.properties).sort()).toEqual([
      'REDIS_URL',
      'VIGIL_ACCEPT_EXPIRE_SECONDS',
      'VIGIL_ACCEPT_GRACE_SECONDS',
      'VIGIL_ACCEPT_SWEEP_SECONDS',
      'VIGIL_API_KEYS',
      'VIGIL_CONVERSATION_IDLE_MINUTES',
      'VIGIL_CONVERSATION_OPENS_PER_KEY_PER_MINUTE',
      'VIGIL_CONVERSATION_OPENS_PER_SUBSCRIBER_PER_MINUTE',
      'VIGIL_CONVERSATION_REUSE_SECONDS',
      'VIGIL_EMBED_ORIGINS',
      'VIGIL_EMBED_TOKEN_TTL_SECONDS',
      'VIGIL_FIELD_SERVICE_SECRET',
      'VIGIL_FIELD_SERVICE_URL',
      'VIGIL_HOST',
      'VIGIL_IMPORT_MAX_REMOVAL_SHARE',
      'VIGIL_LOG_LEVEL',
      'VIGIL_OUTAGE_CHECK_CHILDREN',
      'VIGIL_OUTAGE_CHILD_SHARE',
      'VIGIL_OUTAGE_MIN_CHILDREN',
      'VIGIL_OUTAGE_RESOLVE_SECONDS',
      'VIGIL_OUTAGE_SETTLE_SECONDS',
      'VIGIL_PLAYBOOKS_DIR',
      'VIGIL_POLL_IN_FLIGHT',
      'VIGIL_POLL_SHARDS',
      'VIGIL_POLL_SYNC_SECONDS',
      'VIGIL_POLL_TICK_SECONDS',
      'VIGIL_PORT',
      'VIGIL_PROBES_DIR',
      'VIGIL_PROBE_MIN_INTERVAL_SECONDS',
      'VIGIL_QUEUE_SHARDS',
      'VIGIL_RATE_LIMIT_ANONYMOUS_PER_MINUTE',
      'VIGIL_RATE_LIMIT_FAILED_AUTH_PER_MINUTE',
      'VIGIL_RATE_LIMIT_PER_MINUTE',
      'VIGIL_REBOOT_VERIFY_SECONDS',
      'VIGIL_REDIS_PREFIX',
      'VIGIL_SHED_EVENT_LOOP_DELAY_MS',
      'VIGIL_SHED_EVENT_LOOP_UTILIZATION',
      'VIGIL_SHED_MAX_WRITES_IN_FLIGHT',
      'VIGIL_SHED_RETRY_AFTER_SECONDS',
      'VIGIL_SMPP_PASSWORD',
      'VIGIL_SMPP_SYSTEM_ID',
      'VIGIL_SMPP_URL',
      'VIGIL_SMS_DEFAULT_LANGUAGE',
      'VIGIL_SMS_DEFAULT_TIME_ZONE',
      'VIGIL_SMS_MAX_PER_INCIDENT',
      'VIGIL_SMS_PLANNED_WORKS',
      'VIGIL_SMS_QUIET_HOURS',
      'VIGIL_SMS_RATE_PER_SECOND',
      'VIGIL_SMS_SOURCE_ADDR',
      'VIGIL_TRAP_HOST',
      'VIGIL_TRAP_PORT',
      'VIGIL_TRUST_PROXY',
      'VIGIL_WEBHOOK_ALLOWED_HOSTS',
    ]);
    const undescribed = Object.entries(CONFIG_ENV.properties)
      .filter(([, schema]) => !/\(default [^)]+\)/.test(String(schema.description)))
      .map(([name]) => name);
    expect(undescribed).toEqual([]);
  });
});

describe('parsePort', () => {
  it('takes 0 to 65535 and names the flag or variable otherwise', () => {
    const problems: string[] = [];
    expect(parsePort('0', '--port', problems)).toBe(0);
    expect(parsePort('65535', '--port', problems)).toBe(65535);
    expect(problems).toEqual([]);
    expect(parsePort('65536', '--port', problems)).toBe(0);
    expect(parsePort('8080.5', 'VIGIL_PORT', problems)).toBe(0);
    expect(problems).toEqual([
      '--port: a port number 0-65535, got "65536"',
      'VIGIL_PORT: a port number 0-65535, got "8080.5"',
    ]);
  });
});
