import { readFileSync } from 'node:fs';
import type { Device, Inventory } from '../../inventory/index.js';

/** An inventory of the agents in a --targets file (`host[:port]` per line, # comments), auth profile `bench`. */
export function targetsInventory(file: string): Inventory {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const devices: Device[] = lines.map((line, i) => {
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(line);
    if (!match) throw new Error(`${file}:${i + 1}: expected host[:port], got "${line}"`);
    return {
      id: `target-${i + 1}`,
      kind: 'cpe',
      parentId: null,
      profile: 'generic',
      host: match[1] as string,
      port: Number(match[2] ?? 161),
      auth: 'bench',
    };
  });
  return { sites: [], devices, subscribers: [] };
}
