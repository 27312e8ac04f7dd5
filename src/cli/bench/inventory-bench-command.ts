import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { positiveInt } from '../cli-parsers.js';

/** `vigil bench inventory`: the simulated fleet's inventory imported twice, timed. */
export function registerInventoryBench(bench: Command): void {
  bench
    .command('inventory')
    .description("import the simulated fleet's inventory twice (first, then idempotent) and time it")
    .option('--devices <n>', 'fleet size', positiveInt, 100_000)
    .action(async (flags: { devices: number }) => {
      const { runInventoryBench } = await import('../../bench/inventory-bench.js');
      const result = await runInventoryBench(loadConfig().redisUrl, flags.devices);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });
}
