import { BadUserInputError } from '../../errors/app-errors';
import type { ImportProblem } from './import-row';

/** An import refused for its rows: every problem with its line (the first `maxListed` spelled out), nothing written. */
export class ImportRefusedError extends BadUserInputError {
  constructor(
    readonly screenName: string,
    readonly problems: ImportProblem[],
    maxListed: number,
  ) {
    const lines = [...new Set(problems.map((problem) => problem.line))];
    const listed = problems.slice(0, maxListed).map((p) => `  line ${p.line}${p.path ? ` (${p.path})` : ''}: ${p.reason}`);
    const more = problems.length > maxListed ? [`  ... and ${problems.length - maxListed} more`] : [];
    super(
      [
        `import of screen "${screenName}" refused, nothing was written: ${problems.length} problem(s) on line(s) ${summariseLines(lines)} (import the other rows with --skip-invalid / skipInvalid: true)`,
        ...listed,
        ...more,
      ].join('\n'),
    );
    (this.extensions as Record<string, unknown>).problems = problems.slice(0, maxListed);
  }
}

function summariseLines(lines: number[]): string {
  const shown = lines.slice(0, 20).join(', ');
  return lines.length > 20 ? `${shown}, ... (${lines.length} lines)` : shown;
}
