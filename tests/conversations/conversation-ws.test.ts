import { EventEmitter, once } from 'node:events';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { connect as connectTcp, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { compareIds, STREAM_ID_PATTERN } from '../../src/conversations/event-hub.js';
import { createWsSink, type WsSocket } from '../../src/conversations/ws-stream.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { connectSse } from '../helpers/sse-client.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { startTestService, type TestService } from '../helpers/test-service.js';
import { startTestSimulator } from '../helpers/test-simulator.js';

/**
 * The client is `ws`, the library @fastify/websocket serves with (Node 20 has no WebSocket without a
 * flag, and undici's does not show the status of a refused upgrade). It ships no types and the project
 * has no @types/ws, so the little used here is declared below and the module loaded with require.
 */
interface WsPeer extends WsSocket {
  pause(): void;
  resume(): void;
  on(event: 'open', listener: () => void): this;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  on(event: 'pong', listener: () => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(
    event: 'unexpected-response',
    listener: (request: ClientRequest, response: IncomingMessage) => void,
  ): this;
}
interface WsServer {
  address(): AddressInfo;
  on(event: 'connection', listener: (socket: WsPeer) => void): this;
  close(): void;
}
const ws = createRequire(import.meta.url)('ws') as {
  WebSocket: new (url: string, options?: { headers?: Record<string, string> }) => WsPeer & EventEmitter;
  WebSocketServer: new (options: { host: string; port: number }) => WsServer & EventEmitter;
};

interface Message {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

interface Client {
  messages: Message[];
  /** Binary frames received (the stream sends text only). */
  binary: number;
  /** The first message (from `from` on) that matches, or a rejection after `timeoutMs`. */
  waitFor(match: (message: Message) => boolean, timeoutMs?: number, from?: number): Promise<Message>;
  /** The close code the client saw. */
  closed: Promise<number>;
  close(): void;
}

/** A console on a WebSocket: collects the JSON text frames; rejects when the upgrade is refused. */
function connect(url: string, key: string | undefined): Promise<Client> {
  const socket = new ws.WebSocket(
    url,
    key === undefined ? {} : { headers: { authorization: `Bearer ${key}` } },
  );
  const messages: Message[] = [];
  const waiters = new Set<() => void>();
  let code: number | undefined;
  const closed = new Promise<number>((resolve) =>
    socket.on('close', (closeCode) => {
      code = closeCode;
      resolve(closeCode);
      for (const wake of waiters) wake();
    }),
  );
  socket.on('message', (data, isBinary) => {
    if (isBinary) client.binary += 1;
    messages.push(JSON.parse(data.toString('utf8')) as Message);
    for (const wake of waiters) wake();
  });
  const client: Client = {
    messages,
    binary: 0,
    closed,
    close: () => socket.close(),
    waitFor(match, timeoutMs = 10_000, from = 0) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = messages.slice(from).find(match);
          if (!found && code === undefined) return;
          waiters.delete(check);
          clearTimeout(timer);
          if (found) resolve(found);
          else
            reject(new Error(`closed (${code}) without it; got ${messages.map((m) => m.type).join(', ')}`));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`no such message in ${timeoutMs} ms; got ${messages.map((m) => m.type).join(', ')}`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
  return new Promise((resolve, reject) => {
    socket.on('open', () => resolve(client));
    socket.on('error', reject);
    socket.on('unexpected-response', (_request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        reject(
          Object.assign(new Error(`refused: ${response.statusCode}`), { status: response.statusCode, body }),
        ),
      );
    });
  });
}

/** The HTTP answer to an upgrade that must be refused: status and problem. */
async function refusal(url: string, key: string | undefined): Promise<{ status: number; code: string }> {
  try {
    const client = await connect(url, key);
    client.close();
    throw new Error('the upgrade was accepted');
  } catch (error) {
    const { status, body } = error as { status?: number; body?: string };
    if (status === undefined || body === undefined) throw error;
    return { status, code: (JSON.parse(body) as { code: string }).code };
  }
}

/**
 * An upgrade request on a bare TCP connection: the status line of the answer, and whether the server
 * closed the connection after a refusal (it must not hold sockets that will never be WebSockets).
 */
async function bareUpgrade(url: string, path: string): Promise<{ status: string; closedByServer: boolean }> {
  const { hostname, port } = new URL(url);
  const socket = connectTcp(Number(port), hostname);
  let answer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (answer += chunk));
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
  );
  const closedByServer = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 10_000);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  socket.destroy();
  return { status: answer.split('\r\n')[0] ?? '', closedByServer };
}

/** What a server-side `ws` socket is to the sink, with the calls counted. */
class FakeSocket extends EventEmitter implements WsSocket {
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  pings = 0;
  closedWith: number[] = [];
  terminated = false;
  send(data: string): void {
    this.sent.push(data);
  }
  ping(): void {
    this.pings += 1;
  }
  close(code = 1005): void {
    this.closedWith.push(code);
    this.readyState = 2;
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
  }
}

