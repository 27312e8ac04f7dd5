import type { InventoryDiff, RemovalExcess } from '../inventory/index.js';
import { INVENTORY_ENTITIES } from '../inventory/inventory-types.js';
import { openCommandRedis, type CommandRedis } from './open-redis.js';
import { print, printMissing, type ImportFlags, type ValidFile } from './inventory-output.js';

/** What a dry run found against what is stored: the difference, and the shrink an import would refuse. */
interface DryRun {
  opened: CommandRedis | undefined;
  unreachable: string | undefined;
  diff: InventoryDiff | undefined;
  share: number;
  refused: RemovalExcess[];
}

/** `vigil inventory import --dry-run`: validated already; shows the difference with what is stored. */
export async function dryRunImport(read: ValidFile, flags: ImportFlags): Promise<void> {
  const { createInventoryStore, missingAuthProfiles, removalsOverShare } =
    await import('../inventory/index.js');
  // The diff needs what is stored; without Redis the dry run still validates, and says what it lacks.
  const { opened, unreachable } = await openIfReachable();
  try {
    const diff = opened ? await createInventoryStore(opened).diffInventory(read.valid) : undefined;
    const missing = missingAuthProfiles(read.valid.devices, opened?.config.authProfiles ?? new Map());
    const share = opened?.config.importMaxRemovalShare ?? (await defaultShare());
    const refused = diff ? removalsOverShare(diff.counts, share) : [];
    const dryRun: DryRun = { opened, unreachable, diff, share, refused };
    if (flags.json) {
      print({
        ok: true,
        dryRun: true,
        format: read.format,
        rows: read.rows,
        ...(opened ? { redis: opened.where } : { redisUnavailable: unreachable }),
        ...(diff ? { diff, wouldRefuse: refused.length > 0 && !flags.allowRemovals } : {}),
        warnings: missing,
      });
      return;
    }
    process.stdout.write(`${(await dryRunLines(read, dryRun, flags)).join('\n')}\n`);
    printMissing(missing);
  } finally {
    opened?.close();
  }
}

async function openIfReachable(): Promise<{ opened?: CommandRedis; unreachable?: string }> {
  try {
    return { opened: await openCommandRedis('vigil-inventory', 2_000) };
  } catch (error) {
    return { unreachable: error instanceof Error ? error.message : String(error) };
  }
}

async function dryRunLines(
  { file, format, rows }: ValidFile,
  { opened, unreachable, diff, share, refused }: DryRun,
  flags: ImportFlags,
): Promise<string[]> {
  const lines = [
    `${file}: valid ${format} inventory, ${rows.sites} sites, ${rows.devices} devices, ${rows.subscribers} subscribers (dry run: nothing stored)`,
  ];
  if (diff && opened) lines.push(...diffLines(diff, opened.where));
  else lines.push(`cannot show the difference with what is stored: ${unreachable ?? 'Redis unavailable'}`);
  if (refused.length > 0) {
    const { describeExcess } = await import('../inventory/index.js');
    lines.push(
      `an import would ${flags.allowRemovals ? 'remove, as --allow-removals allows,' : 'be REFUSED: it removes'} ${refused.map(describeExcess).join(' and ')} (more than ${Math.round(share * 100)}%)${flags.allowRemovals ? '' : '; add --allow-removals if that is meant'}`,
    );
  }
  return lines;
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
