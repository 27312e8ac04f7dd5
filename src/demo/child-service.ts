import { fileURLToPath } from 'node:url';
import { startChildProcess } from '../platform/child-process.js';
import { secretEnvValues } from '../platform/secret-env-values.js';

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

function readyRecord(line: string, readyMsg: string): Record<string, unknown> | undefined {
  try {
    const record = JSON.parse(line) as Record<string, unknown>;
    return record.msg === readyMsg ? record : undefined;
  } catch {
    return undefined; // Not a JSON log line (a warning from a library): kept in the tail only.
  }
}

/**
 * Runs one `vigil` command as a child process (platform/child-process.ts supervises it) and resolves
 * when it logs the line with `readyMsg`: the demo shows the service and the simulator as the separate
 * processes they are in production.
 */
export async function startChildService(
  name: string,
  args: string[],
  env: Record<string, string>,
  readyMsg: string,
  timeoutMs = 60_000,
  main = MAIN,
): Promise<ChildService> {
  // Secrets to watch for in the whole log (tests prove none is ever written): checked line by line.
  const watched = new Set<string>(secretEnvValues(env));
  const seen = new Set<string>();
  let logBytes = 0;
  const child = await startChildProcess({
    name,
    args: [main, ...args],
    env,
    readyTimeoutMs: timeoutMs,
    onLine: (line) => {
      logBytes += line.length + 1;
      for (const needle of watched) if (line.includes(needle)) seen.add(needle);
    },
    readyWhen: { line: (line) => readyRecord(line, readyMsg) !== undefined },
  });
  return {
    name,
    ready: readyRecord(child.readyLine, readyMsg) ?? {},
    tail: child.tail,
    stop: child.stop,
    kill: child.kill,
    logContains: (needles) => {
      for (const needle of needles) watched.add(needle);
      return { bytes: logBytes, found: needles.filter((n) => seen.has(n)) };
    },
  };
}