describe('createWsSink', () => {
  it('sends each event as one JSON text frame and ends once, when the client closes', () => {
    const socket = new FakeSocket();
    let ended = 0;
    const sink = createWsSink(socket, { heartbeatMs: 60_000, onClose: () => (ended += 1) });
    sink.send({ id: '5-1', type: 'suggestion.created', data: { kind: 'consultation' } });
    expect(socket.sent.map((s) => JSON.parse(s) as unknown)).toEqual([
      { id: '5-1', type: 'suggestion.created', data: { kind: 'consultation' } },
    ]);
    socket.readyState = 3;
    socket.emit('close');
    socket.emit('close');
    expect(ended).toBe(1);
    expect(sink.closed).toBe(true);
    sink.send({ id: '5-2', type: 'diagnosis', data: {} });
    expect(socket.sent).toHaveLength(1);
  });

  it('pings every heartbeat and cuts off a peer that did not answer the last ping', () => {
    vi.useFakeTimers();
    try {
      const socket = new FakeSocket();
      let ended = 0;
      const sink = createWsSink(socket, { heartbeatMs: 1_000, onClose: () => (ended += 1) });
      vi.advanceTimersByTime(1_000);
      expect(socket.pings).toBe(1);
      socket.emit('pong');
      vi.advanceTimersByTime(1_000);
      expect(socket.pings).toBe(2);
      expect(socket.terminated).toBe(false);
      expect(ended).toBe(0);
      vi.advanceTimersByTime(1_000);
      expect(socket.terminated).toBe(true);
      expect(ended).toBe(1);
      expect(sink.closed).toBe(true);
      vi.advanceTimersByTime(5_000);
      expect(socket.pings).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('closes a client that does not read with 1013 once its socket holds too much, and sends no more', async () => {
    const server = new ws.WebSocketServer({ host: '127.183.255.254', port: 0 });
    await once(server, 'listening');
    const accepted = new Promise<WsPeer>((resolve) => server.on('connection', resolve));
    const client = new ws.WebSocket(`ws://127.183.255.254:${server.address().port}`);
    await once(client, 'open');
    client.pause();
    const socket = await accepted;
    let ended = false;
    const sink = createWsSink(socket, {
      heartbeatMs: 60_000,
      maxBufferedBytes: 256 * 1024,
      onClose: () => (ended = true),
    });
    const data = { text: 'x'.repeat(64 * 1024) };
    let sent = 0;
    while (!sink.closed && sent < 1_000) {
      sink.send({ id: `1-${sent}`, type: 'diagnosis', data });
      sent += 1;
    }
    expect(sink.closed).toBe(true);
    expect(ended).toBe(true);
    expect(socket.bufferedAmount).toBeGreaterThan(256 * 1024);
    sink.send({ id: '2-0', type: 'diagnosis', data });

    let received = 0;
    let last = '';
    client.on('message', (frame) => {
      received += 1;
      last = (JSON.parse(frame.toString('utf8')) as Message).id;
    });
    const code = new Promise<number>((resolve) => client.on('close', resolve));
    client.resume();
    expect(await code).toBe(1013);
    expect(received).toBe(sent);
    expect(last).toBe(`1-${sent - 1}`);
    server.close();
  });
});

interface Opened {
  conversation: { id: string; subscriberId: string };
  lastEventId: string;
  ws: string;
}

/** Issue 5's stream over a WebSocket, through `vigil serve` as it runs, against the simulator over SNMP. */
describe('GET /v1/conversations/{id}/ws through serve', () => {
  let sim: Simulator;
  let redis: TestRedis;
  let service: TestService;
  const clients: Client[] = [];

  beforeAll(async () => {
    sim = await startTestSimulator({ firstOctet: 183, devices: 30, fanout: 9 });
    redis = await createTestRedis();
    service = await startTestService(sim, redis.prefix, undefined, {}, { intervalSeconds: 1 });
  }, 90_000);

  afterAll(async () => {
    for (const client of clients) client.close();
    await service?.close();
    await sim?.close();
    await redis?.close();
  });

  const cpes = () => sim.devices.filter((d) => d.kind === 'cpe');
  const subscriberOf = (deviceId: string) =>
    sim.fleet.inventory.subscribers.find((s) => s.deviceIds.includes(deviceId))!.id;
  const wsUrl = (path: string) => service.url.replace(/^http/, 'ws') + path;

  async function open(subscriberId: string): Promise<Opened> {
    const { status, body } = await service.api<Opened>('POST', '/v1/conversations', 'agent', {
      subscriberId,
      channel: 'chat',
      agentId: 'a-ws',
    });
    expect(status).toBe(201);
    return body;
  }

  async function follow(path: string, key: 'agent' | 'noc' = 'agent'): Promise<Client> {
    const client = await connect(wsUrl(path), service.keys[key]);
    clients.push(client);
    return client;
  }

  it(
    'opens with the snapshot, pushes the suggestion live, and replays it to a console reconnecting from lastEventId',
    { timeout: 90_000 },
    async () => {
      const cpe = cpes()[0]!;
      const subscriberId = subscriberOf(cpe.id);
      const opened = await open(subscriberId);
      expect(opened.ws).toBe(`/v1/conversations/${opened.conversation.id}/ws`);

      const live = await follow(opened.ws);
      const first = await live.waitFor(() => true);
      expect(first.type).toBe('diagnosis');
      expect(first.id).toMatch(STREAM_ID_PATTERN);
      expect(first.data).toMatchObject({ conversationId: opened.conversation.id });

      const beforeFault = live.messages.at(-1)!.id;
      sim.addFault(cpe.id, 'wan_down');
      const created = await live.waitFor(
        (m) => m.type === 'suggestion.created' && m.data.kind === 'consultation',
        60_000,
      );
      expect(created.data).toMatchObject({ kind: 'consultation', deviceId: cpe.id });
      const liveIds = live.messages.map((m) => m.id);
      expect(new Set(liveIds).size).toBe(liveIds.length);
      expect(live.binary).toBe(0);
      live.close();
      await live.closed;

      // The console missed nothing: what came after its last id comes again, in order, once each.
      const resumed = await follow(`${opened.ws}?lastEventId=${beforeFault}`);
      const replayed = await resumed.waitFor((m) => m.id === created.id);
      expect(replayed).toEqual(created);
      const ids = resumed.messages.map((m) => m.id);
      expect(ids.every((id) => compareIds(id, beforeFault) > 0)).toBe(true);
      expect([...ids].sort(compareIds)).toEqual(ids);
      expect(new Set(ids).size).toBe(ids.length);

      // Server-sent events follow the same way: the same event under the same id.
      const sse = await connectSse(`${service.url}/v1/conversations/${opened.conversation.id}/events`, {
        authorization: `Bearer ${service.keys.agent}`,
        'last-event-id': beforeFault,
      });
      try {
        const again = await sse.waitFor((e) => e.id === created.id);
        expect({ id: again.id, type: again.type, data: again.data }).toEqual(created);
        expect(sse.events.every((e) => compareIds(e.id, beforeFault) > 0)).toBe(true);
      } finally {
        sse.close();
      }
      sim.removeFaults(cpe.id);
    },
  );

  it('refuses before upgrading: 401 without a key, 403 for admin, 404 and 409 for conversations', async () => {
    const opened = await open(subscriberOf(cpes()[1]!.id));
    expect(await refusal(wsUrl(opened.ws), undefined)).toEqual({ status: 401, code: 'ERR_AUTH_MISSING' });
    expect(await bareUpgrade(service.url, opened.ws)).toEqual({
      status: 'HTTP/1.1 401 Unauthorized',
      closedByServer: true,
    });
    expect(await refusal(wsUrl(opened.ws), 'not-a-key')).toEqual({ status: 401, code: 'ERR_AUTH_INVALID' });
    expect(await refusal(wsUrl(opened.ws), service.keys.admin)).toEqual({
      status: 403,
      code: 'ERR_AUTH_FORBIDDEN',
    });
    expect(await refusal(wsUrl('/v1/conversations/nope/ws'), service.keys.agent)).toEqual({
      status: 404,
      code: 'ERR_CONVERSATION_NOT_FOUND',
    });
    // An id that is no event id cannot be resumed from: the socket opens with a reset and the picture now.
    const malformed = await follow(`${opened.ws}?lastEventId=yesterday`);
    const reset = await malformed.waitFor(() => true);
    expect(reset).toMatchObject({ type: 'reset', data: { reason: 'malformed' } });
    malformed.close();
    const plain = await service.api<{ code: string }>('GET', opened.ws, 'agent');
    expect(plain).toMatchObject({ status: 400, body: { code: 'ERR_REQUEST_INVALID' } });

    // The NOC follows as agents do; closing the conversation closes its sockets, and it stays closed.
    const noc = await follow(opened.ws, 'noc');
    expect((await noc.waitFor(() => true)).type).toBe('diagnosis');
    expect((await service.api('DELETE', `/v1/conversations/${opened.conversation.id}`, 'agent')).status).toBe(
      204,
    );
    expect(await noc.closed).toBe(1000);
    expect(await refusal(wsUrl(opened.ws), service.keys.agent)).toEqual({
      status: 409,
      code: 'ERR_CONVERSATION_CONFLICT',
    });
  });
});
