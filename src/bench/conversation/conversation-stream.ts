import { openSse, type SseEvent } from '../bench-http.js';
import type { Stack } from './stack.js';

export interface Opened {
  conversation: { id: string };
  lastEventId: string;
}

/** POST /v1/conversations as an agent: the conversation and the stream position it was opened at. */
export async function openConversation(stack: Stack, subscriberId: string, agent: string): Promise<Opened> {
  const answer = await stack.api('POST', '/v1/conversations', 'agent', {
    subscriberId,
    channel: 'chat',
    agentId: agent,
  });
  if (answer.status !== 201) throw new Error(`HTTP ${answer.status}`);
  return JSON.parse(answer.text) as Opened;
}

/** A conversation's stream with its events kept (small ones whole), and a wait for one of them. */
export interface Watch {
  events: SseEvent[];
  waitFor(match: (event: SseEvent) => boolean, timeoutMs: number): Promise<SseEvent | undefined>;
  close(): void;
}

/** Follows a conversation's stream from `lastEventId` (its start without one). */
export async function watch(stack: Stack, conversationId: string, lastEventId?: string): Promise<Watch> {
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  const stream = await openSse(
    `${stack.url}/v1/conversations/${conversationId}/events`,
    { ...stack.agentHeaders, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    (event) => {
      events.push(event.data.length > 65_536 ? { ...event, data: event.data.slice(0, 4096) } : event);
      for (const wake of waiters) wake();
    },
    () => {
      for (const wake of waiters) wake();
    },
  );
  if (stream.status !== 200) throw new Error(`stream: HTTP ${stream.status}`);
  return {
    events,
    waitFor(match, timeoutMs) {
      return new Promise((resolve) => {
        let from = 0;
        const check = (): void => {
          for (; from < events.length; from++) {
            const event = events[from] as SseEvent;
            if (match(event)) return done(event);
          }
          if (stream.ended) done(undefined);
        };
        const timer = setTimeout(() => done(undefined), timeoutMs);
        const done = (event: SseEvent | undefined): void => {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(event);
        };
        waiters.add(check);
        check();
      });
    },
    close: () => stream.close(),
  };
}

/** The diagnosis a fresh probe of the subscriber's devices produced (not the snapshot's). */
export const isFreshProbe = (event: SseEvent): boolean =>
  event.type === 'diagnosis' && event.data.includes('"probes":[');
