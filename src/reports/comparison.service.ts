import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isUuid } from '../catalog/page-request';
import type { ComparedRun, ComparisonRepository } from '../db/repositories/comparison.repository';
import { EVALUATION_TASKS } from '../evaluation/tasks/task.registry';
import type { SweepService } from '../training/sweep.service';
import { BadUserInputError, NotFoundError } from '../errors/app-errors';
import { buildComparisonReport, type ComparisonReport } from './comparison-report';
import { renderHtml } from './html.renderer';
import { renderMarkdown } from './markdown.renderer';
import { compareResources, type ResourceComparison } from './resource-comparison';

export type ReportFormat = 'json' | 'markdown' | 'html';
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'markdown', 'html'];

/** The largest set of runs one resource comparison takes. */
const MAX_RUNS = 100;

/** Comparisons of runs: resources against a reference run, and the sweep's report in three formats. */
export class ComparisonService {
  constructor(
    private readonly comparison: ComparisonRepository,
    private readonly sweeps: SweepService,
  ) {}

  /** The runs given, or a sweep's; the reference run (default: the first given, or the sweep's first learned setup) has ratios 1. */
  async compareResources(request: { runs?: string[]; sweep?: string; reference?: string }): Promise<ResourceComparison> {
    if ((request.runs === undefined) === (request.sweep === undefined)) throw new BadUserInputError('give exactly one of runs and sweep', 'runs');
    let runs;
    if (request.sweep !== undefined) {
      await this.sweeps.byId(request.sweep);
      runs = await this.comparison.runsOfSweep(request.sweep);
    } else {
      const ids = [...new Set(request.runs)];
      if (ids.length === 0) throw new BadUserInputError('runs must name at least one run', 'runs');
      if (ids.length > MAX_RUNS) throw new BadUserInputError(`at most ${MAX_RUNS} runs at once, got ${ids.length}`, 'runs');
      const malformed = ids.find((id) => !isUuid(id));
      if (malformed) throw new NotFoundError('run', malformed);
      const byId = new Map((await this.comparison.runsByIds(ids)).map((run) => [run.id, run]));
      const missing = ids.find((id) => !byId.has(id));
      if (missing) throw new NotFoundError('run', missing);
      // in the order given: the first is the default reference
      runs = ids.map((id) => byId.get(id)!);
    }
    if (runs.length === 0) throw new BadUserInputError('the sweep has no runs', 'sweep');
    const reference = request.reference ?? (request.sweep !== undefined ? defaultReference(runs) : runs[0].id);
    if (!runs.some((run) => run.id === reference)) throw new BadUserInputError(`reference ${reference} is not one of the runs compared`, 'reference');
    return compareResources(runs, await this.comparison.epochsOf(runs.map((run) => run.id)), reference);
  }

  async report(sweepId: string, reference?: string): Promise<ComparisonReport> {
    const sweep = await this.sweeps.byId(sweepId);
    const runs = await this.comparison.runsOfSweep(sweep.id);
    const ids = runs.map((run) => run.id);
    const referenceRunId = runs.length === 0 ? null : (reference ?? defaultReference(runs));
    if (referenceRunId !== null && !runs.some((run) => run.id === referenceRunId)) throw new BadUserInputError(`reference ${referenceRunId} is not a run of the sweep`, 'reference');
    const resources = referenceRunId === null ? [] : compareResources(runs, await this.comparison.epochsOf(ids), referenceRunId).runs;
    const cellLineRows = await Promise.all(EVALUATION_TASKS.map((task) => this.comparison.cellLineFieldsOf(ids, task.name, task.report.cellLineFields)));
    return buildComparisonReport({
      sweep: { id: sweep.id, screen: sweep.screen?.name ?? sweep.screenId, profile: sweep.profile, config: sweep.config, createdAt: sweep.createdAt.toISOString() },
      runs,
      evaluations: await this.comparison.aggregateEvaluationsOf(ids),
      cellLineRows: cellLineRows.flat(),
      resources,
      resourceReferenceRunId: referenceRunId,
    });
  }

  /** The newest sweep's id, or null before the first. */
  latestSweep(): Promise<string | null> {
    return this.comparison.latestSweep();
  }

  async render(sweepId: string, format: ReportFormat): Promise<{ report: ComparisonReport; content: string }> {
    const report = await this.report(sweepId);
    return { report, content: renderReport(report, format) };
  }

  /** Writes the report in every format to `dir`, each file replaced atomically; returns the paths. */
  async writeAll(sweepId: string, dir: string): Promise<Record<ReportFormat, string>> {
    const report = await this.report(sweepId);
    await mkdir(dir, { recursive: true });
    const written = {} as Record<ReportFormat, string>;
    for (const format of REPORT_FORMATS) {
      const file = path.join(dir, `report-${sweepId}.${EXTENSIONS[format]}`);
      await writeFile(`${file}.tmp`, renderReport(report, format));
      await rename(`${file}.tmp`, file);
      written[format] = file;
    }
    return written;
  }
}

/** The first learned run (a baseline has no training to compare), else the first run. */
function defaultReference(runs: readonly ComparedRun[]): string {
  return (runs.find((run) => run.baseline === null) ?? runs[0]).id;
}

export const EXTENSIONS: Record<ReportFormat, string> = { json: 'json', markdown: 'md', html: 'html' };

export function renderReport(report: ComparisonReport, format: ReportFormat): string {
  if (format === 'markdown') return renderMarkdown(report);
  if (format === 'html') return renderHtml(report);
  return `${JSON.stringify(report, null, 2)}\n`;
}
