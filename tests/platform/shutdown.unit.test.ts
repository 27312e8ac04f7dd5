import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logger.js';
import { startRoles, type ProcessRole } from '../../src/roles/process-role.js';
import { createShutdown, type ShutdownStage } from '../../src/platform/shutdown.js';

const logger = createLogger({ level: 'silent' });

describe('createShutdown', () => {
  it('closes stages in the house order whatever order closers were added in', async () => {
    const shutdown = createShutdown({ logger });
    const closed: string[] = [];
    const add = (stage: ShutdownStage, name: string): void =>
      shutdown.add(stage, name, async () => {
        await new Promise((resolve) => setImmediate(resolve));
        closed.push(name);
      });
    add('redis', 'redis');
    add('api', 'api');
    add('queues', 'queues');
    add('schedulers', 'poller');
    add('workers', 'worker');

    const result = await shutdown.run('test');
    expect(closed).toEqual(['poller', 'worker', 'api', 'queues', 'redis']);
    expect(result).toEqual({ timedOut: false, failures: [], pending: [] });
  });

  it('keeps closing after one closer fails, and reports the failure', async () => {
    const shutdown = createShutdown({ logger });
    const closed: string[] = [];
    shutdown.add('api', 'api', () => Promise.reject(new Error('socket stuck')));
    shutdown.add('redis', 'redis', () => Promise.resolve(void closed.push('redis')));

    const result = await shutdown.run('test');
    expect(closed).toEqual(['redis']);
    expect(result.timedOut).toBe(false);
    expect(result.failures).toEqual([{ stage: 'api', name: 'api', error: new Error('socket stuck') }]);
  });

  it('gives up at the deadline and names what never finished', async () => {
    const shutdown = createShutdown({ logger, deadlineMs: 20 });
    shutdown.add('workers', 'hung-worker', () => new Promise<void>(() => {}));
    shutdown.add('redis', 'redis', () => Promise.resolve());

    const result = await shutdown.run('test');
    expect(result.timedOut).toBe(true);
    expect(result.pending.sort()).toEqual(['hung-worker', 'redis']);
  });

  it('runs once however many signals arrive', async () => {
    const shutdown = createShutdown({ logger });
    let closes = 0;
    shutdown.add('api', 'api', () => Promise.resolve(void closes++));
    const [first, second] = await Promise.all([shutdown.run('SIGTERM'), shutdown.run('SIGINT')]);
    expect(closes).toBe(1);
    expect(second).toBe(first);
    expect(() => shutdown.add('redis', 'late', () => Promise.resolve())).toThrow(/already running/);
  });
});

describe('startRoles', () => {
  function role(name: string, stage: ShutdownStage, events: string[], failStart = false): ProcessRole {
    return {
      name,
      stage,
      start: () => {
        if (failStart) return Promise.reject(new Error(`${name} cannot start`));
        events.push(`start ${name}`);
        return Promise.resolve();
      },
      close: () => Promise.resolve(void events.push(`close ${name}`)),
    };
  }

  it('starts roles in order and closes each at its own stage', async () => {
    const events: string[] = [];
    const shutdown = createShutdown({ logger });
    await startRoles([role('api', 'api', events), role('poller', 'schedulers', events)], shutdown, logger);
    await shutdown.run('test');
    expect(events).toEqual(['start api', 'start poller', 'close poller', 'close api']);
  });

  it('closes the roles already started when a later one fails, then rethrows', async () => {
    const events: string[] = [];
    const shutdown = createShutdown({ logger });
    await expect(
      startRoles([role('api', 'api', events), role('worker', 'workers', events, true)], shutdown, logger),
    ).rejects.toThrow('worker cannot start');
    expect(events).toEqual(['start api', 'close api']);
  });
});
