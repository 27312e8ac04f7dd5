import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ChildService } from '../demo/child-service.js';
import { demoEnv, simArgs, writeEnvFile } from '../demo/demo-env.js';
import type { DemoPeers } from '../demo/demo-peers.js';
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
  /** The SMS centre and Alertmanager, stopped after the children. */
  peers?: DemoPeers;
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
    await run.peers?.stop();
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
  const { simUrl, apiUrl, alertmanagerUrl } = await startChildren(run, env, inventoryPath);
  // Everything needed to follow along goes out before the story, not after its minute.
  run.wroteEnvFile = announceFollowAlong(flags, say, {
    ...keys,
    envFile: run.envFile,
    apiUrl,
    simUrl,
    redisUrl: redis.url,
    prefix: env.VIGIL_REDIS_PREFIX as string,
    alertmanagerUrl,
  });
  say('');

  const { startProgressView } = await import('../demo/progress-view.js');
  const stopProgress = startProgressView(apiUrl, keys.nocKey, run.screen.status);
  const told = await tellStory(run, { ...keys, apiUrl, simUrl, inventoryPath, alertmanagerUrl });
  if (!told) {
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
  sayRunning(say, run.envFile, apiUrl, { alertmanagerUrl, outageId: told.outageId });
  await run.stopSignal;
  stopProgress();
}

async function startChildren(
  run: DemoRun,
  env: Record<string, string>,
  inventoryPath: string,
): Promise<{ simUrl: string; apiUrl: string; alertmanagerUrl?: string }> {
  const [{ startChildService }, { startDemoPeers }] = await Promise.all([
    import('../demo/child-service.js'),
    import('../demo/demo-peers.js'),
  ]);
  const { flags, say } = run;
  say(`Starting the simulator: ${flags.devices} devices over real SNMP, faults from scenarios/demo.yaml`);
  mkdirSync(resolve('.vigil'), { recursive: true });
  // The SMS centre and Alertmanager start while the simulator does: the service needs their addresses.
  const [simStart, peersStart] = await Promise.allSettled([
    startChildService('vigil sim', simArgs(flags, inventoryPath), env, 'simulator ready'),
    startDemoPeers(mkdtempSync(join(resolve('.vigil'), 'alertmanager-'))),
  ]);
  if (simStart.status === 'fulfilled') run.children.push(simStart.value);
  if (peersStart.status === 'fulfilled') run.peers = peersStart.value;
  for (const started of [simStart, peersStart]) if (started.status === 'rejected') throw started.reason;
  const { sms, alertmanager } = run.peers as DemoPeers;
  const sim = (simStart as PromiseFulfilledResult<ChildService>).value;
  say(
    `   ${String(sim.ready.devices)} devices at ${String(sim.ready.addresses)}, ready in ${String(sim.ready.startMs)} ms; control API ${String(sim.ready.control)}`,
  );

  say(`   SMS centre ${sms.url} (the npm smpp package's server, in this process): outage SMS go there`);
  if (alertmanager)
    say(`   Alertmanager ${alertmanager.url} (Debian's prometheus-alertmanager, private to the demo)`);

  say('Starting the service: vigil serve');
  const service = await startChildService(
    'vigil serve',
    ['serve', '--port', String(flags.port)],
    { ...env, ...run.peers?.env },
    'vigil started',
  );
  run.children.push(service);
  const apiUrl = String(service.ready.url);
  say(`   API ${apiUrl} (OpenAPI at ${apiUrl}/docs)`);
  return {
    simUrl: String(sim.ready.control),
    apiUrl,
    ...(alertmanager ? { alertmanagerUrl: alertmanager.url } : {}),
  };
}

interface DemoKeys {
  adminKey: string;
  nocKey: string;
  agentKey: string;
}

/** Plays the story through the public API; what it showed, or false when Ctrl-C came first. */
async function tellStory(
  run: DemoRun,
  {
    apiUrl,
    simUrl,
    inventoryPath,
    adminKey,
    nocKey,
    agentKey,
    alertmanagerUrl,
  }: DemoKeys & {
    apiUrl: string;
    simUrl: string;
    inventoryPath: string;
    alertmanagerUrl?: string | undefined;
  },
): Promise<{ outageId?: string } | false> {
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
    ...(alertmanagerUrl ? { alertmanagerUrl } : {}),
    say: run.say,
  });
  const ended = await Promise.race([story, run.stopSignal]);
  if (ended !== 'stopped') return ended;
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

interface FollowAlong extends DemoKeys {
  envFile: string;
  apiUrl: string;
  simUrl: string;
  redisUrl: string;
  prefix: string;
  alertmanagerUrl?: string | undefined;
}

/** Where to watch, and (without --once) the keys in demo.env; true when the env file was written. */
function announceFollowAlong(flags: DemoFlags, say: (line: string) => void, f: FollowAlong): boolean {
  if (f.alertmanagerUrl)
    say(`   Alertmanager: ${f.alertmanagerUrl}/#/alerts (the outage's alert shows there)`);
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
    ...(f.alertmanagerUrl ? { VIGIL_ALERTMANAGER_URL: f.alertmanagerUrl } : {}),
  });
  say(
    `   The console: ${f.apiUrl}/console/ (paste $VIGIL_AGENT_KEY for the agent view, $VIGIL_NOC_KEY for NOC)`,
  );
  say(
    `   API keys, REDIS_URL and VIGIL_REDIS_PREFIX are in ${f.envFile} (mode 600): source it in another shell`,
  );
  return true;
}

function sayRunning(
  say: (line: string) => void,
  envFile: string,
  apiUrl: string,
  shown: { alertmanagerUrl?: string | undefined; outageId?: string | undefined },
): void {
  say('');
  say(`Running. Source ${envFile}, then for example`);
  say('   curl -H "authorization: Bearer $VIGIL_NOC_KEY" "$VIGIL_URL/v1/devices?kind=base_station"');
  say('   curl -H "authorization: Bearer $VIGIL_NOC_KEY" "$VIGIL_URL/metrics"');
  say('   npx vigil explain --subscriber sub-000042');
  if (shown.outageId)
    say(`   curl -H "authorization: Bearer $VIGIL_NOC_KEY" "$VIGIL_URL/v1/incidents/${shown.outageId}/sms"`);
  if (shown.alertmanagerUrl)
    say('   curl "$VIGIL_ALERTMANAGER_URL/api/v2/alerts"   # Alertmanager: open the URL in a browser too');
  say(`The console: ${apiUrl}/console/ (paste $VIGIL_AGENT_KEY for the agent view, $VIGIL_NOC_KEY for NOC)`);
  say('Press Ctrl-C to stop.');
}
