import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { reniceProcess } from '../platform/renice-process.js';

/**
 * Runs one of the drill's load generators (trap-flood-worker.js, http-rate-worker.js: compiled next to
 * this file) as a child process with `job`, resolving with the result it sends back. `nice` lowers its
 * CPU priority: on this one machine the flood's senders stand in for the network, and must not take
 * the cores from the processes under test any more than a remote sender would.
 */
export function runInChild<Job, Result>(file: string, job: Job, nice = 0): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL(file, import.meta.url)), [], {
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    if (nice !== 0 && child.pid !== undefined) {
      const pid = child.pid;
      reniceProcess(pid, nice);
      // Again once Node is up: the threads it starts before its main thread was reniced keep the old value.
      setTimeout(() => child.exitCode === null && reniceProcess(pid, nice), 500).unref();
    }
    let settled = false;
    child.once('message', (message: { result?: Result; error?: string }) => {
      settled = true;
      if (message.error !== undefined) reject(new Error(`${file}: ${message.error}`));
      else resolve(message.result as Result);
      child.disconnect();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!settled) reject(new Error(`${file} exited with ${code} before reporting`));
    });
    child.send(job as never);
  });
}
