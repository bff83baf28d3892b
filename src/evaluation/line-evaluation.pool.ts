import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { evaluateLineTasks, type LineData, type LinePlan, type LineResults } from './run.evaluator';

/**
 * Runs evaluateLineTasks for cell lines on worker threads, one cell line per worker at a
 * time: the tasks are plain single-threaded JS, and cell lines are independent, so two
 * cores evaluate a run in about half the time. The vectors are transferred, not copied.
 * From TypeScript sources (tests) the worker file cannot be loaded: it runs in-process.
 */
export class LineEvaluationPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<(worker: Worker) => void> = [];

  constructor(readonly size = Math.max(1, Math.min(availableParallelism(), 4))) {
    if (!__filename.endsWith('.js') || size < 2) return;
    for (let i = 0; i < size; i += 1) {
      const worker = new Worker(require.resolve('./line-evaluation.worker'));
      worker.unref();
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  /** Whether run() works off this thread (otherwise it blocks until the line is done). */
  get threaded(): boolean {
    return this.workers.length > 0;
  }

  async run(line: LineData, plan: LinePlan): Promise<LineResults> {
    if (!this.threaded) return evaluateLineTasks(line, plan);
    const worker = this.idle.pop() ?? (await new Promise<Worker>((resolve) => this.waiting.push(resolve)));
    try {
      return await new Promise<LineResults>((resolve, reject) => {
        const onMessage = (message: { ok: true; results: LineResults } | { ok: false; error: string }) => {
          worker.off('error', onError);
          if (message.ok) resolve(message.results);
          else reject(new Error(message.error));
        };
        const onError = (error: Error) => {
          worker.off('message', onMessage);
          reject(error);
        };
        worker.once('message', onMessage);
        worker.once('error', onError);
        const data = line.vectors.data;
        worker.postMessage({ line, plan }, [data.buffer as ArrayBuffer]);
      });
    } finally {
      const next = this.waiting.shift();
      if (next) next(worker);
      else this.idle.push(worker);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
    this.workers.length = 0;
    this.idle.length = 0;
  }
}
