import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startChildProcess } from '../platform/child-process.js';

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

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
  /** The HTTP answers it logged as completed between two times (ms since epoch): their own time, ms. */
  responseTimesMs(fromMs: number, toMs: number): number[];
  /** True until it has exited. */
  readonly running: boolean;
  stop(): Promise<void>;
  /** SIGKILL at once: a crash (the fault drills). */
  kill(): Promise<void>;
}

/** The fields of /proc/<pid>/stat after the command name; none once the process is gone. */
function procStat(pid: number): string[] {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return [];
  }
}

function parseLogLine(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined; // Not a JSON log line (a library's warning): kept in the tail only.
  }
}

/**
 * A `vigil` command as a child process of the bench (platform/child-process.ts supervises it), resolved
 * when it logs `readyMsg`; with its pid's CPU and memory readings, its warnings kept, and Node flags
 * (`--cpu-prof`).
 */
export async function startBenchChild(
  name: string,
  args: string[],
  env: Record<string, string>,
  readyMsg: string,
  options: { nodeArgs?: string[]; timeoutMs?: number } = {},
): Promise<BenchChild> {
  let last: Record<string, unknown> | undefined;
  const kept: Record<string, unknown>[] = [];
  // Fastify's "request completed" lines: [when, responseTime] pairs, capped.
  const answered: number[] = [];
  const child = await startChildProcess({
    name,
    args: [...(options.nodeArgs ?? []), MAIN, ...args],
    env,
    readyTimeoutMs: options.timeoutMs ?? 120_000,
    onLine: (line) => {
      last = parseLogLine(line);
      if (last && typeof last.level === 'number' && last.level >= 40 && kept.length < 1000) kept.push(last);
      if (last?.msg === 'request completed' && typeof last.responseTime === 'number' && answered.length < 2e6)
        answered.push(Number(last.time), last.responseTime);
    },
    readyWhen: { line: () => last?.msg === readyMsg },
  });
  const ready = parseLogLine(child.readyLine) ?? {};
  return {
    name,
    pid: child.pid,
    spawnedAt: child.spawnedAt,
    ready,
    tail: child.tail,
    // Fields 14 and 15 of /proc/<pid>/stat (utime, stime), in clock ticks of 1/100 s.
    cpuSeconds: () => {
      const fields = procStat(child.pid);
      return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / 100;
    },
    rssMb: () => Math.round((Number(procStat(child.pid)[21] ?? 0) * 4096) / 2 ** 20),
    logged: (msg) => kept.filter((r) => typeof r.msg === 'string' && msg.test(r.msg)),
    responseTimesMs: (fromMs, toMs) => {
      const times: number[] = [];
      for (let i = 0; i < answered.length; i += 2) {
        const at = answered[i] as number;
        if (at >= fromMs && at <= toMs) times.push(answered[i + 1] as number);
      }
      return times;
    },
    get running() {
      return child.running;
    },
    stop: child.stop,
    kill: child.kill,
  };
}
