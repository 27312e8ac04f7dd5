import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file below `dir` whose name ends with `suffix`. */
export function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path, suffix);
    return entry.name.endsWith(suffix) ? [path] : [];
  });
}

/** "<file> matches <pattern>" for each pattern a file's text matches, the file named from `root`. */
export function patternHits(files: readonly string[], patterns: readonly RegExp[], root: string): string[] {
  return files.flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return patterns
      .filter((pattern) => pattern.test(text))
      .map((pattern) => `${relative(root, file)} matches ${String(pattern)}`);
  });
}
