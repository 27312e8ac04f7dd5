/** Where the demo writes: stdout, or a fake in tests. */
export interface StatusStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface StatusLine {
  /** A line of the story: printed above the status line, which stays last. */
  say: (line: string) => void;
  /** Replaces the status line (on a terminal) or prints it as a plain line (a pipe, a log file). */
  status: (text: string) => void;
  /** Clears the status line on a terminal. */
  stop: () => void;
}

/** ECMA-48: carriage return, then "erase in line" (CSI 2 K) wipes what the last status wrote. */
const CLEAR = '\r\x1b[2K';

/**
 * One updating status line under the story's lines on a terminal; on anything else every status is a
 * line of its own (no control bytes in a log file).
 */
export function createStatusLine(stream: StatusStream): StatusLine {
  const tty = stream.isTTY === true;
  let current: string | undefined;
  let stopped = false;
  return {
    say: (line) => {
      if (tty && current !== undefined) stream.write(`${CLEAR}${line}\n${current}`);
      else stream.write(`${line}\n`);
    },
    status: (text) => {
      if (stopped) return;
      if (!tty) {
        stream.write(`${text}\n`);
        return;
      }
      current = text;
      stream.write(`${CLEAR}${text}`);
    },
    stop: () => {
      stopped = true;
      if (tty && current !== undefined) stream.write(CLEAR);
      current = undefined;
    },
  };
}
