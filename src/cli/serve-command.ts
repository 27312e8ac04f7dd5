import { InvalidArgumentError, type Command } from 'commander';
import type { Redis } from 'ioredis';
import type { ApiRole } from '../roles/api-role.js';
import { loadConfig, parsePort, type Config } from '../config/load-config.js';
import type { Logger } from '../platform/logger.js';
import type { ProcessRole } from '../roles/process-role.js';
import { createRedisKeys, type RedisKeys } from '../platform/redis-keys.js';
import { armedFailpoints, armFailpoints } from '../platform/failpoints.js';
import { ConfigError } from '../config/config-error.js';

export const SERVE_ROLES = ['api', 'poller', 'worker'] as const;
export type ServeRole = (typeof SERVE_ROLES)[number];

const SHUTDOWN_DEADLINE_MS = 10_000;
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

interface ServeFlags {
  roles: ServeRole[];
  port?: number;
  host?: string;
}

interface RoleContext {
  config: Config;
  logger: Logger;
  redis: Redis;
  keys: RedisKeys;
  host: string;
  port: number;
}

/**
 * How each role is built. Each loads its modules when the process runs it (fastify for the API,
 * BullMQ and net-snmp for the poller), so `vigil --help` and the other commands never load them.
 */
const ROLE_FACTORIES: Record<ServeRole, (context: RoleContext) => Promise<ProcessRole>> = {
  api: async (context) => (await import('../roles/api-role.js')).createApiRole(context),
  poller: async (context) => (await import('../roles/poller-role.js')).createPollerRole(context),
  worker: async (context) => {
    const [{ composeRoles }, { createAdvisorRole }, { createActionsRole }, { createAlertsRole }] =
      await Promise.all([
        import('../roles/process-role.js'),
        import('../roles/advisor-role.js'),
        import('../roles/actions-role.js'),
        import('../roles/alerts-role.js'),
      ]);
    const { sms } = context.config;
    // Outage SMS only where an SMS centre is configured (VIGIL_SMPP_URL).
    const smsRole = sms
      ? [
          (await import('../roles/sms-role.js')).createSmsRole({
            ...context,
            config: { ...context.config, sms },
          }),
        ]
      : [];
    return composeRoles('worker', 'workers', [
      createAdvisorRole(context),
      createActionsRole(context),
      createAlertsRole(context),
      ...smsRole,
    ]);
  },
};

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the service: HTTP API, poller and worker roles (all by default)')
    .option('--roles <list>', `comma-separated roles: ${SERVE_ROLES.join(', ')}`, parseRoles, [
      ...SERVE_ROLES,
    ])
    .option('--port <port>', 'HTTP port, 0 for any free one (default: VIGIL_PORT or 8080)', parsePortFlag)
    .option('--host <host>', 'HTTP address (default: VIGIL_HOST or 127.0.0.1)')
    .action(serve);
}

async function serve(flags: ServeFlags): Promise<void> {
  const config = loadConfig();
  const [{ createLogger }, { startRoles }, { createRedisConnection }, { createShutdown }] = await Promise.all(
    [
      import('../platform/logger.js'),
      import('../roles/process-role.js'),
      import('../platform/redis-connection.js'),
      import('../platform/shutdown.js'),
    ],
  );
  const logger = createLogger({ level: config.logLevel });
  const context: RoleContext = {
    config,
    logger,
    redis: createRedisConnection(config.redisUrl, 'command', 'vigil-serve'),
    keys: createRedisKeys(config.redisPrefix, config.pollShards),
    host: flags.host ?? config.host,
    port: flags.port ?? config.port,
  };
  logRedisState(context.redis, logger);
  stopOnEscape(logger);
  armDrillFailpoints(context, logger);

  const shutdown = createShutdown({ logger, deadlineMs: SHUTDOWN_DEADLINE_MS });
  shutdown.add('redis', 'redis', () => closeRedis(context.redis));
  const stopSignal = waitForStopSignal(logger);

  const roles = await Promise.all(flags.roles.map((name) => ROLE_FACTORIES[name](context)));
  // The NOC overview's minute samples, taken where the work is done (pollers, workers).
  if (flags.roles.some((name) => name !== 'api'))
    roles.push((await import('../roles/minute-series-role.js')).createMinuteSeriesRole(context));
  await startRoles(roles, shutdown, logger);
  const api = roles.find((role): role is ApiRole => role.name === 'api');
  logger.info(
    { roles: flags.roles, url: api?.url(), redisPrefix: config.redisPrefix, apiKeys: config.apiKeys.length },
    'vigil started',
  );

  const signal = await stopSignal;
  const result = await shutdown.run(signal);
  const ok = !result.timedOut && result.failures.length === 0;
  logger.info({ ok }, 'vigil stopped');
  // Exit explicitly: after the deadline something still holds the event loop, by definition.
  process.exit(ok ? 0 : 1);
}

