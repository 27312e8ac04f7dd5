import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * A child that logs through createLogger's standard destination, runs `body`, and reports on stdout.
 * Its stderr is a pipe the test reads or stops reading, as journald or a supervisor would.
 */
function loggingChild(body: string) {
  const script = `
    import { createLogger, droppedLogLines } from './src/platform/logger.ts';
    const log = createLogger({ name: 'logger-test' });
    const line = 'x'.repeat(400);
    ${body}`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => stdout.push(chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const said = (text: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`child never said "${text}"; said ${stdout.join('')}`)),
        20_000,
      );
      const check = (): void => {
        if (!stdout.join('').includes(text)) return;
        clearTimeout(timer);
        resolve();
      };
      child.stdout.on('data', check);
      check();
    });
  return { child, said, stdout: () => stdout.join(''), stderr: () => stderr, exited };
}

const logLines = (text: string): string[] => text.split('\n').filter((l) => l.includes('"logger-test"'));

describe('createLogger on standard error', () => {
  it('keeps the event loop running while nobody reads the log, and loses no line of it', async () => {
    // 2 MB of lines: 30 times a pipe's buffer. Written synchronously, the first full pipe blocks the child.
    const run = loggingChild(`
      for (let i = 0; i < 5000; i++) log.info({ i, line }, 'request completed');
      // Long enough for the full pipe to refuse a chunk: its retry is pending when the process exits.
      await new Promise((resolve) => setTimeout(resolve, 250));
      process.stdout.write('loop ran, dropped ' + droppedLogLines() + '\\n');
      // Exit writes what is still buffered, synchronously: the test reads again by then.
      process.exit(0);
    `);
    run.child.stderr.pause();
    await run.said('loop ran');
    run.child.stderr.resume();
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toContain('loop ran, dropped 0');
    const lines = logLines(run.stderr());
    expect(lines).toHaveLength(5000);
    // Every line once, in the order written.
    expect(lines.map((l) => (JSON.parse(l) as { i: number }).i)).toEqual([...Array(5000).keys()]);
    expect(JSON.parse(lines.at(-1) as string)).toMatchObject({ i: 4999, msg: 'request completed' });
  });

  it('drops and counts what outgrows its buffer while the reader is stalled, then says how many', async () => {
    // 12 MB of lines against an 8 MB buffer: the rest is dropped, counted, and reported once.
    const run = loggingChild(`
      for (let i = 0; i < 30000; i++) log.info({ i, line }, 'request completed');
      process.stdout.write('dropped ' + droppedLogLines() + '\\n');
      setInterval(() => {}, 1000);
    `);
    run.child.stderr.pause();
    await run.said('dropped ');
    const dropped = Number(/dropped (\d+)/.exec(run.stdout())?.[1]);
    run.child.stderr.resume();
    const deadline = Date.now() + 20_000;
    while (!run.stderr().includes('log lines dropped') && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    run.child.kill('SIGTERM');
    await run.exited;
    expect(dropped).toBeGreaterThan(0);
    const lines = logLines(run.stderr());
    const warning = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.droppedLines);
    expect(warning).toMatchObject({ level: 40, droppedLines: dropped });
    expect(lines.length - 1 + dropped).toBe(30000);
  });

  it('writes what is still buffered when the process exits at once', async () => {
    const run = loggingChild(`
      for (let i = 0; i < 2000; i++) log.info({ i, line }, 'request completed');
      process.exit(0);
    `);
    expect(await run.exited).toBe(0);
    expect(logLines(run.stderr())).toHaveLength(2000);
  });
});
