import { describe, expect, it } from 'vitest';

// console/ is browser JavaScript checked by its own tsconfig; the test names the shapes it uses.
type Lookup = { phone: string } | { subscriberId: string } | { account: string } | null;
const { allowedOrigins, hostOrigin, lookupOf, readHostMessage } = (await import(
  new URL('../../console/embed-protocol.js', import.meta.url).href
)) as {
  allowedOrigins: (content: string) => string[];
  hostOrigin: (ancestors: string[], referrer: string, origins: string[]) => string | undefined;
  lookupOf: (given: Record<string, string>, query: URLSearchParams) => Lookup;
  readHostMessage: (
    event: { origin: string; source: unknown; data: unknown },
    origins: string[],
    parent: unknown,
  ) => Record<string, unknown> | null;
};

const HOST = 'https://crm.example.com';
const parent = { name: 'the framing window' };
const TOKEN = `vet_${'a'.repeat(16)}_${'b'.repeat(43)}`;
const from = (data: unknown, origin = HOST, source: unknown = parent) => ({ origin, source, data });

describe('the embedded panel’s postMessage protocol', () => {
  it('obeys vigil:open and vigil:close from the framing window at an allowed origin', () => {
    const origins = allowedOrigins(` ${HOST}  http://127.0.0.2:8090 `);
    expect(origins).toEqual([HOST, 'http://127.0.0.2:8090']);
    expect(
      readHostMessage(
        from({ type: 'vigil:open', token: TOKEN, phone: '+79123456789', language: 'ru' }),
        origins,
        parent,
      ),
    ).toEqual({
      type: 'vigil:open',
      token: TOKEN,
      phone: '+79123456789',
      language: 'ru',
    });
    expect(readHostMessage(from({ type: 'vigil:close' }), origins, parent)).toEqual({ type: 'vigil:close' });
  });

  it('ignores another origin, another window, a malformed token or field, and types it does not know', () => {
    const origins = [HOST];
    const open = { type: 'vigil:open', token: TOKEN, phone: '+79123456789' };
    expect(readHostMessage(from(open, 'https://evil.example.net'), origins, parent)).toBeNull();
    expect(readHostMessage(from(open, HOST, { name: 'a popup' }), origins, parent)).toBeNull();
    expect(
      readHostMessage(from({ ...open, token: 'agent-key-0123456789abcdef' }), origins, parent),
    ).toBeNull();
    expect(readHostMessage(from({ ...open, phone: 42 }), origins, parent)).toBeNull();
    expect(readHostMessage(from({ ...open, agentId: 'x'.repeat(129) }), origins, parent)).toBeNull();
    expect(readHostMessage(from({ type: 'vigil:transfer' }), origins, parent)).toBeNull();
    expect(readHostMessage(from('vigil:close'), origins, parent)).toBeNull();
  });

  it('names the subscriber by the message, else by the page’s query, exactly once', () => {
    const none = new URLSearchParams('');
    expect(lookupOf({ phone: '+7912' }, new URLSearchParams('subscriber=sub-1'))).toEqual({ phone: '+7912' });
    expect(lookupOf({}, new URLSearchParams('subscriber=sub-1'))).toEqual({ subscriberId: 'sub-1' });
    expect(lookupOf({}, new URLSearchParams('account=ACC-1'))).toEqual({ account: 'ACC-1' });
    expect(lookupOf({}, none)).toBeNull();
    expect(lookupOf({ phone: '+7912', account: 'ACC-1' }, none)).toBeNull();
  });

  it('answers the framing page at its own origin when it is allowed, never at one that is not', () => {
    const origins = [HOST, 'http://127.0.0.2:8090'];
    expect(hostOrigin(['http://127.0.0.2:8090'], '', origins)).toBe('http://127.0.0.2:8090');
    expect(hostOrigin([], 'http://127.0.0.2:8090/desk?x=1', origins)).toBe('http://127.0.0.2:8090');
    expect(hostOrigin(['https://evil.example.net'], 'https://evil.example.net/', origins)).toBe(HOST);
  });
});
