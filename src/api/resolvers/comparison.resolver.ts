import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context';
import { ComparisonReportType, ReportFormatValue, ResourceComparisonType } from '../types/comparison.types';

@Resolver()
export class ComparisonResolver {
  @Query(() => ResourceComparisonType, { description: 'Wall time, time to best epoch, images/s and memory per run, each as a ratio to the baseline run (default: the first run given, or the first setup of the sweep)' })
  async compareResources(
    @Arg('runs', () => [ID], { nullable: true }) runs: string[] | undefined,
    @Arg('sweep', () => ID, { nullable: true }) sweep: string | undefined,
    @Arg('baseline', () => ID, { nullable: true }) baseline: string | undefined,
    @Ctx() { services }: RequestContext,
  ) {
    return services.comparisons.compareResources({ runs: runs ?? undefined, sweep: sweep ?? undefined, baseline: baseline ?? undefined });
  }

  @Query(() => ComparisonReportType, { description: "The sweep's setups by the metrics of the three tasks, mAP and resources, with spread across cell lines, ranks and the best setup per task" })
  async comparisonReport(
    @Arg('sweep', () => ID) sweep: string,
    @Arg('format', () => ReportFormatValue, { defaultValue: ReportFormatValue.JSON }) format: ReportFormatValue,
    @Ctx() { services }: RequestContext,
  ) {
    const { report, content } = await services.comparisons.render(sweep, format);
    return { sweepId: report.sweep.id, format, content, report, best: report.best };
  }
}
