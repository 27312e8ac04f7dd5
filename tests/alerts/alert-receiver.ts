/** A webhook receiver on 127.0.0.1 for the alerts tests, and the incidents they publish. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { streamHugeAnswer, type StreamedAnswer } from '../helpers/huge-answer.js';

interface Received {
  body: string;
  headers: IncomingMessage['headers'];
}

interface Answer {
  status: number;
  headers?: Record<string, string>;
  /** A body of this many bytes, generated as the client reads it. */
  hugeBytes?: number;
}

/** A field system listening for alerts; answers with whatever the test queues (200 by default). */
export function startReceiver(): Promise<{
  server: Server;
  url: string;
  port: number;
  received: Received[];
  answers: Answer[];
  /** Huge answers sent so far, in order. */
  streamed: StreamedAnswer[];
}> {
  const received: Received[] = [];
  const answers: Answer[] = [];
  const streamed: StreamedAnswer[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ body, headers: req.headers });
      const answer = answers.shift() ?? { status: 200 };
      if (answer.hugeBytes !== undefined)
        streamed.push(streamHugeAnswer(res, answer.status, answer.hugeBytes, answer.headers));
      else {
        res.writeHead(answer.status, answer.headers ?? {});
        res.end();
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({ server, url: `http://127.0.0.1:${port}/alerts`, port, received, answers, streamed });
    }),
  );
}

export const incident = (id: string, subscribers: string[], extra: Record<string, unknown> = {}) => ({
  id,
  kind: 'outage',
  state: 'open',
  rootDeviceId: id.split(':')[1],
  affectedDeviceIds: [id.split(':')[1]],
  affectedSubscriberIds: subscribers,
  suppressAlerts: false,
  ...extra,
});
