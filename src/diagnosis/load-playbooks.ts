import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  compilePlaybooks,
  formatPlaybookError,
  type PlaybookSet,
  type Playbook,
} from '../playbooks/index.js';

/** Where the shipped playbooks live; VIGIL_PLAYBOOKS_DIR points elsewhere. */
export const DEFAULT_PLAYBOOKS_DIR = 'playbooks';

/**
 * Reads every *.yaml / *.yml in `dir` and compiles them as one set (the I/O half of compilePlaybooks).
 * Undefined when the directory does not exist, so `vigil check` can tell "nothing to check" apart.
 */
export async function loadPlaybooks(dir: string): Promise<PlaybookSet | undefined> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.yaml') || name.endsWith('.yml')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const sources = await Promise.all(
    names.map(async (name) => ({ file: join(dir, name), text: await readFile(join(dir, name), 'utf8') })),
  );
  return compilePlaybooks(sources);
}

/** For processes that cannot run without them: the compiled set, or an error listing every problem. */
export async function loadPlaybooksOrThrow(dir: string): Promise<readonly Playbook[]> {
  const loaded = await loadPlaybooks(dir);
  if (loaded === undefined) throw new Error(`playbooks: ${dir}: no such directory`);
  if ('errors' in loaded)
    throw new Error(
      `playbooks: ${loaded.errors.length} error(s):\n${loaded.errors.map(formatPlaybookError).join('\n')}`,
    );
  return loaded.playbooks;
}
