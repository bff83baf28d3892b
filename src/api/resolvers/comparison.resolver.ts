import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context';
import type { ComparisonReport } from '../../reports/comparison-report';
import { ComparisonReportType, ReportFormatValue, ResourceComparisonType } from '../types/comparison.types';

@Resolver()
export class ComparisonResolver {
  @Query(() => ResourceComparisonType, { description: 'Wall time, time to best epoch, images/s and memory per run, each as a ratio to a reference run (default: the first run given, or the first learned setup of the sweep)' })
  async compareResources(
    @Arg('runs', () => [ID], { nullable: true }) runs: string[] | undefined,
    @Arg('sweep', () => ID, { nullable: true }) sweep: string | undefined,
    @Arg('reference', () => ID, { nullable: true }) reference: string | undefined,
    @Ctx() { services }: RequestContext,
  ) {
    return services.comparisons.compareResources({ runs: runs ?? undefined, sweep: sweep ?? undefined, reference: reference ?? undefined });
  }

  @Query(() => ComparisonReportType, { description: "The sweep's setups and baselines by the metrics of the three tasks, mAP and resources: means and intervals over replicates, spread across cell lines, ranks, ties with the best, baselines beaten, the best setup per task and a summary" })
  async comparisonReport(
    @Arg('sweep', () => ID) sweep: string,
    @Arg('format', () => ReportFormatValue, { defaultValue: ReportFormatValue.JSON }) format: ReportFormatValue,
    @Ctx() { services }: RequestContext,
  ) {
    const { report, content } = await services.comparisons.render(sweep, format);
    return { sweepId: report.sweep.id, format, content, report, ...reportFields(report) };
  }
}

/** The report's typed fields: cells as a list in column order, each naming its column. */
function reportFields(report: ComparisonReport) {
  return {
    columns: report.columns.map((column) => ({ ...column, unit: column.unit ?? null, headline: report.headlines.includes(column.key) })),
    rows: report.rows.map((row) => ({
      ...row,
      cells: report.columns.map((column) => {
        const cell = row.cells[column.key];
        return { column: column.key, ...cell, tieReason: cell.tieReason ?? null, reason: cell.reason ?? null };
      }),
    })),
    best: report.best,
    summary: report.summary,
  };
}
