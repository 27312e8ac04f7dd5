import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { ChildService } from '../demo/child-service.js';
import { createStatusLine } from '../demo/status-line.js';
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

async function demo(flags: DemoFlags): Promise<void> {
  const [
    { ensureRedis },
    { createApiClient },
    { startChildService },
    { playDemoStory },
    { startProgressView },
  ] = await Promise.all([
    import('../platform/private-redis.js'),
    import('../demo/api-client.js'),
    import('../demo/child-service.js'),
    import('../demo/demo-story.js'),
    import('../demo/progress-view.js'),
  ]);
  // The story's lines scroll; the live numbers stay on one line at the bottom of a terminal.
  const screen = createStatusLine(process.stdout);
  const say = screen.say;
  const workDir = mkdtempSync(join(tmpdir(), 'vigil-demo-'));
  const children: ChildService[] = [];
  const redis = await ensureRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const envFile = resolve('.vigil', 'demo.env');
  const stopSignal = new Promise<'stopped'>((done) => {
    process.once('SIGINT', () => done('stopped'));
    process.once('SIGTERM', () => done('stopped'));
  });
  let wroteEnvFile = false;
  const cleanup = async (): Promise<void> => {
    screen.stop();
    if (wroteEnvFile) rmSync(envFile, { force: true });
    for (const child of children.reverse()) await child.stop();
    await redis.stop();
    rmSync(workDir, { recursive: true, force: true });
  };

  try {
    say(`Vigil demo — Redis at ${redis.url}${redis.private ? ' (private, stopped at the end)' : ''}`);
    // Credentials made for this run only: the simulator and the service get the same ones.
    const adminKey = secret();
    const nocKey = secret();
    const agentKey = secret();
    const env: Record<string, string> = {
      REDIS_URL: redis.url,
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
    const inventoryPath = join(workDir, 'inventory.json');
    // Each run starts from a clean slate: the demo's keys live under their own prefix.
    await clearPrefix(redis.url, env.VIGIL_REDIS_PREFIX as string);

    say(`Starting the simulator: ${flags.devices} devices over real SNMP, faults from scenarios/demo.yaml`);
    const sim = await startChildService(
      'vigil sim',
      [
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
      ],
      env,
      'simulator ready',
    );
    children.push(sim);
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
    children.push(service);
    const apiUrl = String(service.ready.url);
    say(`   API ${apiUrl} (OpenAPI at ${apiUrl}/docs)`);
    // Everything needed to follow along goes out before the story, not after its minute.
    if (!flags.once) {
      writeEnvFile(envFile, {
        VIGIL_URL: apiUrl,
        VIGIL_ADMIN_KEY: adminKey,
        VIGIL_NOC_KEY: nocKey,
        VIGIL_AGENT_KEY: agentKey,
        VIGIL_SIM_URL: String(sim.ready.control),
        // The Redis and prefix the service uses: `vigil explain` and `vigil inventory` read them too.
        REDIS_URL: redis.url,
        VIGIL_REDIS_PREFIX: env.VIGIL_REDIS_PREFIX as string,
      });
      wroteEnvFile = true;
      say(
        `   The console: ${apiUrl}/console/ (paste $VIGIL_AGENT_KEY for the agent view, $VIGIL_NOC_KEY for NOC)`,
      );
      say(
        `   API keys, REDIS_URL and VIGIL_REDIS_PREFIX are in ${envFile} (mode 600): source it in another shell`,
      );
    } else {
      say(
        `   The console: ${apiUrl}/console/ (keys are made per run; without --once they go to .vigil/demo.env)`,
      );
    }
    say('');

    const stopProgress = startProgressView(apiUrl, nocKey, screen.status);
    // Ctrl-C during the story stops the demo as cleanly as after it: children stopped, env file gone.
    const story = playDemoStory({
      api: createApiClient(apiUrl, adminKey),
      noc: createApiClient(apiUrl, nocKey),
      agent: { ...createApiClient(apiUrl, agentKey), url: apiUrl, token: agentKey },
      simControlUrl: String(sim.ready.control),
      inventoryPath,
      say,
    });
    if ((await Promise.race([story.then(() => 'told' as const), stopSignal])) !== 'told') {
      story.catch(() => undefined);
      stopProgress();
      say('Stopped during the story.');
      return;
    }

    if (flags.once) {
      stopProgress();
      screen.stop();
      say('Demo finished.');
      return;
    }
    say('');
    say(`Running. Source ${envFile}, then for example`);
    say('   curl -H "authorization: Bearer $VIGIL_NOC_KEY" "$VIGIL_URL/v1/devices?kind=base_station"');
    say('   curl -H "authorization: Bearer $VIGIL_NOC_KEY" "$VIGIL_URL/metrics"');
    say('   npx vigil explain --subscriber sub-000042');
    say(
      `The console: ${apiUrl}/console/ (paste $VIGIL_AGENT_KEY for the agent view, $VIGIL_NOC_KEY for NOC)`,
    );
    say('Press Ctrl-C to stop.');
    await stopSignal;
    stopProgress();
  } finally {
    await cleanup();
  }
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
