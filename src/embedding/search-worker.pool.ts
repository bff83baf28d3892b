import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Neighbour, VectorIndex, VectorIndexParts } from './vector-index';
import type { VectorRowsDescriptor } from './vector-rows';

/** An index as a thread rebuilds it: the graph from a file, the vectors from shared memory or their own file. */
export type AttachedParts = Omit<VectorIndexParts, 'graph' | 'vectors'> & { vectors: VectorRowsDescriptor };

export type SearchWorkerRequest =
  | { type: 'attach'; index: number; graphFile: string; parts: AttachedParts }
  | { type: 'detach'; index: number }
  | { type: 'search'; request: number; index: number; query: Float32Array; k: number; exclude: number[] };

export type SearchWorkerReply =
  | { type: 'attached'; index: number }
  | { type: 'attach-failed'; index: number; error: string }
  | { type: 'result'; request: number; hits: Neighbour[] }
  | { type: 'error'; request: number; error: string };

interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

/** One worker thread and the requests it has not answered yet. */
class SearchThread {
  readonly worker: Worker;
  readonly searches = new Map<number, Waiter<Neighbour[]>>();
  readonly attaches = new Map<number, Waiter<void>>();

  constructor(file: string, onExit: (thread: SearchThread, error: Error) => void) {
    this.worker = new Worker(file);
    this.worker.on('message', (message: SearchWorkerReply) => {
      this.settled();
      if (message.type === 'result' || message.type === 'error') {
        const waiter = this.searches.get(message.request);
        this.searches.delete(message.request);
        if (message.type === 'result') waiter?.resolve(message.hits);
        else waiter?.reject(new Error(message.error));
      } else {
        const waiter = this.attaches.get(message.index);
        this.attaches.delete(message.index);
        if (message.type === 'attached') waiter?.resolve();
        else waiter?.reject(new Error(message.error));
      }
    });
    const fail = (error: Error) => {
      for (const waiter of [...this.searches.values(), ...this.attaches.values()]) waiter.reject(error);
      this.searches.clear();
      this.attaches.clear();
      onExit(this, error);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`search worker exited with code ${code}`)));
    // an idle pool must not keep the process alive; after the listeners, which take a reference
    this.worker.unref();
  }

  get load(): number {
    return this.searches.size;
  }

  search(request: number, waiter: Waiter<Neighbour[]>, message: SearchWorkerRequest): void {
    this.searches.set(request, waiter);
    this.ask(message);
  }

  attach(index: number, waiter: Waiter<void>, message: SearchWorkerRequest): void {
    this.attaches.set(index, waiter);
    this.ask(message);
  }

  /** A message with no answer. */
  post(message: SearchWorkerRequest): void {
    this.worker.postMessage(message);
  }

  private ask(message: SearchWorkerRequest): void {
    // while an answer is awaited the thread keeps the process alive, as pending I/O would
    this.worker.ref();
    this.worker.postMessage(message);
  }

  /** Called before a reply is handed out: without requests left, the thread stops holding the process. */
  private settled(): void {
    if (this.searches.size + this.attaches.size <= 1) this.worker.unref();
  }
}

interface Attachment {
  id: number;
  ready: boolean;
  /** settles when the threads have answered: whether searches run there */
  done: Promise<boolean>;
}

/**
 * Unfiltered nearest-neighbour searches on worker threads. A search is plain single-threaded
 * JS (~1 ms for 50k 2048-d vectors); on the API's thread it would take turns with parsing,
 * validating and answering HTTP requests, so with a core to spare the two overlap. Each thread
 * holds its own HNSW graph (read from a file written once per index) over the index's vectors,
 * which it reads from the index's file through a descriptor of its own, or from shared memory:
 * they are not copied. Until an index is attached to every thread
 * (or when there are no threads, or in tests that run the TypeScript sources), it is searched
 * in-process: same index, same answers.
 */
export class SearchWorkerPool {
  private threads: SearchThread[] = [];
  private started = false;
  private readonly attachments = new WeakMap<VectorIndex, Attachment>();
  private nextIndex = 1;
  private nextRequest = 1;

