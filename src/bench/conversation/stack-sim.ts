import { readFileSync } from 'node:fs';
import type { InventoryDocument } from '../../sim/fleet-generator.js';
import { startBenchChild, type BenchChild } from '../bench-child.js';

export interface StackSim {
  sim: BenchChild;
  controlUrl: string;
  inventory: InventoryDocument;
  /** The inventory file as the simulator wrote it, for PUT /v1/inventory. */
  inventoryText: string;
  parentId: string;
}

/** `vigil sim`: one base station with `cpes` CPEs under it, its traps to the service's trap port. */
export async function startStackSim(options: {
  cpes: number;
  /** Parents (base stations and access nodes, alternately), each with `cpes` CPEs; default 1. */
  parents?: number;
  firstOctet: number;
  port: number;
  trapPort: number;
  /** Send traps to the service (default true). */
  traps?: boolean;
  inventoryPath: string;
  env: Record<string, string>;
  say: (line: string) => void;
}): Promise<StackSim> {
  const sim = await startBenchChild(
    'vigil sim',
    [
      'sim',
      ...['--devices', String((options.parents ?? 1) * (options.cpes + 1)), '--fanout', String(options.cpes)],
      ...['--stale-share', '0', '--inventory-out', options.inventoryPath, '--control-port', '0'],
      ...['--first-octet', String(options.firstOctet), '--port', String(options.port)],
      ...(options.traps === false ? [] : ['--trap-target', `127.0.0.1:${options.trapPort}`]),
    ],
    { ...options.env, VIGIL_LOG_LEVEL: 'info' },
    'simulator ready',
  );
  options.say(
    `simulator: ${String(sim.ready.devices)} devices at ${String(sim.ready.addresses)} in ${String(sim.ready.startMs)} ms (pid ${sim.pid})`,
  );
  const inventoryText = readFileSync(options.inventoryPath, 'utf8');
  const inventory = JSON.parse(inventoryText) as InventoryDocument;
  const parent = inventory.devices.find((d) => d.parentId === null);
  if (!parent) {
    await sim.stop();
    throw new Error('the generated fleet has no parent device');
  }
  return { sim, controlUrl: String(sim.ready.control), inventory, inventoryText, parentId: parent.id };
}
