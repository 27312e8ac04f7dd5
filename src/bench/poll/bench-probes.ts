import { loadProbes } from '../../probes/load-probes.js';
import type { Probe } from '../../probes/probe-types.js';
import { oidsProbe } from './oids-probe.js';

/** The shipped probes with the bench's timeout and retries, or every one replaced by the --oids probe. */
export async function benchProbes(options: {
  probesDir: string;
  timeoutMs: number;
  retries: number;
  oids?: string[];
}): Promise<Map<string, Probe>> {
  const loaded = await loadProbes(options.probesDir);
  if (!('probes' in loaded)) throw new Error('probes do not compile (vigil check)');
  const tuned = new Map(
    [...loaded.probes].map(([name, p]) => [
      name,
      { ...p, timeoutMs: options.timeoutMs, retries: options.retries },
    ]),
  );
  if (options.oids) {
    const probe = oidsProbe(loaded.probes.get('generic') as Probe, options.oids, options);
    for (const name of [...tuned.keys()]) tuned.set(name, probe);
    tuned.set('generic', probe);
  }
  return tuned;
}