/**
 * The last line, not the fix: every input boundary turns bad input into an outcome, so an exception
 * that reaches the process is a bug. It is logged by its type and where it came from — never its
 * message, which may quote a credential or attacker-chosen bytes — and the process exits, because its
 * state is unknown; the supervisor restarts it and BullMQ re-runs the jobs it held.
 */
function stopOnEscape(logger: Logger): void {
  const log = logger.child({ module: 'process' });
  const escape = (kind: string) => (error: unknown) => {
    const stack = error instanceof Error ? (error.stack ?? '').split('\n').slice(1, 6).join('\n') : '';
    log.fatal(
      { kind, type: error instanceof Error ? error.name : typeof error, stack },
      'unhandled error: stopping',
    );
    process.exit(70);
  };
  process.on('uncaughtException', escape('uncaughtException'));
  process.on('unhandledRejection', escape('unhandledRejection'));
}

/** Resolves on the first SIGINT/SIGTERM; a second one means the operator will not wait for the deadline. */
function waitForStopSignal(logger: Logger): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onFirst = (signal: NodeJS.Signals): void => {
      for (const name of STOP_SIGNALS) process.off(name, onFirst);
      for (const name of STOP_SIGNALS) {
        process.once(name, () => {
          logger.warn({ signal: name }, 'second stop signal: exiting without waiting');
          process.exit(1);
        });
      }
      resolve(signal);
    };
    for (const name of STOP_SIGNALS) process.once(name, onFirst);
  });
}

/**
 * VIGIL_FAILPOINTS, the fault drills' switch (platform/failpoints.ts): inert unless set, refused with
 * every unknown name, and loud when armed so no one runs a production process with it by mistake.
 */
function armDrillFailpoints(context: Pick<RoleContext, 'redis' | 'keys'>, logger: Logger): void {
  const problems = armFailpoints(
    process.env.VIGIL_FAILPOINTS,
    async (name) =>
      (await context.redis.set(context.keys.failpointFired(name), String(process.pid), 'NX')) === 'OK',
  );
  if (problems.length > 0) throw new ConfigError(problems);
  const armed = armedFailpoints();
  if (armed.length > 0)
    logger.warn({ failpoints: armed }, 'drill failpoints armed: this process kills itself at them');
}

/** One log line per change of state, not one per reconnect attempt (ioredis retries every ≤2 s). */
function logRedisState(redis: Redis, logger: Logger): void {
  const log = logger.child({ module: 'redis' });
  let up: boolean | undefined;
  redis.on('ready', () => {
    if (up !== true) log.info('redis ready');
    up = true;
  });
  redis.on('error', (error: Error) => {
    if (up !== false) log.warn({ err: error }, 'redis unavailable; retrying');
    up = false;
  });
}

async function closeRedis(redis: Redis): Promise<void> {
  // QUIT lets replies in flight arrive; on a connection that is down there is nothing to wait for.
  if (redis.status === 'ready') await redis.quit();
  else redis.disconnect();
}

function parseRoles(raw: string): ServeRole[] {
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !SERVE_ROLES.includes(name as ServeRole));
  if (names.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(`expected roles from ${SERVE_ROLES.join(', ')}, got "${raw}"`);
  }
  return [...new Set(names as ServeRole[])];
}

function parsePortFlag(raw: string): number {
  const problems: string[] = [];
  const port = parsePort(raw, '--port', problems);
  if (problems.length > 0) throw new InvalidArgumentError(problems.join('; '));
  return port;
}
