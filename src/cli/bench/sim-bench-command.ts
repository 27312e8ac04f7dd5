import type { Command } from 'commander';
import { positiveInt } from '../cli-parsers.js';
import { progressTo } from './bench-parsers.js';

interface SimBenchFlags {
  devices: number;
  concurrency: number;
  seconds: number;
  firstOctet: number;
  port: number;
  sharedSocket?: boolean;
  json?: boolean;
}

/** `vigil bench sim`: the simulator's start time, memory and GETs answered a second. */
export function registerSimBench(bench: Command): void {
  bench
    .command('sim')
    .description(
      'start `vigil sim`, measure its start time and memory, and how many 7-varbind GETs/s it answers',
    )
    .option('--devices <n>', 'fleet size', positiveInt, 10_000)
    .option('--concurrency <n>', 'requests in flight (one device each)', positiveInt, 200)
    .option('--seconds <n>', 'load duration', positiveInt, 10)
    .option('--first-octet <n>', 'address block of the benchmark fleet', positiveInt, 200)
    .option('--port <port>', 'UDP port of the benchmark fleet', positiveInt, 1161)
    .option('--shared-socket', 'one socket for every device (`vigil sim --shared-socket`)')
    .option('--json', 'print only the JSON result')
    .action(async (flags: SimBenchFlags) => {
      const { runSimBench } = await import('../../bench/sim-bench.js');
      const result = await runSimBench(flags, progressTo(flags.json));
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });
}
