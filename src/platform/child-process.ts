import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { redactSecrets, secretEnvValues } from './secret-env-values.js';

/**
 * One deadline from SIGTERM to SIGKILL for every child we start: `vigil serve`'s own shutdown deadline
 * (10 s, cli/serve-command.ts) plus 5 s to exit and write a `--cpu-prof` profile. A child still
 * running after that is stuck, not slow; the simulator stops in well under a second.
 */
export const STOP_DEADLINE_MS = 15_000;

/** Ready when a line of output matches, or when a URL gives any HTTP answer. */
export type ReadyWhen = { line: (line: string) => boolean } | { url: string };

export interface ChildProcessOptions {
  name: string;
  args: readonly string[];
  /** Added to this process's environment; its credential values never appear in an error message. */
  env?: Readonly<Record<string, string>>;
  /** The executable: Node by default (`args` then start with the script). */
  command?: string;
  readyWhen: ReadyWhen;
  readyTimeoutMs?: number;
  /** Every line the child writes on stdout or stderr, as it comes (the ready line included). */
  onLine?: (line: string) => void;
}

export interface SupervisedChild {
  readonly name: string;
  readonly pid: number;
  /** When it was spawned, ms since epoch. */
  readonly spawnedAt: number;
  /** The line that announced readiness ('' when a URL did). */
  readonly readyLine: string;
  /** The last lines of its output, credentials blanked: for an error message. */
  readonly tail: () => string;
  readonly running: boolean;
  /** SIGTERM, then SIGKILL after STOP_DEADLINE_MS; resolves once it has exited. */
  readonly stop: () => Promise<void>;
  /** SIGKILL at once (a crash, for tests that prove nothing is lost); resolves once it has exited. */
  readonly kill: () => Promise<void>;
}

const TAIL_LINES = 15;

/**
 * Children still running when this process exits, however it exits: killed so none is left an orphan.
 * At `exit` nothing can wait for a graceful stop, so SIGKILL (the simulator's shard processes follow
 * their parent through the IPC channel).
 */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

const exited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

/** Calls `onLine` for every complete line of a stream. */
function readLines(stream: Readable | null, onLine: (line: string) => void): void {
  let buffered = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      onLine(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
    }
  });
}

/** Sends `signal`, then SIGKILL if it is still running after `deadlineMs`; resolves once it exited. */
async function endChild(child: ChildProcess, signal: NodeJS.Signals, deadlineMs: number): Promise<void> {
  if (exited(child)) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
  await gone;
  clearTimeout(timer);
}

/** Resolves once `url` gives any HTTP answer (a refused connection means not yet). */
async function urlAnswers(url: string, stillWaiting: () => boolean): Promise<void> {
  while (stillWaiting()) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      await sleep(100);
    }
  }
}

/**
 * Starts a child process and resolves when it is ready; rejects (and stops it) when it exits first or
 * is not ready in time, with the tail of its output in the message and the environment's credentials
 * blanked out of it. The vigil commands (`vigil serve`, `vigil sim`) are run by the demo and the
 * benches through this one supervisor.
 */
export function startChildProcess(options: ChildProcessOptions): Promise<SupervisedChild> {
  const env = options.env ?? {};
  const secrets = secretEnvValues(env);
  const spawnedAt = Date.now();
  const child = spawn(options.command ?? process.execPath, [...options.args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const lines: string[] = [];
  const tail = (): string => redactSecrets(lines.slice(-TAIL_LINES).join('\n'), secrets);
  const supervised = (readyLine: string): SupervisedChild => ({
    name: options.name,
    pid: child.pid as number,
    spawnedAt,
    readyLine,
    tail,
    get running() {
      return !exited(child);
    },
    stop: () => endChild(child, 'SIGTERM', STOP_DEADLINE_MS),
    kill: () => endChild(child, 'SIGKILL', 0),
  });
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error: Error | undefined, readyLine = ''): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!error) return resolve(supervised(readyLine));
      void endChild(child, 'SIGTERM', STOP_DEADLINE_MS).finally(() => reject(error));
    };
    const timeoutMs = options.readyTimeoutMs ?? 60_000;
    const timer = setTimeout(
      () => settle(new Error(`${options.name} was not ready within ${timeoutMs} ms:\n${tail()}`)),
      timeoutMs,
    );
    const onLine = (line: string): void => {
      lines.push(line);
      if (lines.length > TAIL_LINES * 10) lines.splice(0, lines.length - TAIL_LINES);
      options.onLine?.(line);
      if ('line' in options.readyWhen && !settled && options.readyWhen.line(line)) settle(undefined, line);
    };
    readLines(child.stdout, onLine);
    readLines(child.stderr, onLine);
    child.once('error', (error: NodeJS.ErrnoException) =>
      settle(new Error(`${options.name} did not start (${error.code ?? 'spawn failed'})`)),
    );
    // `close`, not `exit`: by then its last lines are read, so the message shows why it stopped.
    child.once('close', (code, signal) =>
      settle(new Error(`${options.name} exited (${signal ?? code}) before it was ready:\n${tail()}`)),
    );
    if ('url' in options.readyWhen)
      void urlAnswers(options.readyWhen.url, () => !settled).then(() => settle(undefined));
  });
}
