import type { EventEmitter } from 'node:events';
import { Job, type Queue, type QueueEvents } from 'bullmq';

/**
 * Waits for a job to finish: its return value, or a rejection when it failed, timed out or Redis
 * could not be asked. BullMQ's own `job.waitUntilFinished` asks Redis inside a Promise executor, so
 * an error there (a fail-fast connection while Redis is away) escapes as an unhandled rejection, which
 * stops `vigil serve`; here every Redis call's error settles the one promise the caller awaits.
 */
export async function waitForJob(
  queue: Queue,
  events: QueueEvents,
  jobId: string,
  timeoutMs: number,
): Promise<unknown> {
  await events.waitUntilReady();
  // QueueEvents emits `completed:<id>` and `failed:<id>` too (what waitUntilFinished listens to), untyped.
  const emitter = events as unknown as EventEmitter;
  return new Promise((resolve, reject) => {
    let settled = false;
    const completedEvent = `completed:${jobId}`;
    const failedEvent = `failed:${jobId}`;
    const settle = (finish: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      emitter.off(completedEvent, onCompleted);
      emitter.off(failedEvent, onFailed);
      finish();
    };
    const onCompleted = (args: { returnvalue: unknown }): void => settle(() => resolve(args.returnvalue));
    const onFailed = (args: { failedReason: string }): void =>
      settle(() => reject(new Error(args.failedReason)));
    const timer = setTimeout(
      () => settle(() => reject(new Error(`job ${jobId} did not finish within ${timeoutMs} ms`))),
      timeoutMs,
    );
    emitter.on(completedEvent, onCompleted);
    emitter.on(failedEvent, onFailed);
    // It may have finished before the listeners were there: asked once now that they are.
    Job.fromId(queue, jobId).then(
      (job) => {
        if (job?.finishedOn === undefined) return;
        if (job.failedReason) settle(() => reject(new Error(job.failedReason)));
        else settle(() => resolve(job.returnvalue));
      },
      (error: unknown) => settle(() => reject(error instanceof Error ? error : new Error(String(error)))),
    );
  });
}
