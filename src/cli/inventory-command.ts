import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { Option, type Command } from 'commander';
import {
  INVENTORY_ENTITIES,
  INVENTORY_FORMATS,
  type ImportCounts,
  type InventoryFormat,
  type RowError,
} from '../inventory/inventory-types.js';
import type { InventoryDiff, MissingAuthProfile } from '../inventory/index.js';
import { isAppError } from '../shared/app-error.js';
import { openCommandRedis, type CommandRedis } from './open-redis.js';

interface ImportFlags {
  format?: InventoryFormat;
  dryRun?: boolean;
  allowRemovals?: boolean;
  json?: boolean;
}

export function registerInventoryCommands(program: Command): void {
  const inventory = program.command('inventory').description('inventory of subscribers, devices and sites');
  inventory
    .command('import <file>')
    .description('replace the stored inventory with a JSON, NDJSON or CSV file ("-" reads stdin); idempotent')
    .addOption(
      new Option('--format <format>', 'file format (default: from the extension, then the content)').choices(
        INVENTORY_FORMATS,
      ),
    )
    .option(
      '--dry-run',
      'validate, and show what would be created, updated and removed against what is stored; store nothing',
    )
    .option(
      '--allow-removals',
      'allow removing more than VIGIL_IMPORT_MAX_REMOVAL_SHARE (default 10%) of the stored devices or subscribers',
    )
    .option('--json', 'print the result as JSON')
    .action(importCommand);
  inventory
    .command('export')
    .description('print the stored inventory as the JSON document import reads (ids in order)')
    .action(async () => {
      const { createInventoryStore } = await import('../inventory/index.js');
      const opened = await openCommandRedis('vigil-inventory');
      try {
        const exported = await createInventoryStore(opened).exportInventory();
        if (INVENTORY_ENTITIES.every((entity) => exported[entity].length === 0)) {
          // An empty document would import as "remove everything": say where we looked instead.
          process.stderr.write(
            `vigil inventory export: no inventory at ${opened.where}; check REDIS_URL and VIGIL_REDIS_PREFIX\n`,
          );
          process.exitCode = 1;
          return;
        }
        print(exported);
      } finally {
        opened.close();
      }
    });
}

async function importCommand(file: string, flags: ImportFlags): Promise<void> {
  const { parseInventory, validateInventory, createInventoryStore, missingAuthProfiles, removalsOverShare } =
    await import('../inventory/index.js');
  const text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  const parsed = parseInventory(text, { ...(flags.format ? { format: flags.format } : {}), fileName: file });
  const { inventory: valid, errors } = validateInventory(parsed);
  if (errors.length > 0) {
    printErrors(file, errors, flags.json === true);
    process.exitCode = 1;
    return;
  }
  const rows = {
    sites: valid.sites.length,
    devices: valid.devices.length,
    subscribers: valid.subscribers.length,
  };

  if (flags.dryRun) {
    // The diff needs what is stored; without Redis the dry run still validates, and says what it lacks.
    let opened: CommandRedis | undefined;
    let unreachable: string | undefined;
    try {
      opened = await openCommandRedis('vigil-inventory', 2_000);
    } catch (error) {
      unreachable = error instanceof Error ? error.message : String(error);
    }
    try {
      const diff = opened ? await createInventoryStore(opened).diffInventory(valid) : undefined;
      const missing = missingAuthProfiles(valid.devices, opened?.config.authProfiles ?? new Map());
      const share = opened?.config.importMaxRemovalShare ?? (await defaultShare());
      const refused = diff ? removalsOverShare(diff.counts, share) : [];
      if (flags.json) {
        print({
          ok: true,
          dryRun: true,
          format: parsed.format,
          rows,
          ...(opened ? { redis: opened.where } : { redisUnavailable: unreachable }),
          ...(diff ? { diff, wouldRefuse: refused.length > 0 && !flags.allowRemovals } : {}),
          warnings: missing,
        });
        return;
      }
      const lines = [
        `${file}: valid ${parsed.format} inventory, ${rows.sites} sites, ${rows.devices} devices, ${rows.subscribers} subscribers (dry run: nothing stored)`,
      ];
      if (diff && opened) lines.push(...diffLines(diff, opened.where));
      else
        lines.push(`cannot show the difference with what is stored: ${unreachable ?? 'Redis unavailable'}`);
      if (refused.length > 0) {
        const { describeExcess } = await import('../inventory/index.js');
        lines.push(
          `an import would ${flags.allowRemovals ? 'remove, as --allow-removals allows,' : 'be REFUSED: it removes'} ${refused.map(describeExcess).join(' and ')} (more than ${Math.round(share * 100)}%)${flags.allowRemovals ? '' : '; add --allow-removals if that is meant'}`,
        );
      }
      process.stdout.write(`${lines.join('\n')}\n`);
      printMissing(missing);
    } finally {
      opened?.close();
    }
    return;
  }

  const opened = await openCommandRedis('vigil-inventory');
  try {
    const store = createInventoryStore(opened);
    const share = opened.config.importMaxRemovalShare;
    const importWith = (allowRemovals: boolean) =>
      store.importInventory(valid, {
        allowRemovals,
        ...(share !== undefined ? { maxRemovalShare: share } : {}),
      });
    const startedAt = performance.now();
    let result;
    try {
      result = await importWith(flags.allowRemovals === true);
    } catch (error) {
      if (!isAppError(error)) throw error;
      // At a terminal a person can confirm the shrink; a script must say --allow-removals.
      const confirmed =
        error.code === 'ERR_INVENTORY_REMOVALS' &&
        !flags.json &&
        file !== '-' &&
        process.stdin.isTTY === true &&
        (await confirm(
          `vigil inventory import: ${error.message.split('; nothing')[0]}.\nRemove them? [y/N] `,
        ));
      if (!confirmed) {
        if (flags.json)
          print({ ok: false, code: error.code, message: error.message, details: error.details });
        else process.stderr.write(`vigil inventory import: ${error.code}: ${error.message}\n`);
        process.exitCode = 1;
        return;
      }
      result = await importWith(true);
    }
    const elapsedMs = Math.round(performance.now() - startedAt);
    const missing = missingAuthProfiles(valid.devices, opened.config.authProfiles);
    if (flags.json)
      print({
        ok: true,
        format: parsed.format,
        rows,
        counts: result.counts,
        changed: result.changed,
        elapsedMs,
        redis: opened.where,
        warnings: missing,
      });
    else {
      process.stdout.write(formatCounts(file, parsed.format, result.counts, elapsedMs, opened.where));
      printMissing(missing);
    }
  } finally {
    opened.close();
  }
}

