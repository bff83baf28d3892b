import type { QueuedJob } from '../../src/queue/job.queue';
import type { ServiceJobSender } from '../../src/services';

/** Records what services queue instead of queueing it, so a test can run each step itself. */
export class RecordingQueue implements ServiceJobSender {
  readonly sent: Array<{ name: string; payload: object; key?: string }> = [];

  async send(name: string, payload: object, key?: string): Promise<string | null> {
    this.sent.push({ name, payload, key });
    return `job-${this.sent.length}`;
  }

  /** What was recorded, as jobs still waiting: nothing here runs them. */
  async unfinishedJobs(names: string[]): Promise<QueuedJob[]> {
    return this.sent
      .map((job, index) => ({ name: job.name, id: `job-${index + 1}`, singletonKey: job.key ?? null, state: 'created' as const, activeSeconds: null }))
      .filter((job) => names.includes(job.name));
  }
}
