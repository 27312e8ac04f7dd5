import { loadProbes } from '../../src/probes/load-probes.js';
import type { Probe } from '../../src/probes/probe-types.js';

/** The probes in probes/, as a poller loads them; a test fails at once if they stop compiling. */
export async function loadShippedProbes(): Promise<ReadonlyMap<string, Probe>> {
  const loaded = await loadProbes('probes');
  if (!('probes' in loaded))
    throw new Error(`shipped probes do not compile: ${JSON.stringify(loaded.errors)}`);
  return loaded.probes;
}
