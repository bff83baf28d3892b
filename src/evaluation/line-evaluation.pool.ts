import path from 'node:path';
import { ThreadPool } from '../util/thread-pool';
import { evaluateLineTasks, type LinePlan, type LineResults } from './cell-line.evaluator';
import type { LineData } from './tasks/evaluation-task';
import { normalizeHandedOver, type LineNormalization } from './tasks/line-normalization';

export interface LineRequest {
  line: LineData;
  plan: LinePlan;
}

/** The request's line is the evaluation's own (transferred, or loaded for it alone), so it may be normalised in place. */
export function evaluateLineRequest({ line, plan }: LineRequest): LineResults {
  const normalizations = plan.flatMap(({ sets }) => sets.map((set) => (set as { normalization?: LineNormalization }).normalization));
  return evaluateLineTasks(normalizeHandedOver(line, normalizations), plan);
}

/**
 * Cell lines evaluated on worker threads, one per thread at a time: the tasks are plain
 * single-threaded JS and cell lines are independent, so two cores evaluate a run in about
 * half the time. The vectors are transferred, not copied.
 */
export class LineEvaluationPool {
  private readonly pool: ThreadPool<LineRequest, LineResults>;

  constructor(size?: number) {
    this.pool = new ThreadPool(path.join(__dirname, 'line-evaluation.worker.js'), evaluateLineRequest, size);
  }

  get size(): number {
    return this.pool.size;
  }

  run(line: LineData, plan: LinePlan): Promise<LineResults> {
    return this.pool.run({ line, plan }, [line.vectors.data.buffer as ArrayBuffer]);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