  constructor(
    readonly size: number,
    private readonly logger?: Logger,
  ) {}

  search(index: VectorIndex, query: Float32Array, k: number, exclude: ReadonlySet<number>): Promise<Neighbour[]> {
    const attachment = this.attachmentOf(index);
    const thread = attachment?.ready ? this.idlest() : undefined;
    if (!attachment?.ready || !thread) return Promise.resolve(index.search(query, k, { exclude }));
    const request = this.nextRequest++;
    return new Promise<Neighbour[]>((resolve, reject) => {
      thread.search(request, { resolve, reject }, { type: 'search', request, index: attachment.id, query, k, exclude: [...exclude] });
    });
  }

  /** Frees the threads' copies of an index's graph (the index left the cache). */
  detach(index: VectorIndex): void {
    const attachment = this.attachments.get(index);
    if (!attachment) return;
    this.attachments.delete(index);
    for (const thread of this.threads) thread.post({ type: 'detach', index: attachment.id });
  }

  async close(): Promise<void> {
    const threads = this.threads;
    this.threads = [];
    await Promise.all(threads.map((thread) => thread.worker.terminate()));
  }

  /**
   * Attaches the index to the threads now rather than at its first search: resolves true once
   * its searches run there, false when they stay in-process.
   */
  async attach(index: VectorIndex): Promise<boolean> {
    const attachment = this.attachmentOf(index);
    return attachment ? attachment.done : false;
  }

  /** The index's attachment, started on first use; none when the index stays in-process. */
  private attachmentOf(index: VectorIndex): Attachment | undefined {
    const known = this.attachments.get(index);
    if (known) return known;
    const vectors = index.internals.vectors.descriptor();
    if (!this.start() || (vectors.kind === 'memory' && !(vectors.values.buffer instanceof SharedArrayBuffer))) return undefined;
    const id = this.nextIndex++;
    const attachment: Attachment = {
      id,
      ready: false,
      done: this.send(index, id).then(
        () => {
          attachment.ready = this.attachments.get(index) === attachment;
          // detached while attaching: the threads may have read the graph after the detach
          if (!attachment.ready) for (const thread of this.threads) thread.post({ type: 'detach', index: id });
          return attachment.ready;
        },
        (error: unknown) => {
          this.logger?.warn({ err: error }, 'vector index not attached to the search threads; searching it in-process');
          return false;
        },
      ),
    };
    this.attachments.set(index, attachment);
    return attachment;
  }

  private async send(index: VectorIndex, id: number): Promise<void> {
    const { graph, vectors, ...rest } = index.internals;
    const parts: AttachedParts = { ...rest, vectors: vectors.descriptor() };
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-search-'));
    try {
      const graphFile = path.join(dir, 'graph.hnsw');
      await graph.write(graphFile);
      await Promise.all(
        this.threads.map(
          (thread) =>
            new Promise<void>((resolve, reject) => {
              thread.attach(id, { resolve, reject }, { type: 'attach', index: id, graphFile, parts });
            }),
        ),
      );
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  /** Threads start at the first search: processes that never search (job workers) never start them. */
  private start(): boolean {
    if (!this.started) {
      this.started = true;
      // the worker file exists only in the compiled build
      if (this.size > 0 && __filename.endsWith('.js')) {
        const file = require.resolve('./search.worker');
        for (let i = 0; i < this.size; i += 1) this.threads.push(new SearchThread(file, (thread, error) => this.lost(thread, error)));
      }
    }
    return this.threads.length > 0;
  }

  private lost(thread: SearchThread, error: Error): void {
    if (!this.threads.includes(thread)) return;
    this.threads = this.threads.filter((other) => other !== thread);
    this.logger?.error({ err: error }, 'search worker lost; its share of searches runs in-process');
  }

  private idlest(): SearchThread | undefined {
    let best: SearchThread | undefined;
    for (const thread of this.threads) if (!best || thread.load < best.load) best = thread;
    return best;
  }
}
