import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

/** Children still running when the bench exits, however it exits: no orphans. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface BenchChild {
  name: string;
  pid: number;
  /** When it was spawned, ms since epoch (a CPU profile's clock starts about then). */
  spawnedAt: number;
  /** The fields of the JSON log line that announced readiness. */
  ready: Record<string, unknown>;
  /** The last lines it logged, for a failure message. */
  tail(): string;
  /** User + system CPU seconds it (not its children) has used so far, from /proc. */
  cpuSeconds(): number;
  /** Resident memory now, MB, from /proc. */
  rssMb(): number;
  /** Lines logged so far whose `msg` matches, parsed (for warnings worth reporting). */
  logged(msg: RegExp): Record<string, unknown>[];
  stop(): Promise<void>;
}

/**
 * A `vigil` command as a child process of the bench, resolved when it logs `readyMsg`; unlike the
 * demo's helper it exposes the pid (CPU and memory readings) and takes Node flags (`--cpu-prof`).
 */
export function startBenchChild(
  name: string,
  args: string[],
  env: Record<string, string>,
  readyMsg: string,
  options: { nodeArgs?: string[]; timeoutMs?: number } = {},
): Promise<BenchChild> {
  const spawnedAt = Date.now();
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), MAIN, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const lines: string[] = [];
  const kept: Record<string, unknown>[] = [];
  const tail = (): string => lines.slice(-15).join('\n');
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };
  const stat = (): string[] => {
    try {
      const text = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      return text.slice(text.lastIndexOf(')') + 2).split(' ');
    } catch {
      return [];
    }
  };
  return new Promise((resolve, reject) => {
    let buffered = '';
    let ready = false;
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${name} was not ready within ${options.timeoutMs ?? 120_000} ms:\n${tail()}`));
    }, options.timeoutMs ?? 120_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        lines.push(line);
        if (lines.length > 200) lines.shift();
        let record: Record<string, unknown> | undefined;
        try {
          record = JSON.parse(line) as Record<string, unknown>;
        } catch {
          // Not a JSON log line (a library's warning): kept in the tail only.
        }
        if (!record) continue;
        if (typeof record.level === 'number' && record.level >= 40 && kept.length < 1000) kept.push(record);
        if (!ready && record.msg === readyMsg) {
          ready = true;
          clearTimeout(timer);
          resolve({
            name,
            pid: child.pid as number,
            spawnedAt,
            ready: record,
            tail,
            // Fields 14 and 15 of /proc/<pid>/stat (utime, stime), in clock ticks of 1/100 s.
            cpuSeconds: () => {
              const fields = stat();
              return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / 100;
            },
            rssMb: () => Math.round((Number(stat()[21] ?? 0) * 4096) / 2 ** 20),
            logged: (msg) => kept.filter((r) => typeof r.msg === 'string' && msg.test(r.msg)),
            stop,
          });
        }
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`${name} exited (${signal ?? code}) before it was ready:\n${tail()}`));
    });
  });
}
