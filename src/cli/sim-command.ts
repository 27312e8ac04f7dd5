import type { Command } from 'commander';
import { registerNotYetBuilt } from './not-yet-built.js';

// Placeholder until the sim command lands; replaced by the real one.
export function registerSimCommand(program: Command): void {
  registerNotYetBuilt(program, 'sim', 'sim', 'the foundation issue');
}
