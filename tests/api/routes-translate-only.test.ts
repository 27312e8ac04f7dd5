import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Routes only translate HTTP (issue 12): the api role builds the connections, queues, stores and
 * services (src/roles/api-services.ts) and passes them down, so no route file builds one itself.
 */
const ROUTES = 'src/api/routes';
const BUILDERS: [string, RegExp][] = [
  ['a BullMQ queue', /new Queue(Events)?\(/],
  ['a Redis connection', /createRedisConnection|new Redis\(/],
  ['a store', /create\w*(Store|Index|Ledger|Service|Keys)\(/],
  ['the live playbooks', /livePlaybooks|liveProbes/],
  ['a timer', /setInterval\(/],
];

describe('route files', () => {
  it('build no connection, queue, store, service or sweeper: they get them from the api role', () => {
    const found: string[] = [];
    for (const name of readdirSync(ROUTES).filter((n) => n.endsWith('.ts'))) {
      const text = readFileSync(join(ROUTES, name), 'utf8');
      for (const [what, pattern] of BUILDERS) if (pattern.test(text)) found.push(`${name} builds ${what}`);
    }
    expect(found).toEqual([]);
  });
});
