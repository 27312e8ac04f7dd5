import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL } from '../helpers/test-redis.js';

/** Runs the real CLI from source (tsx), as `vigil serve` would run from dist. */
function vigil(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { ...process.env, REDIS_URL: TEST_REDIS_URL, VIGIL_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

interface LogEntry {
  msg?: string;
  url?: string;
  roles?: string[];
  ok?: boolean;
}

describe('vigil serve', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  it('starts the api role, logs its address and roles without secrets, and stops cleanly on SIGTERM', async () => {
    const token = `serve-test-${randomBytes(16).toString('hex')}`;
    child = vigil(['serve', '--port', '0', '--roles', 'api,worker'], {
      VIGIL_API_KEYS: `noc:${token}`,
      VIGIL_REDIS_PREFIX: `vigil-test-${randomBytes(4).toString('hex')}`,
    });
    const exited = once(child, 'exit');
    const lines: string[] = [];
    const entries: LogEntry[] = [];
    const started = new Promise<LogEntry>((resolve, reject) => {
      createInterface({ input: child!.stderr! }).on('line', (line) => {
        lines.push(line);
        const entry = JSON.parse(line) as LogEntry;
        entries.push(entry);
        if (entry.msg === 'vigil started') resolve(entry);
      });
      void exited.then(() => reject(new Error(`exited before starting:\n${lines.join('\n')}`)));
    });

    const entry = await started;
    expect(entry.roles).toEqual(['api', 'worker']);
    expect(entry.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const health = await fetch(`${entry.url}/healthz`);
    expect(health.status).toBe(200);
    const docs = await fetch(`${entry.url}/docs/json`);
    expect(docs.status).toBe(200);

    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    expect(entries.find((e) => e.msg === 'vigil stopped')?.ok).toBe(true);
    expect(lines.join('\n')).not.toContain(token);
  });

  it('stops with exit 78 naming the variable when the configuration is wrong', async () => {
    child = vigil(['serve', '--port', '0'], { VIGIL_PORT: 'eighty', VIGIL_API_KEYS: 'root:short' });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(78);
    expect(stderr).toContain('VIGIL_PORT');
    expect(stderr).toContain('VIGIL_API_KEYS');
  });
});
