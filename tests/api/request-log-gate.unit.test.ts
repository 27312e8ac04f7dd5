import { describe, expect, it } from 'vitest';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { createRequestLogGate } from '../../src/api/request-log-gate.js';

function capturingLog(): { log: FastifyBaseLogger; lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  const at =
    (level: string) =>
    (...args: unknown[]): void => {
      lines.push({ level, msg: String(args.find((a) => typeof a === 'string')) });
    };
  const log = { warn: at('warn'), info: at('info') } as unknown as FastifyBaseLogger;
  return { log, lines };
}

describe('per-request log lines under load shedding', () => {
  it('pause when shedding starts and resume after a second of calm, with one line each way', () => {
    const gate = createRequestLogGate();
    const { log, lines } = capturingLog();
    const request = {} as FastifyRequest;
    expect(gate.controller.isLogDisabled(request)).toBe(false);

    for (let i = 0; i < 5; i++) gate.sample(true, log);
    expect(gate.paused()).toBe(true);
    expect(gate.controller.isLogDisabled(request)).toBe(true);
    expect(lines.map((l) => l.level)).toEqual(['warn']);
    expect(lines[0]?.msg).toMatch(/shedding load/);

    // A calm sample between busy ones does not resume: the loop is flapping, not calm.
    gate.sample(false, log);
    gate.sample(true, log);
    for (let i = 0; i < 9; i++) gate.sample(false, log);
    expect(gate.paused()).toBe(true);
    gate.sample(false, log);
    expect(gate.paused()).toBe(false);
    expect(gate.controller.isLogDisabled(request)).toBe(false);
    expect(lines.map((l) => l.level)).toEqual(['warn', 'info']);
    expect(lines[1]?.msg).toMatch(/resumed/);
  });

  it('writes nothing while the loop stays calm', () => {
    const gate = createRequestLogGate();
    const { log, lines } = capturingLog();
    for (let i = 0; i < 50; i++) gate.sample(false, log);
    expect(gate.paused()).toBe(false);
    expect(lines).toEqual([]);
  });
});
