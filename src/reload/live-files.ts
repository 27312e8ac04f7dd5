import type { Redis } from 'ioredis';
import { loadPlaybooks, loadPlaybooksOrThrow } from '../diagnosis/load-playbooks.js';
import type { Logger } from '../platform/logger.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { formatPlaybookError, type Playbook } from '../playbooks/index.js';
import { loadProbes } from '../probes/load-probes.js';
import { formatYamlFileError } from '../shared/yaml/yaml-file-error.js';
import type { Probe } from '../probes/probe-types.js';

/** How often each process looks whether an admin asked for a reload. */
const CHECK_EVERY_MS = 2_000;

/**
 * Probes and playbooks that follow `POST /v1/admin/reload` in every process. Each process holds one
 * live Map of probes and one live array of playbooks per directory, shared by everything in it that
 * reads them; a reload bumps a generation in Redis, and each process re-reads the files and swaps the
 * contents in place. A file that no longer compiles leaves the old set in place, and says why in the log.
 */
interface Live {
  probes?: Map<string, Probe>;
  playbooks?: Playbook[];
  generation: string;
  timer?: NodeJS.Timeout;
}

const registry = new Map<string, Live>();

export interface LiveDeps {
  redis: Redis;
  keys: RedisKeys;
  logger: Logger;
  /** The process's config, for the probe interval floor (VIGIL_PROBE_MIN_INTERVAL_SECONDS). */
  config?: { probeMinIntervalSeconds?: number };
}

/** The process's live playbooks of `dir` (loaded now; throws with every error if they do not compile). */
export async function livePlaybooks(deps: LiveDeps, dir: string): Promise<readonly Playbook[]> {
  const live = await entry(deps, `playbooks|${dir}`);
  if (!live.playbooks) {
    live.playbooks = [...(await loadPlaybooksOrThrow(dir))];
    watch(deps, live, async () => {
      const next = await loadPlaybooks(dir);
      if (!next || 'errors' in next) {
        const why = next ? next.errors.slice(0, 5).map(formatPlaybookError).join('; ') : 'no such directory';
        deps.logger.warn({ dir, why }, 'playbooks not reloaded: they do not compile; the previous ones stay');
        return;
      }
      live.playbooks?.splice(0, live.playbooks.length, ...next.playbooks);
      deps.logger.info({ dir, playbooks: next.playbooks.length }, 'playbooks reloaded');
    });
  }
  return live.playbooks;
}

/** The process's live probes of `dir`, by name. */
export async function liveProbes(deps: LiveDeps, dir: string): Promise<ReadonlyMap<string, Probe>> {
  const live = await entry(deps, `probes|${dir}`);
  if (!live.probes) {
    const loaded = await loadProbes(dir, { minIntervalSeconds: deps.config?.probeMinIntervalSeconds });
    if ('errors' in loaded)
      throw new Error(
        `probes in ${dir} do not compile (see vigil check): ${loaded.errors.slice(0, 5).map(formatYamlFileError).join('; ')}`,
      );
    live.probes = new Map(loaded.probes);
    watch(deps, live, async () => {
      const next = await loadProbes(dir, { minIntervalSeconds: deps.config?.probeMinIntervalSeconds });
      if ('errors' in next) {
        const why = next.errors.slice(0, 5).map(formatYamlFileError).join('; ');
        deps.logger.warn({ dir, why }, 'probes not reloaded: they do not compile; the previous ones stay');
        return;
      }
      live.probes?.clear();
      for (const [name, probe] of next.probes) live.probes?.set(name, probe);
      deps.logger.info({ dir, probes: next.probes.size }, 'probes reloaded');
    });
  }
  return live.probes;
}

async function entry(deps: LiveDeps, what: string): Promise<Live> {
  const key = `${deps.keys.prefix}|${what}`;
  let live = registry.get(key);
  if (!live) {
    live = { generation: (await deps.redis.get(deps.keys.configGeneration()).catch(() => null)) ?? '0' };
    registry.set(key, live);
  }
  return live;
}

function watch(deps: LiveDeps, live: Live, reload: () => Promise<void>): void {
  live.timer = setInterval(() => {
    void (async () => {
      const generation = (await deps.redis.get(deps.keys.configGeneration())) ?? '0';
      if (generation === live.generation) return;
      live.generation = generation;
      await reload();
    })().catch(() => undefined);
  }, CHECK_EVERY_MS);
  // A watcher never keeps a process alive on its own.
  live.timer.unref();
}

/**
 * What `POST /v1/admin/reload` does: compile both directories here first; only if everything compiles,
 * bump the generation so every process reloads. Returns the errors (nothing changed) or the counts.
 */
export async function requestReload(
  deps: LiveDeps,
  dirs: { probesDir: string; playbooksDir: string; probeMinIntervalSeconds?: number },
): Promise<{ errors: string[] } | { generation: number; probes: number; playbooks: number; rules: number }> {
  const [probes, playbooks] = await Promise.all([
    loadProbes(dirs.probesDir, { minIntervalSeconds: dirs.probeMinIntervalSeconds }),
    loadPlaybooks(dirs.playbooksDir),
  ]);
  const errors = [
    ...('errors' in probes ? probes.errors.map(formatYamlFileError) : []),
    ...(playbooks === undefined
      ? [`${dirs.playbooksDir}: no such directory`]
      : 'errors' in playbooks
        ? playbooks.errors.map(formatPlaybookError)
        : []),
  ];
  if (errors.length > 0 || 'errors' in probes || !playbooks || 'errors' in playbooks) return { errors };
  const generation = await deps.redis.incr(deps.keys.configGeneration());
  return {
    generation,
    probes: probes.probes.size,
    playbooks: playbooks.playbooks.length,
    rules: playbooks.playbooks.reduce((sum, p) => sum + p.rules.length, 0),
  };
}
