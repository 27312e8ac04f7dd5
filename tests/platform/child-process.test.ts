import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startChildProcess } from '../../src/platform/child-process.js';

/** Node scripts run as the children: real processes, real signals. */
const node = (script: string): string[] => ['-e', script];

describe('startChildProcess', () => {
  it('resolves on the ready line, keeps the tail, and stops the child with SIGTERM', async () => {
    const lines: string[] = [];
    const child = await startChildProcess({
      name: 'echo child',
      args: node(
        "console.error('warming up'); console.log('ready now'); process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000);",
      ),
      readyWhen: { line: (line) => line.startsWith('ready') },
      onLine: (line) => lines.push(line),
    });
    expect(child.readyLine).toBe('ready now');
    expect(child.running).toBe(true);
    expect(lines).toContain('warming up');
    await child.stop();
    expect(child.running).toBe(false);
  });

  it('rejects when the child exits before it is ready, with its output and its secrets blanked', async () => {
    const community = 'c0mmunity-of-the-test';
    const failed = startChildProcess({
      name: 'failing child',
      args: node("console.error('bad community ' + process.env.VIGIL_SNMP_X_COMMUNITY); process.exit(3);"),
      env: { VIGIL_SNMP_X_COMMUNITY: community },
      readyWhen: { line: (line) => line === 'never' },
    });
    const error = (await failed.catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/failing child exited \(3\) before it was ready/);
    expect(error.message).toContain('bad community [redacted]');
    expect(error.message).not.toContain(community);
  });

  it('resolves when a URL answers, and kill() ends the child at once', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const child = await startChildProcess({
        name: 'sleeper',
        args: node("process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);"),
        readyWhen: { url: `http://127.0.0.1:${port}/` },
      });
      expect(child.readyLine).toBe('');
      await child.kill();
      expect(child.running).toBe(false);
    } finally {
      server.close();
    }
  });
});
