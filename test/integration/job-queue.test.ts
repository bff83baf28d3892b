import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import PgBoss from 'pg-boss';
import type { JobContext, JobOptionsByName } from '../../src/queue/job-definition';
import { JobInterruptedError } from '../../src/queue/job-interrupted.error';
import { JobQueue, UnknownQueueError } from '../../src/queue/job.queue';
import { createLogger } from '../../src/logger';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

interface TestPayloads {
  'test.echo': { value: number };
  'test.long': { id: string };
}

const OPTIONS: JobOptionsByName<TestPayloads> = {
  'test.echo': { retryLimit: 1, retryDelaySeconds: 0, expireInSeconds: 60 },
  'test.long': { retryLimit: 3, retryDelaySeconds: 0, expireInSeconds: 60 },
};

const logger = createLogger('silent');

function until(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = async () => {
      if (await condition()) return resolve();
      if (Date.now() > deadline) return reject(new Error('condition not met in time'));
      setTimeout(poll, 50);
    };
    void poll();
  });
}

describe('job queue', () => {
  let testDatabase: TestDatabase;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('queue');
  });
  afterAll(async () => {
    await testDatabase.drop();
  });

  it('runs each job with its typed payload', async () => {
    const queue = new JobQueue<TestPayloads>(testDatabase.url, OPTIONS, logger);
    await queue.start();
    const seen: number[] = [];
    try {
      await queue.work({ 'test.echo': async ({ value }) => void seen.push(value), 'test.long': async () => undefined }, { concurrency: 1 });
      await queue.send('test.echo', { value: 41 });
      await queue.send('test.echo', { value: 42 });
      await until(() => seen.length === 2);
      expect(seen.sort()).toEqual([41, 42]);
    } finally {
      await queue.stop();
    }
  });

  it('runs one job at a time per slot, from the queues in the order given, and retries a failed job', async () => {
    const queue = new JobQueue<TestPayloads>(testDatabase.url, OPTIONS, logger);
    await queue.start();
    const seen: string[] = [];
    let running = 0;
    let mostAtOnce = 0;
    let failures = 0;
    const track = async (name: string) => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      seen.push(name);
      await new Promise((resolve) => setTimeout(resolve, 30));
      running -= 1;
    };
    try {
      await queue.send('test.echo', { value: 1 });
      await queue.send('test.echo', { value: 2 });
      await queue.send('test.long', { id: 'a' });
      await queue.send('test.long', { id: 'b' });
      await queue.work(
        {
          'test.echo': ({ value }) => track(`echo ${value}`),
          'test.long': async ({ id }) => {
            if (id === 'a' && failures === 0) {
              failures += 1;
              throw new Error('first try fails');
            }
            await track(`long ${id}`);
          },
        },
        { queues: ['test.long', 'test.echo'], concurrency: 1 },
      );
      await until(() => seen.length === 4);
      // every waiting test.long job before any test.echo; the failed one again after its retry
      expect(seen.slice(0, 2).sort()).toEqual(['long a', 'long b']);
      expect(seen.slice(2).sort()).toEqual(['echo 1', 'echo 2']);
      expect(mostAtOnce).toBe(1);
      expect(failures).toBe(1);
    } finally {
      await queue.stop();
    }
  });

  it('refuses to start a worker for a job without a handler, or an unknown queue', async () => {
    const queue = new JobQueue<TestPayloads>(testDatabase.url, OPTIONS, logger);
    await queue.start();
    try {
      await expect(queue.work({ 'test.echo': async () => undefined }, { concurrency: 1 })).rejects.toThrow(/no handler for job "test.long"/);
      await expect(queue.work({}, { queues: ['test.nope' as 'test.echo'], concurrency: 1 })).rejects.toBeInstanceOf(UnknownQueueError);
    } finally {
      await queue.stop();
    }
  });

  it('hands a job interrupted by shutdown back for retry, and the next worker finishes it', async () => {
    const first = new JobQueue<TestPayloads>(testDatabase.url, OPTIONS, logger);
    await first.start();
    let started = false;
    await first.work(
      {
        'test.echo': async () => undefined,
        'test.long': async (_payload, { signal }: JobContext) => {
          started = true;
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
          throw new JobInterruptedError('test.long');
        },
      },
      { queues: ['test.long'], concurrency: 1 },
    );
    const jobId = await first.send('test.long', { id: 'a' });
    await until(() => started);
    await first.stop();

    const boss = new PgBoss(testDatabase.url);
    await boss.start();
    try {
      const job = await boss.getJobById('test.long', jobId!);
      expect(job?.state).toBe('retry');

      const second = new JobQueue<TestPayloads>(testDatabase.url, OPTIONS, logger);
      await second.start();
      const done: string[] = [];
      await second.work({ 'test.echo': async () => undefined, 'test.long': async ({ id }) => void done.push(id) }, { concurrency: 1 });
      try {
        await until(() => done.length === 1);
        expect(done).toEqual(['a']);
        await until(async () => (await boss.getJobById('test.long', jobId!))?.state === 'completed');
      } finally {
        await second.stop();
      }
    } finally {
      await boss.stop({ graceful: false });
    }
  });
});
