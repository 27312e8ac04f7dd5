import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { OpensFigures } from './fleet-bench-options.js';
import { measureOpens } from './fleet-opens.js';

interface OpensJob {
  apiUrl: string;
  headers: Record<string, string>;
  subscribers: string[];
  options: { rate: number; seconds: number };
}

/**
 * The opens, sent and timed on a thread of their own: the bench's main thread reads a million devices'
 * answers every second and sorts their lags every 30 s, and an answer that arrived meanwhile was timed
 * late by that much (p99 1.9 s at a million devices, of which the API's part was not known).
 */
export function measureOpensApart(job: OpensJob): Promise<OpensFigures> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: job });
    worker.once('message', (figures: OpensFigures) => resolve(figures));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the opens thread exited with code ${code}`));
    });
  });
}

if (!isMainThread && parentPort) {
  const job = workerData as OpensJob;
  const port = parentPort;
  void measureOpens(job.apiUrl, job.headers, job.subscribers, job.options).then((figures) =>
    port.postMessage(figures),
  );
}
