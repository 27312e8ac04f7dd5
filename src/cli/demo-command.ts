import type { Command } from 'commander';
import { registerNotYetBuilt } from './not-yet-built.js';

// Placeholder until the demo command lands; replaced by the real one.
export function registerDemoCommand(program: Command): void {
  registerNotYetBuilt(program, 'demo', 'demo', 'the foundation issue');
}
