import type { Command } from 'commander';
import { registerNotYetBuilt } from './not-yet-built.js';

// Placeholder until the serve command lands; replaced by the real one.
export function registerServeCommand(program: Command): void {
  registerNotYetBuilt(program, 'serve', 'serve', 'the foundation issue');
}
