import type { Command } from 'commander';
import { registerNotYetBuilt } from './not-yet-built.js';

// Placeholder until the inventory import lands; replaced by the real command.
export function registerInventoryCommands(program: Command): void {
  const inventory = program.command('inventory').description('inventory of subscribers, devices and sites');
  registerNotYetBuilt(
    inventory,
    'import <file>',
    'import JSON, NDJSON or CSV inventory',
    'the inventory module',
  );
}
