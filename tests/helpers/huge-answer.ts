import type { ServerResponse } from 'node:http';

/** What became of one streamed answer: all of it went out, or the client hung up first. */
export interface StreamedAnswer {
  bytesWritten: number;
  /** Resolves once the response is over: `finished` true only if every byte was written. */
  done: Promise<{ finished: boolean; bytesWritten: number }>;
}

const CHUNK = Buffer.alloc(64 * 1024, 'x');

/**
 * Answers with `totalBytes` of body generated on the fly, one reused 64 KiB chunk at a time and only
 * as fast as the client reads (backpressure), so the server side holds no more than a chunk or two: any
 * memory growth measured around it is the client's.
 */
export function streamHugeAnswer(
  res: ServerResponse,
  status: number,
  totalBytes: number,
  headers: Record<string, string> = {},
): StreamedAnswer {
  const answer: StreamedAnswer = {
    bytesWritten: 0,
    done: new Promise((resolve) => {
      res.on('close', () => resolve({ finished: res.writableFinished, bytesWritten: answer.bytesWritten }));
    }),
  };
  res.writeHead(status, { 'content-type': 'application/octet-stream', ...headers });
  const pump = (): void => {
    while (answer.bytesWritten < totalBytes && !res.destroyed) {
      const chunk = CHUNK.subarray(0, Math.min(CHUNK.length, totalBytes - answer.bytesWritten));
      answer.bytesWritten += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  pump();
  return answer;
}

export interface MemoryPeak {
  /** Largest growth over the baseline seen while `work` ran, in bytes. */
  rss: number;
  heapUsed: number;
  arrayBuffers: number;
}

/**
 * Runs `work` and samples process.memoryUsage() every few milliseconds while it runs: the peak growth,
 * not the end state, says whether a body was buffered (a buffered body may be collected by the end).
 */
export async function memoryPeakDuring<T>(work: () => Promise<T>): Promise<{ result: T; peak: MemoryPeak }> {
  const base = process.memoryUsage();
  const peak: MemoryPeak = { rss: 0, heapUsed: 0, arrayBuffers: 0 };
  const sample = (): void => {
    const now = process.memoryUsage();
    peak.rss = Math.max(peak.rss, now.rss - base.rss);
    peak.heapUsed = Math.max(peak.heapUsed, now.heapUsed - base.heapUsed);
    peak.arrayBuffers = Math.max(peak.arrayBuffers, now.arrayBuffers - base.arrayBuffers);
  };
  const timer = setInterval(sample, 5);
  try {
    const result = await work();
    sample();
    return { result, peak };
  } finally {
    clearInterval(timer);
  }
}

export const MiB = 1024 * 1024;
