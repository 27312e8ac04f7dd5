import type { Inventory } from '../../inventory/index.js';
import { startSimProcess, type SimProcess } from '../sim-process.js';
import type { PollBenchOptions } from './poll-bench-types.js';
import { targetsInventory } from './targets-inventory.js';

/** The devices to poll: the --targets file, or a simulator of --devices started for the run. */
export async function benchFleetSource(
  options: PollBenchOptions,
  say: (line: string) => void,
): Promise<{ inventory: Inventory; community: string; sim?: SimProcess }> {
  if (options.targetsFile)
    return { inventory: targetsInventory(options.targetsFile), community: options.community ?? 'public' };
  const sim = await startSimProcess({
    devices: options.devices,
    firstOctet: options.firstOctet,
    port: options.port,
  });
  say(`simulator up: ${options.devices} devices in ${sim.startSeconds.toFixed(1)} s (pid ${sim.pid})`);
  return { inventory: sim.inventory, community: options.community ?? sim.community, sim };
}
