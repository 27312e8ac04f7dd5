import { setTimeout as sleep } from 'node:timers/promises';
import type { EvalStack } from './eval-stack.js';
import type { SeenIncident, SeenSuggestion } from './observation.js';
import { readIncidents, readSuggestions } from './observe-vigil.js';

/** Everything seen over a run: each incident as last seen, each proposal of each suggestion. */
export interface SeenLog {
  incidents: SeenIncident[];
  suggestions: SeenSuggestion[];
  /** Reads that failed (the service busy or restarting), for the report: a gap in what was watched. */
  failedReads: number;
}

export interface VigilWatch {
  log: SeenLog;
  addIncidents(incidents: readonly SeenIncident[]): void;
  /** Stops after one last read. */
  stop(): Promise<SeenLog>;
}

/**
 * Reads incidents and suggestion records every `everyMs` while a scenario runs, so an outage announced
 * and resolved between checkpoints, or a reboot proposed and withdrawn between them, is still seen.
 * The incident list keeps resolved ones and the suggestion list keeps withdrawn ones, so a read a
 * second late misses nothing but a proposal withdrawn and proposed again within that second.
 */
export function watchVigil(api: EvalStack['api'], everyMs = 1_000): VigilWatch {
  const incidents = new Map<string, SeenIncident>();
  const suggestions = new Map<string, SeenSuggestion>();
  const log: SeenLog = { incidents: [], suggestions: [], failedReads: 0 };
  const addIncidents = (seen: readonly SeenIncident[]): void => {
    for (const incident of seen) {
      const known = incidents.get(incident.id);
      // An incident announced stays counted as announced, whatever it became later.
      if (known?.state !== 'pending' && known !== undefined && incident.state === 'pending') continue;
      incidents.set(incident.id, incident);
    }
    log.incidents = [...incidents.values()];
  };
  const read = async (): Promise<void> => {
    try {
      const [seenIncidents, seenSuggestions] = await Promise.all([readIncidents(api), readSuggestions(api)]);
      addIncidents(seenIncidents);
      for (const s of seenSuggestions) suggestions.set(`${s.id}@${s.createdAt}`, s);
      log.suggestions = [...suggestions.values()];
    } catch {
      log.failedReads++;
    }
  };
  let running = true;
  const loop = (async () => {
    while (running) {
      await read();
      await sleep(everyMs);
    }
  })();
  return {
    log,
    addIncidents,
    async stop() {
      running = false;
      await loop;
      await read();
      return log;
    },
  };
}
