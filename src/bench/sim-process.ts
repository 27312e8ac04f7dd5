import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InventoryDocument } from '../sim/fleet-generator.js';
import { startBenchChild, type BenchChild } from './bench-child.js';

export interface SimProcess {
  pid: number;
  inventory: InventoryDocument;
  community: string;
  startSeconds: number;
  stop(): Promise<void>;
}

/**
 * `vigil sim` as a process of its own, so a benchmark's measured process shares no CPU time with the
 * agents it polls; a community made for the run.
 */
export async function startSimProcess(options: {
  devices: number;
  firstOctet: number;
  port: number;
  extraArgs?: string[];
}): Promise<SimProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  const inventoryPath = join(dir, 'inventory.json');
  const community = `bench-${Math.random().toString(36).slice(2)}`;
  const started = performance.now();
  let child: BenchChild | undefined;
  const stop = async (): Promise<void> => {
    await child?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    child = await startBenchChild(
      'vigil sim',
      [
        'sim',
        ...['--devices', String(options.devices), '--inventory-out', inventoryPath],
        ...['--control-port', '0', '--first-octet', String(options.firstOctet)],
        ...['--port', String(options.port), '--stale-share', '0'],
        ...(options.extraArgs ?? []),
      ],
      // Its readiness is a log line at info.
      { VIGIL_SNMP_SIM_COMMUNITY: community, VIGIL_LOG_LEVEL: 'info' },
      'simulator ready',
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const inventory = JSON.parse(readFileSync(inventoryPath, 'utf8')) as InventoryDocument;
  return {
    pid: child.pid,
    inventory,
    community,
    startSeconds: (performance.now() - started) / 1000,
    stop,
  };
}
