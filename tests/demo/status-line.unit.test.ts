import { describe, expect, it } from 'vitest';
import { createStatusLine } from '../../src/demo/status-line.js';

function stream(isTTY: boolean): { isTTY: boolean; out: string[]; write(text: string): void } {
  const out: string[] = [];
  return { isTTY, out, write: (text: string) => void out.push(text) };
}

describe("the demo's live status", () => {
  it('is one line rewritten in place on a terminal, kept under the story lines', () => {
    const tty = stream(true);
    const screen = createStatusLine(tty);
    screen.status('· live: 10 polls');
    screen.status('· live: 20 polls');
    screen.say('3. Polling on demand');
    screen.stop();
    expect(tty.out).toEqual([
      '\r\x1b[2K· live: 10 polls',
      '\r\x1b[2K· live: 20 polls',
      '\r\x1b[2K3. Polling on demand\n· live: 20 polls',
      '\r\x1b[2K',
    ]);
    expect(tty.out.join('').split('\n')).toHaveLength(2);
  });

  it('is plain lines, without control bytes, when not a terminal', () => {
    const pipe = stream(false);
    const screen = createStatusLine(pipe);
    screen.status('· live: 10 polls');
    screen.say('3. Polling on demand');
    screen.stop();
    screen.status('· live: 30 polls');
    expect(pipe.out.join('')).toBe('· live: 10 polls\n3. Polling on demand\n');
  });
});
