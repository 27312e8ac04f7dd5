import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { reniceProcess } from '../../src/platform/renice-process.js';

/** Field 19 of /proc/<pid>/task/<tid>/stat (after the command name): the thread's niceness. */
function threadNiceness(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe('reniceProcess', () => {
  let child: ChildProcess | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });

  it("gives every thread of a running Node process the niceness, not only its main thread's", async () => {
    child = spawn(process.execPath, ['-e', 'console.log("up"); setInterval(() => {}, 1000)'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await once(child.stdout!, 'data');
    const pid = child.pid!;
    // A started Node process runs several threads (V8's platform workers, libuv's): each has its own.
    expect(threadNiceness(pid).length).toBeGreaterThan(1);
    reniceProcess(pid, 7);
    expect(new Set(threadNiceness(pid))).toEqual(new Set([7]));
  });

  it('leaves alone a process that has already ended', async () => {
    child = spawn(process.execPath, ['-e', '0']);
    const pid = child.pid!;
    await once(child, 'exit');
    expect(() => reniceProcess(pid, 7)).not.toThrow();
  });
});
