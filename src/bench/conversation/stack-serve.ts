import { reniceProcess } from '../../platform/renice-process.js';
import { startBenchChild, type BenchChild } from '../bench-child.js';

/** deploy/systemd's Nice= for pollers and workers: the API comes first on a shared machine. */
export const BULK_NICE = 10;

export interface StackServeOptions {
  redisUrl: string;
  prefix: string;
  tokens: { agent: string; noc: string; admin: string };
  community: string;
  writeCommunity: string;
  trapPort: number;
  probesDir: string;
  pollShards: number;
  opensPerKeyPerMinute: number;
  settleSeconds: number;
  split: boolean;
  cpuProfDir?: string;
  say: (line: string) => void;
}

/** `vigil serve`'s environment: the bench's Redis prefix, keys, communities, probes and outage timing. */
export function serveEnv(options: StackServeOptions): Record<string, string> {
  const { tokens } = options;
  return {
    REDIS_URL: options.redisUrl,
    VIGIL_REDIS_PREFIX: options.prefix,
    VIGIL_LOG_LEVEL: 'info',
    VIGIL_API_KEYS: `agent:${tokens.agent},noc:${tokens.noc},admin:${tokens.admin}`,
    VIGIL_SNMP_SIM_VERSION: '2c',
    VIGIL_SNMP_SIM_COMMUNITY: options.community,
    VIGIL_SNMP_SIM_WRITE_COMMUNITY: options.writeCommunity,
    VIGIL_TRAP_HOST: '127.0.0.1',
    VIGIL_TRAP_PORT: String(options.trapPort),
    VIGIL_PROBES_DIR: options.probesDir,
    VIGIL_POLL_SHARDS: String(options.pollShards),
    VIGIL_CONVERSATION_OPENS_PER_KEY_PER_MINUTE: String(options.opensPerKeyPerMinute),
    VIGIL_OUTAGE_SETTLE_SECONDS: String(options.settleSeconds),
    VIGIL_OUTAGE_RESOLVE_SECONDS: '2',
    // Load shedding off: the bench measures what the service serves and how fast; shedding would turn
    // the overload it is looking for into 503s (the floods drill measures shedding itself).
    VIGIL_SHED_EVENT_LOOP_DELAY_MS: '0',
    VIGIL_SHED_EVENT_LOOP_UTILIZATION: '0',
    VIGIL_SHED_MAX_WRITES_IN_FLIGHT: '0',
    VIGIL_HOST: '127.0.0.1',
    VIGIL_PORT: '0',
  };
}

/**
 * `vigil serve`: one process with every role, or the api in one and poller,worker in another (at the
 * niceness deploy/systemd gives them). Each is
 * pushed to `children` as soon as it runs, so the caller stops it whatever fails next.
 */
export async function startStackServe(
  options: StackServeOptions,
  children: BenchChild[],
): Promise<BenchChild[]> {
  const env = serveEnv(options);
  const nodeArgs = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
  const groups = options.split ? ['api', 'poller,worker'] : ['api,poller,worker'];
  const serve: BenchChild[] = [];
  for (const roles of groups) {
    const child = await startBenchChild(
      `vigil serve (${roles})`,
      ['serve', '--roles', roles],
      env,
      'vigil started',
      {
        nodeArgs,
      },
    );
    children.push(child);
    serve.push(child);
    // Split, the poller and worker run as their systemd units do; one process for all has the API's 0.
    if (roles !== 'api' && options.split) reniceProcess(child.pid, BULK_NICE);
    options.say(`service: vigil serve --roles ${roles} (pid ${child.pid})`);
  }
  return serve;
}
