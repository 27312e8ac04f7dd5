import type { ServerResponse } from 'node:http';
import type { OverviewFeed } from './overview-feed.js';
import type { Overview } from './overview.js';

/**
 * One client's overview stream on a hijacked response: the first picture at once, then every newer
 * one the socket has room for, and a heartbeat comment when idle. A picture supersedes the last, so
 * while the socket is congested the ones in between are dropped rather than queued. Answers the stop
 * (also called when the client goes away).
 */
export function streamOverview(
  raw: ServerResponse,
  feed: OverviewFeed,
  first: Overview,
  heartbeatMs: number,
): () => void {
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  const send = (picture: Overview): void => {
    if (!raw.writableNeedDrain) raw.write(`event: overview\ndata: ${JSON.stringify(picture)}\n\n`);
  };
  raw.write('retry: 2000\n\n');
  send(first);
  const unlisten = feed.listen(send);
  const heartbeat = setInterval(() => {
    if (!raw.writableNeedDrain) raw.write(': ping\n\n');
  }, heartbeatMs);
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    clearInterval(heartbeat);
    unlisten();
    raw.end();
  };
  raw.on('close', stop);
  return stop;
}
