import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A credential that must never reach a log line, an API response or an error message.
 * Every accidental stringification (template literal, JSON.stringify, console.log, pino) prints
 * "[redacted]"; only `reveal()` hands out the value, at the one place that needs it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
