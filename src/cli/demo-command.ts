import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { ChildService } from '../demo/child-service.js';
import type { RedisEndpoint } from '../platform/private-redis.js';
import { createStatusLine, type StatusLine } from '../demo/status-line.js';
import { positiveInt } from './cli-parsers.js';

interface DemoFlags {
  devices: number;
  once?: boolean;
  port: number;
  controlPort: number;
  firstOctet: number;
  trapPort: number;
}

const SCENARIO = fileURLToPath(new URL('../../scenarios/demo.yaml', import.meta.url));
const secret = (): string => randomBytes(18).toString('base64url');

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('the main job: simulator + service + a scripted story through the public API')
    .option('--devices <n>', 'simulated fleet size', positiveInt, 2000)
    .option('--once', 'play the story and exit 0 (for tests and CI)')
    .option('--port <port>', 'HTTP port of the service', positiveInt, 8080)
    .option('--control-port <port>', 'simulator control API port', positiveInt, 8161)
    .option('--first-octet <n>', 'simulated devices live at 127.<n>.0.1 and up', positiveInt, 60)
    .option('--trap-port <port>', "where the service receives the simulator's traps", positiveInt, 10162)
    .action(demo);
}

/** What every step of one demo run shares, and what the cleanup must undo. */
interface DemoRun {
  flags: DemoFlags;
  screen: StatusLine;
  say: (line: string) => void;
  redis: RedisEndpoint;
  workDir: string;
  envFile: string;
  /** Started children, stopped in reverse order. */
  children: ChildService[];
  wroteEnvFile: boolean;
  stopSignal: Promise<'stopped'>;
}

