import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { commaList, portNumber, secretString } from '../../src/shared/env/env-field-types.js';
import { readEnv } from '../../src/shared/env/read-env.js';
import { Secret } from '../../src/shared/secret.js';

const SPEC = Type.Object({
  NAME: Type.String({ minLength: 2 }),
  TOKEN: Type.Optional(secretString({ minLength: 12 })),
  HOSTS: commaList(Type.String(), { default: [] }),
  PORTS: commaList(portNumber(), { default: [] }),
  WAIT_SECONDS: Type.Number({ minimum: 1, maximum: 60, default: 5, unit: 'seconds' }),
});

describe('readEnv', () => {
  it('coerces each variable to its declared type and fills in defaults', () => {
    const problems: string[] = [];
    const values = readEnv(
      SPEC,
      { APP_NAME: 'vigil', APP_TOKEN: 'a-long-token-123', APP_PORTS: '80, 443,,' },
      problems,
      { prefix: 'APP_' },
    );
    expect(problems).toEqual([]);
    expect(values.TOKEN).toBeInstanceOf(Secret);
    expect(values.TOKEN?.reveal()).toBe('a-long-token-123');
    expect({ ...values, TOKEN: undefined }).toEqual({
      NAME: 'vigil',
      TOKEN: undefined,
      HOSTS: [],
      PORTS: [80, 443],
      WAIT_SECONDS: 5,
    });
  });

  it('gives each read its own copy of a default, so one caller cannot change another’s', () => {
    const first = readEnv(SPEC, { NAME: 'one' }, []);
    first.HOSTS.push('changed.example.net');
    expect(readEnv(SPEC, { NAME: 'two' }, []).HOSTS).toEqual([]);
  });

  it('names every missing, mistyped or out-of-range variable, and a secret without its value', () => {
    const problems: string[] = [];
    const values = readEnv(
      SPEC,
      { APP_TOKEN: 'short-tok', APP_PORTS: '80,http', APP_WAIT_SECONDS: '61' },
      problems,
      {
        prefix: 'APP_',
      },
    );
    expect(problems).toEqual([
      'APP_NAME: required, at least 2 characters',
      'APP_TOKEN: at least 12 characters',
      'APP_PORTS: a comma-separated list, each a port number 0-65535, got "80,http"',
      'APP_WAIT_SECONDS: a number of seconds from 1 to 60, got "61"',
    ]);
    expect(values.WAIT_SECONDS).toBe(5);
  });
});
