import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { BENCH_PHASES, type BenchPhase } from '../../bench/bench-phases.js';
import { loadConfig } from '../../config/load-config.js';
import { positiveInt } from '../cli-parsers.js';
import { phaseList } from './bench-parsers.js';

interface ConversationsBenchFlags {
  rate: number;
  seconds: number;
  sampleEvery: number;
  faultRepeats: number;
  outageSubscribers: number;
  open: number;
  interval: number;
  settle: number;
  phases: BenchPhase[];
  split?: boolean;
  cpuProfDir?: string;
  firstOctet: number;
  port: number;
  json?: boolean;
}

async function conversationsBench(this: Command, flags: ConversationsBenchFlags): Promise<void> {
  const config = loadConfig();
  // A probe allows 5 s at least, unless VIGIL_PROBE_MIN_INTERVAL_SECONDS (a fast-test knob) says less.
  const floor = config.probeMinIntervalSeconds ?? 5;
  if (flags.interval < floor)
    this.error(
      `error: option '--interval <s>' argument '${flags.interval}' is invalid. a probe interval is ${floor} s at least, got "${flags.interval}"`,
    );
  const { runConversationBench, formatConversationBench } = await import('../../bench/conversation/index.js');
  const result = await runConversationBench(
    {
      redisUrl: config.redisUrl,
      probesDir: config.probesDir,
      rate: flags.rate,
      seconds: flags.seconds,
      sampleEvery: flags.sampleEvery,
      faultRepeats: flags.faultRepeats,
      outageSubscribers: flags.outageSubscribers,
      open: flags.open,
      intervalSeconds: flags.interval,
      settleSeconds: flags.settle,
      pollShards: config.pollShards,
      ...(config.pollSyncEveryMs !== undefined ? { pollSyncEveryMs: config.pollSyncEveryMs } : {}),
      firstOctet: flags.firstOctet,
      port: flags.port,
      split: flags.split === true,
      ...(flags.cpuProfDir ? { cpuProfDir: resolve(flags.cpuProfDir) } : {}),
      phases: flags.phases,
    },
    (line) => process.stderr.write(`${line}\n`),
  );
  process.stdout.write(`${formatConversationBench(result)}\n`);
  if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** `vigil bench conversations`: the console's three figures through the HTTP API of `vigil serve`. */
export function registerConversationsBench(bench: Command): void {
  bench
    .command('conversations')
    .description(
      'through the HTTP API of `vigil serve` over `vigil sim`: open → snapshot latency, fault → suggestion latency (trap and poll paths), outage fan-out to open streams',
    )
    .option('--rate <n>', 'conversations opened per second (open-loop)', positiveInt, 200)
    .option('--seconds <n>', 'how long conversations are opened at --rate', positiveInt, 10)
    .option('--sample-every <n>', 'one open in n followed until its fresh-probe diagnosis', positiveInt, 10)
    .option('--fault-repeats <n>', 'faults per path (trap, poll), each on its own CPE', positiveInt, 20)
    .option(
      '--outage-subscribers <n>',
      'CPEs (one subscriber each) under the base station',
      positiveInt,
      10_000,
    )
    .option('--open <n>', 'conversations open, each with its stream, when it goes down', positiveInt, 2_000)
    .option('--interval <s>', 'probe interval of every device, seconds (5 at least)', positiveInt, 10)
    .option('--settle <s>', 'VIGIL_OUTAGE_SETTLE_SECONDS of the service', positiveInt, 2)
    // VIGIL_POLL_SHARDS and REDIS_URL come from the environment, as for vigil serve.
    .addOption(
      new Option('--phases <list>', 'phases to run, comma-separated')
        .argParser(phaseList)
        .default([...BENCH_PHASES], BENCH_PHASES.join(',')),
    )
    .option('--split', 'run the api role in one process and poller,worker in another')
    .option('--cpu-prof-dir <dir>', 'run vigil serve with --cpu-prof, profiles written here')
    .option('--first-octet <n>', 'address block of the simulated fleet', positiveInt, 185)
    .option('--port <port>', 'UDP port of the simulated fleet', positiveInt, 1161)
    .option('--json', 'also print the result as JSON, as the last line')
    .action(conversationsBench);
}
