import fastJsonStringify from 'fast-json-stringify';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LOAD_SHEDDING, loadReadyServerOptions } from '../../src/api/load-shedding.js';
import { ConversationOpenedSchema } from '../../src/api/schemas/diagnosis-schemas.js';

/** The Ajv refs fast-json-stringify holds for a response schema, and how many of them are compiled. */
function validators(serializerOpts: object): { refs: number; compiled: number } {
  // Debug mode hands back the serializer's Ajv instead of the function: what was compiled is visible.
  const built = fastJsonStringify(ConversationOpenedSchema, {
    ...serializerOpts,
    mode: 'debug',
  }) as unknown as {
    ajv: { refs: Record<string, unknown> };
  };
  const branches = Object.entries(built.ajv.refs).filter(([ref]) => ref.includes('#/'));
  const compiled = branches.filter(
    ([, env]) => typeof (env as { validate?: unknown }).validate === 'function',
  );
  return { refs: branches.length, compiled: compiled.length };
}

describe('an API that serves or sheds load is built with nothing left to compile for its first answers', () => {
  it('compiles the validators behind an open answer’s unions while the app is built', () => {
    const options = loadReadyServerOptions(DEFAULT_LOAD_SHEDDING, false);
    expect(options.serializerOpts?.compileValidators).toBe(true);
    const eager = validators(options.serializerOpts ?? {});
    // The open's answer has unions (a finding's evidence, nullable fields): each one's validator ready.
    expect(eager.refs).toBeGreaterThan(0);
    expect(eager.compiled).toBe(eager.refs);
  });

  const noShedding = {
    ...DEFAULT_LOAD_SHEDDING,
    maxEventLoopDelayMs: 0,
    maxEventLoopUtilization: 0,
    maxWritesInFlight: 0,
  };

  it('compiles them for `vigil serve` with shedding off too (the benches run it so)', () => {
    expect(loadReadyServerOptions(noShedding, true).serializerOpts?.compileValidators).toBe(true);
  });

  it('leaves them to the first answer when shedding is off (the test app), as fast-json-stringify does', () => {
    const options = loadReadyServerOptions(noShedding, false);
    expect(options).toEqual({});
    const lazy = validators({});
    expect(lazy.compiled).toBe(0);
  });
});