async function demo(flags: DemoFlags): Promise<void> {
  const { ensureRedis } = await import('../platform/private-redis.js');
  // The story's lines scroll; the live numbers stay on one line at the bottom of a terminal.
  const screen = createStatusLine(process.stdout);
  const workDir = mkdtempSync(join(tmpdir(), 'vigil-demo-'));
  const redis = await ensureRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const run: DemoRun = {
    flags,
    screen,
    say: screen.say,
    redis,
    workDir,
    envFile: resolve('.vigil', 'demo.env'),
    children: [],
    wroteEnvFile: false,
    stopSignal: new Promise<'stopped'>((done) => {
      process.once('SIGINT', () => done('stopped'));
      process.once('SIGTERM', () => done('stopped'));
    }),
  };
  try {
    await runDemo(run);
  } finally {
    screen.stop();
    if (run.wroteEnvFile) rmSync(run.envFile, { force: true });
    for (const child of run.children.reverse()) await child.stop();
    await redis.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Starts the simulator and the service, tells the story, then (without --once) runs until Ctrl-C. */
async function runDemo(run: DemoRun): Promise<void> {
  const { flags, say, redis } = run;
  say(`Vigil demo — Redis at ${redis.url}${redis.private ? ' (private, stopped at the end)' : ''}`);
  const { env, ...keys } = demoEnv(flags, redis.url);
  const inventoryPath = join(run.workDir, 'inventory.json');
  // Each run starts from a clean slate: the demo's keys live under their own prefix.
  await clearPrefix(redis.url, env.VIGIL_REDIS_PREFIX as string);
  const { simUrl, apiUrl } = await startChildren(run, env, inventoryPath);
  // Everything needed to follow along goes out before the story, not after its minute.
  run.wroteEnvFile = announceFollowAlong(flags, say, {
    ...keys,
    envFile: run.envFile,
    apiUrl,
    simUrl,
    redisUrl: redis.url,
    prefix: env.VIGIL_REDIS_PREFIX as string,
  });
  say('');

  const { startProgressView } = await import('../demo/progress-view.js');
  const stopProgress = startProgressView(apiUrl, keys.nocKey, run.screen.status);
  if (!(await tellStory(run, { ...keys, apiUrl, simUrl, inventoryPath }))) {
    stopProgress();
    say('Stopped during the story.');
    return;
  }
  if (flags.once) {
    stopProgress();
    run.screen.stop();
    say('Demo finished.');
    return;
  }
  sayRunning(say, run.envFile, apiUrl);
  await run.stopSignal;
  stopProgress();
}

async function startChildren(
  run: DemoRun,
  env: Record<string, string>,
  inventoryPath: string,
): Promise<{ simUrl: string; apiUrl: string }> {
  const { startChildService } = await import('../demo/child-service.js');
  const { flags, say } = run;
  say(`Starting the simulator: ${flags.devices} devices over real SNMP, faults from scenarios/demo.yaml`);
  const sim = await startChildService('vigil sim', simArgs(flags, inventoryPath), env, 'simulator ready');
  run.children.push(sim);
  say(
    `   ${String(sim.ready.devices)} devices at ${String(sim.ready.addresses)}, ready in ${String(sim.ready.startMs)} ms; control API ${String(sim.ready.control)}`,
  );

  say('Starting the service: vigil serve');
  const service = await startChildService(
    'vigil serve',
    ['serve', '--port', String(flags.port)],
    env,
    'vigil started',
  );
  run.children.push(service);
  const apiUrl = String(service.ready.url);
  say(`   API ${apiUrl} (OpenAPI at ${apiUrl}/docs)`);
  return { simUrl: String(sim.ready.control), apiUrl };
}

interface DemoKeys {
  adminKey: string;
  nocKey: string;
  agentKey: string;
}

/** Plays the story through the public API; false when Ctrl-C came first. */
async function tellStory(
  run: DemoRun,
  {
    apiUrl,
    simUrl,
    inventoryPath,
    adminKey,
    nocKey,
    agentKey,
  }: DemoKeys & {
    apiUrl: string;
    simUrl: string;
    inventoryPath: string;
  },
): Promise<boolean> {
  const [{ createApiClient }, { playDemoStory }] = await Promise.all([
    import('../demo/api-client.js'),
    import('../demo/demo-story.js'),
  ]);
  // Ctrl-C during the story stops the demo as cleanly as after it: children stopped, env file gone.
  const story = playDemoStory({
    api: createApiClient(apiUrl, adminKey),
    noc: createApiClient(apiUrl, nocKey),
    agent: { ...createApiClient(apiUrl, agentKey), url: apiUrl, token: agentKey },
    simControlUrl: simUrl,
    inventoryPath,
    say: run.say,
  });
  if ((await Promise.race([story.then(() => 'told' as const), run.stopSignal])) === 'told') return true;
  story.catch(() => undefined);
  return false;
}

async function clearPrefix(url: string, prefix: string): Promise<void> {
  const [{ createRedisConnection }, { deleteKeyPrefix }] = await Promise.all([
    import('../platform/redis-connection.js'),
    import('../platform/delete-key-prefix.js'),
  ]);
  const client = createRedisConnection(url, 'worker', 'vigil-demo');
  try {
    await deleteKeyPrefix(client, prefix);
  } finally {
    client.disconnect();
  }
}

function writeEnvFile(path: string, values: Record<string, string>): void {
  rmSync(path, { force: true });
  mkdirSync(resolve(path, '..'), { recursive: true });
  writeFileSync(
    path,
    Object.entries(values)
      .map(([k, v]) => `export ${k}='${v}'\n`)
      .join(''),
    { mode: 0o600 },
  );
}

/** Credentials made for this run only: the simulator and the service get the same ones. */
function demoEnv(flags: DemoFlags, redisUrl: string) {
  const adminKey = secret();
  const nocKey = secret();
  const agentKey = secret();
  const env: Record<string, string> = {
    REDIS_URL: redisUrl,
    VIGIL_REDIS_PREFIX: process.env.VIGIL_REDIS_PREFIX ?? 'vigil-demo',
    VIGIL_LOG_LEVEL: 'info',
    VIGIL_API_KEYS: `admin:${adminKey},noc:${nocKey},agent:${agentKey}`,
    VIGIL_SNMP_SIM_VERSION: '2c',
    VIGIL_SNMP_SIM_COMMUNITY: secret(),
    VIGIL_SNMP_SIM_WRITE_COMMUNITY: secret(),
    VIGIL_TRAP_PORT: String(flags.trapPort),
    // A demo cannot wait minutes: outages open and resolve within seconds (production: 90 s and 60 s).
    VIGIL_OUTAGE_SETTLE_SECONDS: '5',
    VIGIL_OUTAGE_RESOLVE_SECONDS: '5',
  };
  return { env, adminKey, nocKey, agentKey };
}

function simArgs(flags: DemoFlags, inventoryPath: string): string[] {
  return [
    'sim',
    '--devices',
    String(flags.devices),
    '--inventory-out',
    inventoryPath,
    '--control-port',
    String(flags.controlPort),
    '--first-octet',
    String(flags.firstOctet),
    '--scenario',
    SCENARIO,
    '--reboot-seconds',
    '8',
    '--stale-share',
    '0.03',
    '--trap-target',
    `127.0.0.1:${flags.trapPort}`,
  ];
}

interface FollowAlong extends DemoKeys {
  envFile: string;
  apiUrl: string;
  simUrl: string;
  redisUrl: string;
  prefix: string;
}

/** Where to watch, and (without --once) the keys in demo.env; true when the env file was written. */
function announceFollowAlong(flags: DemoFlags, say: (line: string) => void, f: FollowAlong): boolean {
  if (flags.once) {
    say(
      `   The console: ${f.apiUrl}/console/ (keys are made per run; without --once they go to .vigil/demo.env)`,
    );
    return false;
  }
  writeEnvFile(f.envFile, {
    VIGIL_URL: f.apiUrl,
    VIGIL_ADMIN_KEY: f.adminKey,
    VIGIL_NOC_KEY: f.nocKey,
    VIGIL_AGENT_KEY: f.agentKey,
    VIGIL_SIM_URL: f.simUrl,
    // The Redis and prefix the service uses: `vigil explain` and `vigil inventory` read them too.
    REDIS_URL: f.redisUrl,
    VIGIL_REDIS_PREFIX: f.prefix,
  });
  say(
    `   The console: ${f.apiUrl}/console/ (paste $VIGIL_AGENT_KEY for the agent view, $VIGIL_NOC_KEY for NOC)`,
  );
  say(
    `   API keys, REDIS_URL and VIGIL_REDIS_PREFIX are in ${f.envFile} (mode 600): source it in another shell`,
  );
  return true;
}

function sayRunning(say: (line: string) => void, envFile: string, apiUrl: string): void {
  say('');
  say(`Running. Source ${envFile}, then for example`);
  say('   curl -H "authorization: Bearer $VIGIL_NOC_KEY" "$VIGIL_URL/v1/devices?kind=base_station"');
  say('   curl -H "authorization: Bearer $VIGIL_NOC_KEY" "$VIGIL_URL/metrics"');
  say('   npx vigil explain --subscriber sub-000042');
  say(`The console: ${apiUrl}/console/ (paste $VIGIL_AGENT_KEY for the agent view, $VIGIL_NOC_KEY for NOC)`);
  say('Press Ctrl-C to stop.');
}
