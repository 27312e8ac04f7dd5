import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Gives every thread of a running process the niceness `nice`. On Linux, setpriority(2) on a pid changes
 * only the thread with that id: a Node process's V8 and libuv threads, started with it, would keep their
 * own, and the GC's helpers would still run at the old priority. systemd's `Nice=` applies before exec,
 * so every thread inherits it; this is the same for a process already started.
 */
export function reniceProcess(pid: number, nice: number): void {
  let threads: number[];
  try {
    threads = readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    threads = [pid]; // no /proc (not Linux): the process's own priority is all there is
  }
  for (const tid of threads) {
    try {
      setPriority(tid, nice);
    } catch (error) {
      // A thread that ended between the listing and here has nothing left to renice.
      if (!isNoSuchProcess(error)) throw error;
    }
  }
}

/** os.setPriority throws a SystemError whose errno name is in `info.code` (its own `code` is generic). */
function isNoSuchProcess(error: unknown): boolean {
  const { code, info } = error as { code?: string; info?: { code?: string } };
  return code === 'ESRCH' || info?.code === 'ESRCH';
}
