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
import type { ImportResult } from '../inventory/index.js';
import { isAppError } from '../shared/app-error.js';
import { dryRunImport } from './inventory-dry-run.js';
import { print, printMissing, type ImportFlags, type ValidFile } from './inventory-output.js';
import { openCommandRedis } from './open-redis.js';

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
  const { parseInventory, validateInventory } = await import('../inventory/index.js');
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

  const read: ValidFile = { file, format: parsed.format, valid, rows };
  if (flags.dryRun) await dryRunImport(read, flags);
  else await storeImport(read, flags);
}

/** Stores the inventory; a refused shrink is confirmed at a terminal or reported. */
async function storeImport({ file, format, valid, rows }: ValidFile, flags: ImportFlags): Promise<void> {
  const { createInventoryStore, missingAuthProfiles } = await import('../inventory/index.js');
  const opened = await openCommandRedis('vigil-inventory');
  try {
    const store = createInventoryStore(opened);
    const share = opened.config.importMaxRemovalShare;
    const importWith = (allowRemovals: boolean): Promise<ImportResult> =>
      store.importInventory(valid, {
        allowRemovals,
        ...(share !== undefined ? { maxRemovalShare: share } : {}),
      });
    const startedAt = performance.now();
    const result = await importOrConfirm(importWith, file, flags);
    if (result === undefined) return;
    const elapsedMs = Math.round(performance.now() - startedAt);
    const missing = missingAuthProfiles(valid.devices, opened.config.authProfiles);
    if (flags.json)
      print({
        ok: true,
        format,
        rows,
        counts: result.counts,
        changed: result.changed,
        elapsedMs,
        redis: opened.where,
        warnings: missing,
      });
    else {
      process.stdout.write(formatCounts(file, format, result.counts, elapsedMs, opened.where));
      printMissing(missing);
    }
  } finally {
    opened.close();
  }
}

/** The import's result; undefined (reported, exit code 1) when it was refused and not confirmed. */
async function importOrConfirm(
  importWith: (allowRemovals: boolean) => Promise<ImportResult>,
  file: string,
  flags: ImportFlags,
): Promise<ImportResult | undefined> {
  try {
    return await importWith(flags.allowRemovals === true);
  } catch (error) {
    if (!isAppError(error)) throw error;
    // At a terminal a person can confirm the shrink; a script must say --allow-removals.
    const confirmed =
      error.code === 'ERR_INVENTORY_REMOVALS' &&
      !flags.json &&
      file !== '-' &&
      process.stdin.isTTY === true &&
      (await confirm(`vigil inventory import: ${error.message.split('; nothing')[0]}.\nRemove them? [y/N] `));
    if (!confirmed) {
      if (flags.json) print({ ok: false, code: error.code, message: error.message, details: error.details });
      else process.stderr.write(`vigil inventory import: ${error.code}: ${error.message}\n`);
      process.exitCode = 1;
      return undefined;
    }
    return importWith(true);
  }
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

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
