import type { Command } from 'commander';
import { openCommandRedis } from './open-redis.js';

/**
 * `vigil redis tag-keys`: renames the keys an earlier version wrote (no hash tags) to the tagged names
 * this version reads (src/platform/redis-keys.ts), once, on the single Redis they are in, with every
 * Vigil process stopped; then moves the poll schedule, states and indexes of versions before a slot per
 * poll shard into their shards (src/polling/split-poll-keys.ts). Prints what it did; exits 1 when a
 * key's new name was taken.
 * `vigil redis index-audit`: indexes the audit entries an earlier version wrote, for subscriber histories.
 */
export function registerRedisCommands(program: Command): void {
  const redisCommand = program.command('redis').description('maintenance of the Redis keys Vigil keeps');
  redisCommand
    .command('tag-keys')
    .description(
      'rename keys written by a version before hash tags (vigil:incidents:…) to their tagged names ' +
        '(vigil:{vigil}:incidents:…, queues to vigil:bull:{vigil:<queue>:0}); stop every vigil process first',
    )
    .action(async () => {
      const { tagLegacyKeys } = await import('../platform/tag-legacy-keys.js');
      const { splitPollKeys } = await import('../polling/split-poll-keys.js');
      const target = await openCommandRedis('vigil-redis-tag-keys');
      try {
        const report = await tagLegacyKeys(target.redis, target.keys);
        process.stdout.write(
          `${target.where}: ${report.renamed} keys renamed to their tagged names, ${report.tagged} already tagged\n`,
        );
        if (report.clashes.length > 0) {
          process.stderr.write(`new name taken already, left as they were: ${report.clashes.join(', ')}\n`);
          process.exitCode = 1;
        }
        const split = await splitPollKeys(target.redis, target.keys);
        process.stdout.write(
          `${target.where}: ${split.keys} poll keys split into their poll shards (${split.moved} entries moved)\n`,
        );
      } finally {
        target.close();
      }
    });
  redisCommand
    .command('index-audit')
    .description(
      'index the audit entries written by a version before the subscriber-history index, so histories ' +
        'stop scanning them; safe while vigil runs, resumable',
    )
    .action(async () => {
      const { indexOlderAudit } = await import('../actions/index-older-audit.js');
      const target = await openCommandRedis('vigil-redis-index-audit');
      try {
        const report = await indexOlderAudit(target.redis, target.keys);
        process.stdout.write(
          `${target.where}: ${report.scanned} older audit entries read, ${report.indexed} indexed for subscriber histories\n`,
        );
      } finally {
        target.close();
      }
    });
}
