import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { positiveInt } from '../cli-parsers.js';

interface OutageBenchFlags {
  cpes: number;
  runs: number;
  quick?: boolean;
  interval: number;
  settle: number;
  lossPercent: number;
  lossIntervals: number;
  lossParents: number;
  firstOctet: number;
  port: number;
  json?: boolean;
}

async function outageBench(this: Command, flags: OutageBenchFlags): Promise<void> {
  const config = loadConfig();
  const floor = config.probeMinIntervalSeconds ?? 5;
  if (flags.quick && flags.interval < floor)
    this.error(
      `error: option '--interval <s>' argument '${flags.interval}' is invalid. a probe interval is ${floor} s at least, got "${flags.interval}"`,
    );
  if (flags.lossPercent > 100)
    this.error(`error: option '--loss-percent <n>' is a share of 100, got "${flags.lossPercent}"`);
  const { runOutageBench, formatOutageBench } = await import('../../bench/outage/index.js');
  const result = await runOutageBench(
    {
      redisUrl: config.redisUrl,
      probesDir: config.probesDir,
      pollShards: config.pollShards,
      ...(config.pollSyncEveryMs !== undefined ? { pollSyncEveryMs: config.pollSyncEveryMs } : {}),
      firstOctet: flags.firstOctet,
      port: flags.port,
      cpes: flags.cpes,
      runs: flags.runs,
      ...(flags.quick ? { quickIntervalSeconds: flags.interval } : {}),
      settleSeconds: flags.settle,
      lossPercent: flags.lossPercent,
      lossIntervals: flags.lossIntervals,
      lossParents: flags.lossParents,
    },
    (line) => process.stderr.write(`${line}\n`),
  );
  process.stdout.write(`${formatOutageBench(result)}\n`);
  if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** `vigil bench outage`: a base station's power cut → outage notice in a conversation, and loss without false outages. */
export function registerOutageBench(bench: Command): void {
  bench
    .command('outage')
    .description(
      'through `vigil serve` over `vigil sim` at production timing: base station power cut → outage notice in an open conversation, by polling alone and with traps; 30% packet loss without a false outage',
    )
    .option('--cpes <n>', 'CPEs (one subscriber each) under the base station', positiveInt, 50)
    .option('--runs <n>', 'power cuts per path (polling alone, traps)', positiveInt, 5)
    .option('--quick', 'every probe at --interval (1 s timeout, 1 retry) instead of the shipped timing')
    .option('--interval <s>', 'probe interval with --quick, seconds', positiveInt, 5)
    .option('--settle <s>', 'VIGIL_OUTAGE_SETTLE_SECONDS of the service (production: 90)', positiveInt, 90)
    .option('--loss-percent <n>', 'share of requests every device drops in the loss run', positiveInt, 30)
    .option('--loss-intervals <n>', 'longest poll intervals the loss run lasts', positiveInt, 5)
    .option(
      '--loss-parents <n>',
      'base stations and access nodes of the loss run, each with --cpes CPEs',
      positiveInt,
      10,
    )
    .option('--first-octet <n>', 'address block of the simulated fleet', positiveInt, 188)
    .option('--port <port>', 'UDP port of the simulated fleet', positiveInt, 1161)
    .option('--json', 'also print the result as JSON, as the last line')
    .action(outageBench);
}
