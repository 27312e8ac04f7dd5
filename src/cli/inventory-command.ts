import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { Redis } from 'ioredis';
import { loadConfig } from '../config/load-config.js';
import { createRedisConnection, waitForRedis } from '../platform/redis-connection.js';
import { createRedisKeys, type RedisKeys } from '../platform/redis-keys.js';
import { isAppError } from '../shared/app-error.js';
import {
  createInventoryStore,
  INVENTORY_ENTITIES,
  INVENTORY_FORMATS,
  parseInventory,
  validateInventory,
  type ImportCounts,
  type InventoryFormat,
  type RowError,
} from '../inventory/index.js';

interface ImportFlags {
  format?: InventoryFormat;
  dryRun?: boolean;
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
    .option('--dry-run', 'validate only: report every error, store nothing, no Redis needed')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, flags: ImportFlags) => {
      const text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
      const parsed = parseInventory(text, {
        ...(flags.format ? { format: flags.format } : {}),
        fileName: file,
      });
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
        if (flags.json) print({ ok: true, dryRun: true, format: parsed.format, rows });
        else
          process.stdout.write(
            `${file}: valid ${parsed.format} inventory, ${rows.sites} sites, ${rows.devices} devices, ${rows.subscribers} subscribers (dry run: nothing stored)\n`,
          );
        return;
      }
      await withStore(async (store) => {
        const startedAt = performance.now();
        try {
          const result = await store.importInventory(valid);
          const elapsedMs = Math.round(performance.now() - startedAt);
          if (flags.json)
            print({
              ok: true,
              format: parsed.format,
              rows,
              counts: result.counts,
              changed: result.changed,
              elapsedMs,
            });
          else process.stdout.write(formatCounts(file, parsed.format, result.counts, elapsedMs));
        } catch (error) {
          if (flags.json && isAppError(error)) {
            print({ ok: false, code: error.code, message: error.message });
            process.exitCode = 1;
          } else throw error;
        }
      });
    });
  inventory
    .command('export')
    .description('print the stored inventory as the JSON document import reads (ids in order)')
    .action(async () => {
      await withStore(async (store) => {
        print(await store.exportInventory());
      });
    });
}

type Store = ReturnType<typeof createInventoryStore>;

async function withStore(run: (store: Store) => Promise<void>): Promise<void> {
  const config = loadConfig();
  const redis: Redis = createRedisConnection(config.redisUrl, 'command', 'vigil-inventory');
  const keys: RedisKeys = createRedisKeys(config.redisPrefix);
  try {
    await waitForRedis(redis);
    await run(createInventoryStore({ redis, keys }));
  } finally {
    redis.disconnect();
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
): string {
  const rows = INVENTORY_ENTITIES.map((entity) => {
    const c = counts[entity];
    return `  ${entity.padEnd(12)} created ${c.created}, updated ${c.updated}, unchanged ${c.unchanged}, removed ${c.removed}\n`;
  });
  return `imported ${file} (${format}) in ${elapsedMs} ms\n${rows.join('')}`;
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
