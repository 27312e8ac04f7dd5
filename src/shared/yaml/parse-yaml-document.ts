import { LineCounter, parseDocument, type Document } from 'yaml';

export interface YamlSyntaxError {
  file: string;
  line: number;
  column: number;
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
  const first = doc.errors[0];
  if (first) {
    // The parser's first complaint is the mistake; the ones after it are mostly that mistake seen
    // again from further on (an unclosed "{" also reads as a badly indented map), so one is shown.
    const pos = lineCounter.linePos(first.pos[0]);
    const line = Math.min(pos.line, lastLine);
    return {
      errors: [
        {
          file,
          line,
          column: line === pos.line ? pos.col : 1,
          path: '',
          message: `YAML syntax error: ${yamlSentence(first.message, first.code)}`,
        },
      ],
    };
  }
  return { doc, lineCounter };
}

/** The yaml library's words as one sentence, with a hint where its code names a common slip. */
function yamlSentence(message: string, code: string): string {
  const sentence = message.split('\n')[0]?.trim().replace(/\.$/, '') ?? message;
  const hints: Record<string, string> = {
    TAB_AS_INDENT: 'indent with spaces, not tabs',
    MISSING_CHAR: 'a bracket or quote is not closed',
    BAD_INDENT: 'check the indentation of this line against the one above',
    MULTILINE_IMPLICIT_KEY:
      'a key and its value must be on one line, or the line above lacks a ":" or a closing bracket',
    BLOCK_AS_IMPLICIT_KEY:
      'a key and its value must be on one line, or the line above lacks a ":" or a closing bracket',
  };
  // "Flow map … must be sufficiently indented and end with a }": the usual cause is the bracket.
  const hint = /end with an? [}\]]/.test(sentence) ? 'a "{" or "[" opened above is not closed' : hints[code];
  return hint ? `${sentence} (${hint})` : sentence;
}
