import type { ImportField, RawImportRow } from './import-row';

/** Placeholders a file-name pattern may use; `{_}` matches a part that is ignored. */
export const PATTERN_FIELDS = ['cell_line', 'compound', 'concentration', 'plate', 'well', 'site', 'moa', 'control'] as const;
const REQUIRED_PLACEHOLDERS = ['cell_line', 'compound', 'concentration', 'plate', 'well'] as const;
type PatternField = (typeof PATTERN_FIELDS)[number];

export const PATTERN_SYNTAX = `A pattern is the file name with {placeholders} for its parts, e.g.
  {cell_line}_{_}_{plate}_{well}_{compound}_{concentration}_{site}.png
Placeholders: {cell_line} {compound} {concentration} {plate} {well} (required), {site} {moa} {control}
(optional), {_} (a part to ignore, may repeat). Everything else must match literally. Without a "/"
the pattern is matched against the file's name, with one against its path below --root. Each
placeholder matches at least one character other than "/"; where a value could contain the text
that follows it, the shortest match that makes the whole name fit is taken.`;

export class PatternError extends Error {}

export interface FileNamePattern {
  source: string;
  /** matches the path relative to the root (with "/") rather than the file name alone */
  matchesPath: boolean;
  parse(relativePath: string): Partial<Record<ImportField, string>> | null;
}

export function compilePattern(source: string): FileNamePattern {
  if (source.trim() === '') throw new PatternError('--pattern is empty');
  const placeholders: Array<PatternField | '_'> = [];
  let regex = '^';
  let rest = source;
  while (rest.length > 0) {
    const open = rest.indexOf('{');
    const literal = open < 0 ? rest : rest.slice(0, open);
    if (literal.includes('}')) throw new PatternError(`pattern "${source}": unmatched "}"`);
    regex += escapeRegex(literal);
    if (open < 0) break;
    const close = rest.indexOf('}', open);
    if (close < 0) throw new PatternError(`pattern "${source}": unmatched "{"`);
    const name = rest.slice(open + 1, close).trim();
    if (name !== '_' && !(PATTERN_FIELDS as readonly string[]).includes(name)) {
      throw new PatternError(`pattern "${source}": unknown placeholder {${name}}; use ${PATTERN_FIELDS.map((f) => `{${f}}`).join(' ')} or {_}`);
    }
    if (name !== '_' && placeholders.includes(name as PatternField)) throw new PatternError(`pattern "${source}": {${name}} appears twice`);
    if (placeholders.length > 0 && literal === '' ) {
      throw new PatternError(`pattern "${source}": placeholders need text between them to tell where one ends`);
    }
    placeholders.push(name as PatternField | '_');
    regex += '([^/]+?)';
    rest = rest.slice(close + 1);
  }
  regex += '$';
  const missing = REQUIRED_PLACEHOLDERS.filter((field) => !placeholders.includes(field));
  if (missing.length > 0) throw new PatternError(`pattern "${source}" lacks ${missing.map((f) => `{${f}}`).join(', ')}`);
  const compiled = new RegExp(regex);
  const matchesPath = source.includes('/');
  return {
    source,
    matchesPath,
    parse(relativePath) {
      const subject = matchesPath ? relativePath : relativePath.slice(relativePath.lastIndexOf('/') + 1);
      const match = compiled.exec(subject);
      if (!match) return null;
      const fields: Partial<Record<ImportField, string>> = { path: relativePath };
      placeholders.forEach((name, i) => {
        if (name !== '_') fields[name] = match[i + 1];
      });
      return fields;
    },
  };
}

/** Applies a pattern to a sorted file listing: one raw row per file, numbered by position. */
export function rowsFromFileNames(files: readonly string[], pattern: FileNamePattern): { rows: RawImportRow[]; unmatched: Array<{ line: number; path: string }> } {
  const rows: RawImportRow[] = [];
  const unmatched: Array<{ line: number; path: string }> = [];
  files.forEach((file, i) => {
    const fields = pattern.parse(file);
    if (fields) rows.push({ line: i + 1, fields });
    else unmatched.push({ line: i + 1, path: file });
  });
  return { rows, unmatched };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
