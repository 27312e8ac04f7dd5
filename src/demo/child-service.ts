import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ChildService {
  name: string;
  /** The fields of the JSON log line that announced readiness. */
  ready: Record<string, unknown>;
  /** The last lines it logged, for a failure message. */
  tail(): string;
  /**
   * How many bytes of log it has written so far, and which of `needles` appeared in them. The secrets
   * of its environment (API keys, communities, secrets) are watched from the first line.
   */
  logContains(needles: readonly string[]): { bytes: number; found: string[] };
  stop(): Promise<void>;
  /** Kills it at once (SIGKILL): a crash, for the tests that prove nothing is lost. */
  kill(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

/** Children still running are killed when this process exits, however it exits: no orphans. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGTERM');
});

/**
 * Runs one `vigil` command as a child process and resolves when it logs the line with `readyMsg`:
 * the demo shows the service and the simulator as the separate processes they are in production.
 */
export function startChildService(
  name: string,
  args: string[],
  env: Record<string, string>,
  readyMsg: string,
  timeoutMs = 60_000,
  main = MAIN,
): Promise<ChildService> {
  const child: ChildProcess = spawn(process.execPath, [main, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const lines: string[] = [];
  const tail = (): string => lines.slice(-15).join('\n');
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };

  // Secrets to watch for in the whole log (tests prove none is ever written): checked line by line.
  const watched = new Set<string>(
    Object.entries(env)
      .filter(([name]) => /KEYS?$|COMMUNITY|SECRET|TOKEN|PASSWORD/.test(name))
      .flatMap(([name, value]) =>
        name === 'VIGIL_API_KEYS'
          ? value.split(',').map((entry) => entry.slice(entry.indexOf(':') + 1))
          : [value],
      )
      .filter((value) => value.length >= 8),
  );
  const seen = new Set<string>();
  let logBytes = 0;
  const logContains = (needles: readonly string[]): { bytes: number; found: string[] } => {
    for (const needle of needles) watched.add(needle);
    return { bytes: logBytes, found: needles.filter((n) => seen.has(n)) };
  };

  const kill = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };

  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${name} was not ready within ${timeoutMs} ms:\n${tail()}`));
    }, timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        lines.push(line);
        if (lines.length > 200) lines.shift();
        logBytes += line.length + 1;
        for (const needle of watched) if (line.includes(needle)) seen.add(needle);
        try {
          const record = JSON.parse(line) as Record<string, unknown>;
          if (record.msg === readyMsg) {
            clearTimeout(timer);
            resolve({ name, ready: record, tail, stop, kill, logContains });
          }
        } catch {
          // Not a JSON log line (a warning from a library): kept in the tail only.
        }
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${signal ?? code}) before it was ready:\n${tail()}`));
    });
  });
}
