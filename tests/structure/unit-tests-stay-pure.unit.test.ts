import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder, patternHits } from '../helpers/source-patterns.js';

const root = resolve(import.meta.dirname, '../..');

/**
 * What makes a test impure: the helpers that start Redis, the service, the simulator or a device, and
 * the modules that reach the network, a process or a browser. `npm run test:unit` selects files by
 * their name (vitest.config.ts), so the name must not lie.
 */
const IMPURE = [
  /helpers\/(test-redis|test-service|test-simulator|sim-device|build-test-app|test-advisor|test-poll-service|sse-client|huge-answer)\.js/,
  /from 'node:(child_process|dgram|net|http|https)'/,
  /from '(ioredis|bullmq|net-snmp|playwright-core)'/,
  /interop\/start-snmpd\.js|fuzz\/hostile-agent\.js|snmp\/(snmp-session|udp-get-transport)\.js/,
  /\bfetch\(/,
];

describe('unit test files', () => {
  it('import nothing that reaches Redis, the network, a process or a browser', () => {
    const files = filesUnder(join(root, 'tests'), '.unit.test.ts');
    expect(files.length).toBeGreaterThan(40);
    expect(patternHits(files, IMPURE, root)).toEqual([]);
  });
});
