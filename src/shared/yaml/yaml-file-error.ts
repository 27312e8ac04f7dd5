/**
 * One problem in a probe file, where a person can find it: the file, the line of the YAML node at
 * fault, and the path of keys that leads to it (`tables.interfaces.columns.ifOperStatus.values`).
 * The compiler collects every one of them before answering, as Prometheus' config loaders do, so a
 * reviewer fixes a file in one pass instead of one error per run.
 */
export interface YamlFileError {
  file: string;
  /** 1-based; 0 when the error is about a directory or the set of files, not one line. */
  line: number;
  /** Dotted key path inside the file; empty for the whole file or a YAML syntax error. */
  path: string;
  message: string;
  /** 1-based column, where it is known to the character (YAML syntax errors). */
  column?: number;
}

/** `probes/cpe-gpon.yaml:14 tables.interfaces.columns.ifOperStatus: unknown type "enumm"` */
export function formatYamlFileError(error: YamlFileError): string {
  const where =
    error.line > 0
      ? `${error.file}:${error.line}${error.column !== undefined ? `:${error.column}` : ''}`
      : error.file;
  return error.path ? `${where} ${error.path}: ${error.message}` : `${where}: ${error.message}`;
}

/** Errors in reading order: by file, then line; the compiler's own order among equals. */
export function sortYamlFileErrors(errors: readonly YamlFileError[]): YamlFileError[] {
  return [...errors].sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
}