async function defaultShare(): Promise<number> {
  return (await import('../inventory/index.js')).DEFAULT_MAX_REMOVAL_SHARE;
}

function diffLines(diff: InventoryDiff, where: string): string[] {
  const lines = [
    diff.stored
      ? `against the inventory at ${where}:`
      : `nothing is stored at ${where} yet: everything would be created`,
  ];
  for (const entity of INVENTORY_ENTITIES) {
    const c = diff.counts[entity];
    const s = diff.samples[entity];
    lines.push(
      `  ${entity.padEnd(12)} created ${c.created}, updated ${c.updated}, unchanged ${c.unchanged}, removed ${c.removed}`,
    );
    for (const change of ['created', 'updated', 'removed'] as const) {
      const ids = s[change];
      if (ids.length === 0) continue;
      const more = c[change] - ids.length;
      lines.push(
        `    ${change.padEnd(8)} ${ids.join(', ')}${more > 0 ? ` and ${more.toLocaleString('en')} more` : ''}`,
      );
    }
  }
  return lines;
}

/** Devices whose auth profile has no credentials here are never polled: say so, naming the variables. */
function printMissing(missing: MissingAuthProfile[]): void {
  for (const m of missing) process.stderr.write(`warning: ${m.message}\n`);
}

async function confirm(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}

function printErrors(file: string, errors: RowError[], json: boolean): void {
  if (json) {
    print({ ok: false, code: 'ERR_INVENTORY_INVALID', errors });
    return;
  }
  const lines = errors.map((e) => `${file}: ${e.location}: ${e.reason}\n`);
  process.stderr.write(
    `${lines.join('')}vigil: ERR_INVENTORY_INVALID: ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was stored\n`,
  );
}

function formatCounts(
  file: string,
  format: InventoryFormat,
  counts: ImportCounts,
  elapsedMs: number,
  where: string,
): string {
  const rows = INVENTORY_ENTITIES.map((entity) => {
    const c = counts[entity];
    return `  ${entity.padEnd(12)} created ${c.created}, updated ${c.updated}, unchanged ${c.unchanged}, removed ${c.removed}\n`;
  });
  return `imported ${file} (${format}) into ${where} in ${elapsedMs} ms\n${rows.join('')}`;
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
