import type { Command } from 'commander';

export interface CheckOptions {
  probesDir: string;
  /** Every *.yaml here is compiled as one playbook set (rule ids unique across files). */
  playbooksDir?: string;
  /** The default directory may be absent (nothing to check); one named with --playbooks must exist. */
  playbooksDirOptional?: boolean;
  /** Also say what each probe polls: every table's row selection and every derived metric's formulas. */
  explain?: boolean | string;
}

export interface CheckResult {
  /** 0 when everything checked is valid, 1 on any error (for CI, like amtool check-config). */
  exitCode: 0 | 1;
  /** What to print, one line each: every error as `file:line path: message`, then the summary. */
  lines: string[];
}

/** `vigil check` without the process: loads and compiles, and says what it found. */
export async function runCheck(options: CheckOptions): Promise<CheckResult> {
  const [
    { loadProbes },
    { formatYamlFileError },
    { loadPlaybooks },
    { formatPlaybookError },
    { explainProbe },
  ] = await Promise.all([
    import('../probes/load-probes.js'),
    import('../shared/yaml/yaml-file-error.js'),
    import('../diagnosis/load-playbooks.js'),
    import('../playbooks/index.js'),
    import('../probes/explain-derived.js'),
  ]);
  const lines: string[] = [];
  const loaded = await loadProbes(options.probesDir);
  let failed = false;
  if ('errors' in loaded) {
    failed = true;
    lines.push(...loaded.errors.map(formatYamlFileError));
    const count = loaded.errors.length;
    lines.push(`probes: ${count} error${count === 1 ? '' : 's'} in ${options.probesDir}`);
  } else {
    lines.push(`probes: ${loaded.probes.size} ok`);
    if (options.explain !== undefined && options.explain !== false) {
      const named = typeof options.explain === 'string' ? options.explain : undefined;
      const chosen = [...loaded.probes.values()].filter((p) => named === undefined || p.name === named);
      if (chosen.length === 0) {
        failed = true;
        lines.push(`--explain: no probe named "${named ?? ''}" in ${options.probesDir}`);
      }
      for (const probe of chosen) lines.push('', ...explainProbe(probe));
    }
  }
  if (options.playbooksDir !== undefined) {
    const dir = options.playbooksDir;
    const compiled = await loadPlaybooks(dir);
    if (compiled === undefined) {
      // The default directory may be absent (nothing written yet); one named with --playbooks must exist.
      if (!options.playbooksDirOptional) {
        failed = true;
        lines.push(`${dir}: no such directory`);
      }
    } else if ('errors' in compiled) {
      failed = true;
      lines.push(...compiled.errors.map(formatPlaybookError));
      const count = compiled.errors.length;
      lines.push(`playbooks: ${count} error${count === 1 ? '' : 's'} in ${dir}`);
    } else if (compiled.playbooks.length > 0) {
      const rules = compiled.playbooks.reduce((sum, p) => sum + p.rules.length, 0);
      lines.push(`playbooks: ${compiled.playbooks.length} ok (${rules} rules)`);
    }
  }
  return { exitCode: failed ? 1 : 0, lines };
}

export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description('validate probes/ and playbooks/, every error with file:line; exit 1 on any error')
    .option('--probes <dir>', 'probe directory', 'probes')
    .option('--playbooks <dir>', 'playbook directory (default: playbooks, if present)')
    .option(
      '--explain [probe]',
      'say which table rows each probe (or the one named) polls and how it derives metrics',
    )
    .action(async (flags: { probes: string; playbooks?: string; explain?: boolean | string }) => {
      const result = await runCheck({
        probesDir: flags.probes,
        ...(flags.explain !== undefined ? { explain: flags.explain } : {}),
        playbooksDir: flags.playbooks ?? 'playbooks',
        playbooksDirOptional: flags.playbooks === undefined,
      });
      // Errors to stderr, the summary of a clean run to stdout: `vigil check && deploy` reads well in CI.
      const out = result.exitCode === 0 ? process.stdout : process.stderr;
      out.write(result.lines.map((line) => `${line}\n`).join(''));
      process.exitCode = result.exitCode;
    });
}
