import type { Command } from 'commander';
import type { Logger } from '../platform/logger.js';
import type { Simulator } from '../sim/simulator.js';
import { parseHostPort, positiveInt } from './cli-parsers.js';

interface SimFlags {
  devices: number;
  inventoryOut?: string;
  controlPort: number;
  controlHost: string;
  scenario?: string;
  trapTarget?: string;
  fanout: number;
  seed: number;
  firstOctet: number;
  port: number;
  authProfile: string;
  staleShare: string;
  rebootSeconds: string;
  devicesPerProcess?: number;
  sharedSocket?: boolean;
  recordings?: string;
}

export function registerSimCommand(program: Command): void {
  program
    .command('sim')
    .description('serve a simulated fleet over real SNMP (v1/v2c/v3), with a control API for faults')
    .option('--devices <n>', 'devices in the fleet (base stations, access nodes, CPEs)', positiveInt, 1000)
    .option('--inventory-out <file>', 'write the matching inventory JSON here')
    .option('--control-port <port>', 'control API port (0 = any free port)', positiveIntOrZero, 8161)
    .option('--control-host <host>', 'control API address', '127.0.0.1')
    .option('--scenario <file>', 'scenario YAML of faults to inject')
    .option('--trap-target <host:port>', 'send traps (coldStart, linkDown, linkUp) here')
    .option('--fanout <n>', 'CPEs per base station or access node', positiveInt, 250)
    .option('--seed <n>', 'fleet seed: the same seed gives the same fleet', positiveIntOrZero, 1)
    .option('--first-octet <n>', 'devices get addresses from 127.<n>.0.1 on', positiveInt, 16)
    .option('--port <port>', 'UDP port every device listens on', positiveInt, 1161)
    .option(
      '--auth-profile <name>',
      'auth profile named in the inventory; its VIGIL_SNMP_<NAME>_* credentials are accepted',
      'sim',
    )
    .option('--stale-share <fraction>', 'share of CPEs up for 35-90 days', '0.05')
    .option('--reboot-seconds <s>', 'how long a rebooting device stays silent', '20')
    .option('--devices-per-process <n>', 'cap per process (default: from the open-file limit)', positiveInt)
    .option(
      '--shared-socket',
      'one socket per port answers for every device address, in one process (Linux; for large fleets)',
    )
    .option('--recordings <dir>', "serve each DIR/*.snmprec as a device too, at addresses after the fleet's")
    .action(runSim);
}

/** Starts the fleet and its control API, says where they are, and runs until SIGINT or SIGTERM. */
async function runSim(flags: SimFlags): Promise<void> {
  // Loaded here, not at the top: `vigil --help` and the other commands need none of it.
  const [{ createLogger }, { buildControlApi }, { loadScenario, playScenario }] = await Promise.all([
    import('../platform/logger.js'),
    import('../sim/control-api.js'),
    import('../sim/scenario.js'),
  ]);
  const log = createLogger({ name: 'vigil-sim', level: process.env.VIGIL_LOG_LEVEL ?? 'info' });
  const startedAt = performance.now();
  const simulator = await startSimulator(flags, log);
  if (flags.inventoryOut) {
    const { writeInventoryFile } = await import('../sim/write-inventory.js');
    writeInventoryFile(flags.inventoryOut, simulator.fleet.inventory);
  }
  // Written once, never read again: at a million devices the document is about 1 GB of heap.
  simulator.releaseInventory();
  const scenario = flags.scenario
    ? playScenario(loadScenario(flags.scenario, simulator.devices), simulator, (error) =>
        log.warn({ err: error }, 'scenario step failed'),
      )
    : undefined;
  const control = buildControlApi(simulator);
  const controlUrl = await control.listen({ port: flags.controlPort, host: flags.controlHost });
  logReady(log, simulator, flags, { controlUrl, startedAt });

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  scenario?.stop();
  await control.close();
  await simulator.close();
  log.info('simulator stopped');
}

async function startSimulator(flags: SimFlags, log: Logger): Promise<Simulator> {
  const [{ simCredentialsFromEnv }, { Simulator }, { loadRecordings }] = await Promise.all([
    import('../sim/sim-credentials.js'),
    import('../sim/simulator.js'),
    import('../sim/load-recordings.js'),
  ]);
  const loaded = flags.recordings ? await loadRecordings(flags.recordings, Date.now()) : undefined;
  for (const warning of loaded?.warnings ?? []) log.warn({ problem: warning }, 'recording repaired');
  return Simulator.start({
    devices: flags.devices,
    fanout: flags.fanout,
    seed: flags.seed,
    firstOctet: flags.firstOctet,
    port: flags.port,
    authProfile: flags.authProfile,
    staleShare: Number(flags.staleShare),
    credentials: simCredentialsFromEnv(flags.authProfile),
    rebootSilenceMs: Number(flags.rebootSeconds) * 1000,
    ...(flags.trapTarget ? { trapTarget: parseHostPort(flags.trapTarget, '--trap-target') } : {}),
    ...(flags.devicesPerProcess ? { devicesPerProcess: flags.devicesPerProcess } : {}),
    ...(flags.sharedSocket ? { sharedSocket: true } : {}),
    ...(loaded ? { recordings: loaded.recordings } : {}),
    log,
  });
}

function logReady(
  log: Logger,
  simulator: Simulator,
  flags: SimFlags,
  { controlUrl, startedAt }: { controlUrl: string; startedAt: number },
): void {
  const first = simulator.devices[0];
  const last = simulator.devices[simulator.devices.length - 1];
  log.info(
    {
      devices: simulator.devices.length,
      recordings: simulator.devices.filter((d) => d.model === 'recording').map((d) => `${d.id} ${d.host}`),
      processes: simulator.processCount,
      addresses: `${first?.host} .. ${last?.host} port ${flags.port}`,
      control: controlUrl,
      inventory: flags.inventoryOut,
      startMs: Math.round(performance.now() - startedAt),
      rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
    },
    'simulator ready',
  );
}

function positiveIntOrZero(raw: string): number {
  return raw === '0' ? 0 : positiveInt(raw);
}
