import { BadUserInputError } from '../../errors/app-errors';
import type { ImportProblem } from './import-row';

const MAX_LISTED_PROBLEMS = 100;

/** An import refused for its rows: every problem with its line, nothing written. */
export class ImportRefusedError extends BadUserInputError {
  constructor(
    readonly screenName: string,
    readonly problems: ImportProblem[],
  ) {
    const lines = [...new Set(problems.map((problem) => problem.line))];
    const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `  line ${p.line}${p.path ? ` (${p.path})` : ''}: ${p.reason}`);
    const more = problems.length > MAX_LISTED_PROBLEMS ? [`  ... and ${problems.length - MAX_LISTED_PROBLEMS} more`] : [];
    super(
      [
        `import of screen "${screenName}" refused, nothing was written: ${problems.length} problem(s) on line(s) ${summariseLines(lines)} (import the other rows with --skip-invalid / skipInvalid: true)`,
        ...listed,
        ...more,
      ].join('\n'),
    );
    (this.extensions as Record<string, unknown>).problems = problems.slice(0, MAX_LISTED_PROBLEMS);
  }
}

function summariseLines(lines: number[]): string {
  const shown = lines.slice(0, 20).join(', ');
  return lines.length > 20 ? `${shown}, ... (${lines.length} lines)` : shown;
}
