import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import type { InventoryDocument } from './fleet-generator.js';

const ROWS_PER_WRITE = 2_000;

/**
 * Writes the simulator's inventory as JSON, one record a line, a few thousand records at a time: a
 * million devices and their subscribers make ~400 MB of JSON, close to the longest string V8 can hold,
 * so the document is never one string. Written to a temporary name and renamed: never half a file.
 */
export function writeInventoryFile(path: string, inventory: InventoryDocument): void {
  const partial = `${path}.partial`;
  const fd = openSync(partial, 'w');
  try {
    const sections = Object.entries(inventory) as [string, unknown[]][];
    sections.forEach(([name, rows], s) => {
      writeSync(fd, `${s === 0 ? '{' : ','}\n ${JSON.stringify(name)}: [`);
      for (let i = 0; i < rows.length; i += ROWS_PER_WRITE) {
        const chunk = rows.slice(i, i + ROWS_PER_WRITE).map((row) => JSON.stringify(row));
        writeSync(fd, `${i === 0 ? '\n  ' : ',\n  '}${chunk.join(',\n  ')}`);
      }
      writeSync(fd, rows.length > 0 ? '\n ]' : ']');
    });
    writeSync(fd, '\n}\n');
  } finally {
    closeSync(fd);
  }
  renameSync(partial, path);
}
