import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../context';
import { EvaluationParametersInput, QueuedEvaluationType } from '../types/evaluation.types';

/**
 * Queues re-evaluations. Each task's queries are its own resolver in its folder
 * (src/evaluation/tasks/<task>/<task>.resolver.ts), which the schema takes from the registry.
 */
@Resolver()
export class EvaluationResolver {
  @Authorized('writer')
  @Mutation(() => QueuedEvaluationType, { description: "Queues the run's evaluation with these parameters; its results replace stored ones of the same parameters" })
  async evaluateRun(
    @Arg('run', () => ID) run: string,
    @Arg('parameters', () => EvaluationParametersInput, { nullable: true }) parameters: EvaluationParametersInput | undefined,
    @Ctx() { services }: RequestContext,
  ): Promise<QueuedEvaluationType> {
    const clean = Object.fromEntries(Object.entries({ ...parameters }).filter(([, value]) => value !== undefined && value !== null));
    const queued = await services.evaluations.requestEvaluation(run, clean);
    return { runId: queued.runId, jobId: queued.jobId, parameters: { ...queued.parameters } };
  }
}
