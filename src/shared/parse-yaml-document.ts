import { LineCounter, parseDocument, type Document } from 'yaml';

export interface YamlSyntaxError {
  file: string;
  line: number;
  path: string;
  message: string;
}

/**
 * Parses one declarative file (probe, playbook) keeping line positions, so compilers can report
 * `file:line path: message`. Duplicate keys are left to the compilers' readers, which report them
 * with their path and the first occurrence.
 */
export function parseYamlDocument(
  text: string,
  file: string,
): { doc: Document.Parsed; lineCounter: LineCounter } | { errors: YamlSyntaxError[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  // An error at the very end (an unclosed bracket) points past the last newline: show the last line.
  const lastLine = Math.max(1, text.split('\n').length - (text.endsWith('\n') ? 1 : 0));
  if (doc.errors.length > 0) {
    return {
      errors: doc.errors.map((e) => ({
        file,
        line: Math.min(lineCounter.linePos(e.pos[0]).line, lastLine),
        path: '',
        message: e.message,
      })),
    };
  }
  return { doc, lineCounter };
}
