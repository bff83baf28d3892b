import type { ServiceJobSender } from '../../src/services';

/** Records what services queue instead of queueing it, so a test can run each step itself. */
export class RecordingQueue implements ServiceJobSender {
  readonly sent: Array<{ name: string; payload: object; key?: string }> = [];

  async send(name: string, payload: object, key?: string): Promise<string | null> {
    this.sent.push({ name, payload, key });
    return `job-${this.sent.length}`;
  }

  async retryAbandoned(): Promise<void> {}
}
