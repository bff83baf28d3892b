import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parentPort, Worker } from 'node:worker_threads';
import { errorText } from './error-text';

type Reply<Response> = { ok: true; response: Response } | { ok: false; error: string };

/**
 * Plain single-threaded JS work spread over worker threads, one request per thread at a
 * time, for independent pieces (the cell lines of an evaluation, the images of a screen).
 * The worker file (compiled JS) calls `serveThreadRequests` with the same function as
 * `inProcess`. Run from TypeScript sources (tests) there is no such file, and with one core
 * no point: then run() calls `inProcess` on this thread.
 */
export class ThreadPool<Request, Response> {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<(worker: Worker) => void> = [];

  constructor(
    /** absolute path of the compiled worker file */
    workerFile: string,
    private readonly inProcess: (request: Request) => Response,
    readonly size = Math.max(1, Math.min(availableParallelism(), 4)),
  ) {
    if (size < 2 || !existsSync(workerFile)) return;
    for (let i = 0; i < size; i += 1) {
      const worker = new Worker(workerFile);
      worker.unref();
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  /** Whether run() works off this thread (otherwise it blocks until the request is done). */
  get threaded(): boolean {
    return this.workers.length > 0;
  }

  /** Runs one request; buffers in `transfer` move to the worker instead of being copied. */
  async run(request: Request, transfer: ArrayBuffer[] = []): Promise<Response> {
    if (!this.threaded) return this.inProcess(request);
    const worker = this.idle.pop() ?? (await new Promise<Worker>((resolve) => this.waiting.push(resolve)));
    try {
      return await new Promise<Response>((resolve, reject) => {
        const onMessage = (reply: Reply<Response>) => {
          worker.off('error', onError);
          if (reply.ok) resolve(reply.response);
          else reject(new Error(reply.error));
        };
        const onError = (error: Error) => {
          worker.off('message', onMessage);
          reject(error);
        };
        worker.once('message', onMessage);
        worker.once('error', onError);
        worker.postMessage(request, transfer);
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

/** The worker side of a ThreadPool: each request through `handle`, its response or error back. */
export function serveThreadRequests<Request, Response>(handle: (request: Request) => Response): void {
  parentPort?.on('message', (request: Request) => {
    let reply: Reply<Response>;
    try {
      reply = { ok: true, response: handle(request) };
    } catch (error) {
      reply = { ok: false, error: errorText(error) };
    }
    parentPort!.postMessage(reply);
  });
}
