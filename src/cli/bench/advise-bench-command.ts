import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { positiveInt } from '../cli-parsers.js';
import { share } from './bench-parsers.js';

interface AdviseBenchFlags {
  devices: number;
  outageChildren: number;
  faultyShare: number;
  idleSteps: number;
  json?: boolean;
}

async function adviseBench(flags: AdviseBenchFlags): Promise<void> {
  const config = loadConfig();
  const { runAdviseBench, formatAdviseBench } = await import('../../bench/advise/index.js');
  const { prefix: _prefix, ...result } = await runAdviseBench(
    {
      redisUrl: config.redisUrl,
      playbooksDir: config.playbooksDir,
      pollShards: config.pollShards,
      devices: flags.devices,
      outageChildren: flags.outageChildren,
      faultyShare: flags.faultyShare,
      idleSteps: flags.idleSteps,
    },
    (line) => process.stderr.write(`${line}\n`),
  );
  process.stdout.write(`${formatAdviseBench(result)}\n`);
  if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** `vigil bench advise`: the advisor on a simulated fleet's inventory, no SNMP. */
export function registerAdviseBench(bench: Command): void {
  bench
    .command('advise')
    .description(
      "the advisor on a simulated fleet's inventory (no SNMP): prime, the first plan of the faulty CPEs, one parent's outage opened and resolved, idle steps",
    )
    .option('--devices <n>', 'fleet size', positiveInt, 100_000)
    .option(
      '--outage-children <n>',
      'CPEs under each parent: the subtree the outage takes down',
      positiveInt,
      500,
    )
    .option(
      '--faulty-share <share>',
      'share of CPEs with a single-device finding (stale_uptime, error_rate)',
      share,
      0.01,
    )
    .option('--idle-steps <n>', 'idle steps timed', positiveInt, 10)
    .option('--json', 'also print the result as JSON, as the last line')
    .action(adviseBench);
}
