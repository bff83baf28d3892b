import type { PendingStep, PipelineRepository, PipelineStep } from '../db/repositories/pipeline.repository';
import type { QueuedJob } from '../queue/job.queue';
import { TASK_NAMES } from '../evaluation/tasks/task.registry';

type StepJob = 'run.train' | 'run.embed' | 'run.evaluate';

/** The part of the job queue the pipeline uses. */
export interface PipelineQueue {
  send(name: StepJob, payload: { runId: string }, singletonKey: string): Promise<string | null>;
  /** of every run when `keys` is omitted */
  unfinishedJobs(names: StepJob[], keys?: string[]): Promise<QueuedJob[]>;
}

const JOB_OF_STEP: Record<PipelineStep, StepJob> = { train: 'run.train', embed: 'run.embed', evaluate: 'run.evaluate' };

/**
 * The rule that every run reaches the end of its pipeline, exactly once, whatever is killed:
 * a run's next step (train while queued or running, then embed, then evaluate) is queued when
 * it has no job waiting or active. Every worker runs it at start, every interval and after each
 * step it finishes; passes of all processes take turns under one lock, so a step is never queued
 * twice. A step whose job failed with its retries spent is left for a person to look at (a
 * training that fails marks its run failed instead, which ends its pipeline).
 */
export class PipelineService {
  constructor(
    private readonly pipeline: PipelineRepository,
    private readonly queue?: PipelineQueue,
  ) {}

  /** Queues the missing next step of every run, or of one (a handler's follow-up); returns what it queued. */
  advance(runId?: string): Promise<PendingStep[]> {
    const queue = this.queue;
    if (!queue) throw new Error('this process has no job queue to advance runs with');
    return this.pipeline.exclusively(async () => {
      // the jobs first: a handler writes its step's results before its job completes, so a job
      // no longer unfinished here has its results visible below. Read the other way round, a job
      // completing between the two reads looked like a step without a job and was queued twice
      // (seen with 3 workers on one sweep: a second run.evaluate of a run already evaluated).
      const jobs = await queue.unfinishedJobs(Object.values(JOB_OF_STEP), runId === undefined ? undefined : [runId]);
      const pending = await this.pipeline.pendingSteps(TASK_NAMES, runId);
      const queued: PendingStep[] = [];
      for (const step of pending) {
        if (hasJob(jobs, step)) continue;
        if ((await queue.send(JOB_OF_STEP[step.step], { runId: step.runId }, step.runId)) !== null) queued.push(step);
      }
      return queued;
    });
  }
}

/**
 * Whether a step already has its job: waiting (created, or retry after a failure or a dead
 * worker) or active. Training is queued again after a failed job, since the run's status says
 * whether training failed; the other steps are not.
 */
function hasJob(jobs: readonly QueuedJob[], step: PendingStep): boolean {
  const name = JOB_OF_STEP[step.step];
  return jobs.some((job) => job.name === name && job.singletonKey === step.runId && (job.state !== 'failed' || step.step !== 'train'));
}
