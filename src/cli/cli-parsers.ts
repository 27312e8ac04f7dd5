import { InvalidArgumentError } from 'commander';

/** Flag value parsers: a wrong value is a usage error naming what was expected. */
export function positiveInt(raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new InvalidArgumentError(`expected a positive integer, got "${raw}"`);
  return value;
}

export function parseHostPort(raw: string, flag: string): { host: string; port: number } {
  const match = /^([^:\s]+):(\d{1,5})$/.exec(raw);
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535)
    throw new InvalidArgumentError(`${flag}: expected host:port, got "${raw}"`);
  return { host: match[1] as string, port };
}
