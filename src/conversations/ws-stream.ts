import type { EventSink } from './sse-stream.js';

/**
 * Bytes a socket may hold unsent (RFC 6455 has no flow control of its own); past this the client is too
 * slow, the stream closes with 1013 and the client reconnects with its last id and replays.
 */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** RFC 6455 section 7.4.1 and the IANA registry: the close codes this stream ends with. */
export const WS_CLOSE = { normal: 1000, internalError: 1011, tryAgainLater: 1013 } as const;

const OPEN = 1;

/** The part of a `ws` WebSocket (the server side of @fastify/websocket) that a sink uses. */
export interface WsSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string): void;
  ping(): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'close' | 'pong', listener: () => void): unknown;
}

export interface WsSink extends EventSink {
  /** Ends the stream with a close frame: 1000 by default (the conversation closed, the server stops). */
  close(code?: number, reason?: string): void;
}

/**
 * A conversation's events on a WebSocket: one JSON text frame `{"id","type","data"}` per event, ping
 * frames as heartbeats. A peer that has not answered the previous ping by the next one is gone and is
 * cut off (the pong is automatic in every client). A client that does not read is closed with 1013
 * rather than buffer without bound; its reconnect with `?lastEventId=` loses nothing.
 */
export function createWsSink(
  socket: WsSocket,
  options: { heartbeatMs: number; maxBufferedBytes?: number; onClose: () => void },
): WsSink {
  const maxBuffered = options.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
  let closed = false;
  let answered = true;
  const heartbeat = setInterval(() => {
    if (closed || socket.readyState !== OPEN) return;
    if (!answered) {
      finish();
      socket.terminate();
      return;
    }
    answered = false;
    socket.ping();
  }, options.heartbeatMs);
  const finish = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    options.onClose();
  };
  socket.on('pong', () => {
    answered = true;
  });
  socket.on('close', finish);
  const sink: WsSink = {
    send(event) {
      if (closed || socket.readyState !== OPEN) return;
      const data = event.json ?? JSON.stringify(event.data);
      socket.send(`{"id":${JSON.stringify(event.id)},"type":${JSON.stringify(event.type)},"data":${data}}`);
      if (socket.bufferedAmount > maxBuffered)
        sink.close(WS_CLOSE.tryAgainLater, 'too far behind: reconnect with lastEventId');
    },
    close(code: number = WS_CLOSE.normal, reason = '') {
      if (closed) return;
      finish();
      socket.close(code, reason);
    },
    get closed() {
      return closed;
    },
  };
  if (socket.readyState !== OPEN) finish();
  return sink;
}
