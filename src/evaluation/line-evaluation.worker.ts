import { parentPort } from 'node:worker_threads';
import { evaluateLineTasks, type LineData, type LinePlan } from './run.evaluator';

/** Worker thread of LineEvaluationPool: one cell line per message, its results back. */
parentPort?.on('message', ({ line, plan }: { line: LineData; plan: LinePlan }) => {
  try {
    parentPort!.postMessage({ ok: true, results: evaluateLineTasks(line, plan) });
  } catch (error) {
    parentPort!.postMessage({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
