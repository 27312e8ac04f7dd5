import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { positiveInt } from '../cli-parsers.js';

interface FleetBenchFlags {
  devices: number;
  interval: number;
  cycles: number;
  fanout: number;
  opensRate: number;
  opensSeconds: number;
  pollers: number;
  firstOctet: number;
  port: number;
  sharedSocket?: boolean;
  redisMasters: number;
  json?: boolean;
}

async function fleetBench(this: Command, flags: FleetBenchFlags): Promise<void> {
  const config = loadConfig();
  // A probe allows 5 s at least, unless VIGIL_PROBE_MIN_INTERVAL_SECONDS (a fast-test knob) says less.
  const floor = config.probeMinIntervalSeconds ?? 5;
  if (flags.interval < floor)
    this.error(
      `error: option '--interval <s>' argument '${flags.interval}' is invalid. a probe interval is ${floor} s at least`,
    );
  if (flags.redisMasters === 2)
    this.error(
      "error: option '--redis-masters <n>' argument '2' is invalid. 1 (one redis-server) or 3 at least (a cluster)",
    );
  if (flags.devices < 2)
    this.error(`error: option '--devices <n>' argument '${flags.devices}' is invalid. 2 at least`);
  const { runFleetBench, formatFleetBench } = await import('../../bench/fleet/index.js');
  const result = await runFleetBench(
    {
      devices: flags.devices,
      intervalSeconds: flags.interval,
      cycles: flags.cycles,
      fanout: flags.fanout,
      opensRate: flags.opensRate,
      opensSeconds: flags.opensSeconds,
      pollers: flags.pollers,
      pollShards: config.pollShards,
      probesDir: config.probesDir,
      firstOctet: flags.firstOctet,
      port: flags.port,
      sharedSocket: flags.sharedSocket === true,
      redisMasters: flags.redisMasters,
    },
    (line) => process.stderr.write(`${line}\n`),
  );
  process.stdout.write(`${formatFleetBench(result)}\n`);
  if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** `vigil bench fleet`: a whole fleet polled on this machine, simulator and service by role, steady state. */
export function registerFleetBench(bench: Command): void {
  bench
    .command('fleet')
    .description(
      '`vigil sim` and `vigil serve` (api, pollers, worker) over a private Redis (one server, or a cluster with --redis-masters): schedule lag, polls/s, CPU and memory per role, Redis memory, open → snapshot, over several intervals',
    )
    .option('--devices <n>', 'fleet size', positiveInt, 100_000)
    .option('--interval <s>', 'probe interval of every device, seconds', positiveInt, 300)
    .option('--cycles <n>', 'intervals measured after the first full cycle', positiveInt, 2)
    .option('--fanout <n>', 'CPEs per base station or access node', positiveInt, 250)
    .option(
      '--opens-rate <n>',
      'conversations opened per second during the measured cycles',
      positiveInt,
      200,
    )
    .option('--opens-seconds <n>', 'for how long conversations are opened', positiveInt, 10)
    .option('--pollers <n>', 'poller processes', positiveInt, 1)
    .option(
      '--first-octet <n>',
      'address block of the fleet (a million devices take 16 blocks)',
      positiveInt,
      100,
    )
    .option('--port <port>', 'UDP port of the fleet', positiveInt, 1171)
    .option(
      '--shared-socket',
      'the simulator answers for every device through one socket (`vigil sim --shared-socket`)',
    )
    .option(
      '--redis-masters <n>',
      'Redis masters: 1, one redis-server; 3 or more, a Redis Cluster on this machine, figures per master',
      positiveInt,
      1,
    )
    .option('--json', 'also print the result as JSON, as the last line')
    .action(fleetBench);
}
