import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { positiveInt } from '../cli-parsers.js';

interface FuzzBenchFlags {
  datagrams: number;
  rate: number;
  answers: number;
  devices: number;
  seed: number;
  firstOctet: number;
  json?: boolean;
}

async function fuzzBench(flags: FuzzBenchFlags): Promise<void> {
  const config = loadConfig();
  const { runFuzzBench, formatFuzzBench } = await import('../../bench/fuzz/index.js');
  const result = await runFuzzBench(
    {
      redisUrl: config.redisUrl,
      probesDir: config.probesDir,
      datagrams: flags.datagrams,
      rate: flags.rate,
      answers: flags.answers,
      devices: flags.devices,
      seed: flags.seed,
      firstOctet: flags.firstOctet,
      // Polled every 5 s, or at the probe floor when a fast test lowers it.
      ...(config.probeMinIntervalSeconds !== undefined
        ? { pollIntervalSeconds: config.probeMinIntervalSeconds }
        : {}),
    },
    (line) => process.stderr.write(`${line}\n`),
  );
  process.stdout.write(`${formatFuzzBench(result)}\n`);
  if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  const clean = !result.service.crashed && result.service.escapes === 0 && result.decoder.escapes === 0;
  process.exitCode = clean ? 0 : 1;
}

/** `vigil bench fuzz`: the long fuzz run against a running serve. */
export function registerFuzzBench(bench: Command): void {
  bench
    .command('fuzz')
    .description(
      "the long fuzz run: mutated datagrams at a running serve's trap port and hostile devices for its pollers; crashes, escapes, health, memory",
    )
    .option('--datagrams <n>', 'mutated datagrams at the trap port', positiveInt, 1_000_000)
    .option('--rate <n>', 'datagrams a second at the trap port', positiveInt, 5_000)
    .option('--answers <n>', 'hostile answers the pollers must meet', positiveInt, 100_000)
    .option('--devices <n>', 'hostile devices in the inventory', positiveInt, 2_000)
    .option('--seed <n>', 'seed of the mutations (the same seed, the same datagrams)', positiveInt, 20261202)
    .option('--first-octet <n>', 'address block of the hostile agents', positiveInt, 199)
    .option('--json', 'print the JSON result too')
    .action(fuzzBench);
}
