import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InventoryDocument } from '../sim/fleet-generator.js';

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
  const main = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  const started = performance.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      main,
      'sim',
      '--devices',
      String(options.devices),
      '--inventory-out',
      inventoryPath,
      '--control-port',
      '0',
      '--first-octet',
      String(options.firstOctet),
      '--port',
      String(options.port),
      '--stale-share',
      '0',
      ...(options.extraArgs ?? []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, VIGIL_SNMP_SIM_COMMUNITY: community } },
  );
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      let log = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('simulator ready')) resolve();
      });
      child.once('exit', (code) =>
        reject(new Error(`vigil sim exited with code ${code}: ${log.slice(-500)}`)),
      );
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const inventory = JSON.parse(readFileSync(inventoryPath, 'utf8')) as InventoryDocument;
  return {
    pid: child.pid as number,
    inventory,
    community,
    startSeconds: (performance.now() - started) / 1000,
    stop,
  };
}
