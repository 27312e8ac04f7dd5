import { readFileSync } from 'node:fs';
import type { Device, Inventory } from '../../inventory/index.js';

/**
 * An inventory of the agents in a --targets file, auth profile `bench`: `host[:port] [model]` per line,
 * # comments. Agents given the same model lend each other their table rows on the first cycle, as
 * devices of one model in an inventory do (src/polling/model-discoveries.ts); without one, each is walked.
 */
export function targetsInventory(file: string): Inventory {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const devices: Device[] = lines.map((line, i) => {
    const match = /^(\[[^\]]+\]|[^:\s]+)(?::(\d+))?(?:\s+(\S+))?$/.exec(line);
    if (!match) throw new Error(`${file}:${i + 1}: expected host[:port] [model], got "${line}"`);
    return {
      id: `target-${i + 1}`,
      kind: 'cpe',
      parentId: null,
      profile: 'generic',
      host: match[1] as string,
      port: Number(match[2] ?? 161),
      auth: 'bench',
      ...(match[3] ? { model: match[3] } : {}),
    };
  });
  return { sites: [], devices, subscribers: [] };
}
