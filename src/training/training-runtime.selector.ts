import type { TrainingRuntimeSetting } from '../config';
import { loadOnnxRuntime, ONNXRUNTIME_MODULE } from '../embedding/encoders/onnx-session';
import { errorMessage } from '../util/error-text';
import { OnnxTrainingStep } from './onnx/onnx-training-step';
import { TrainingRuntimeUnavailableError } from './onnx/training-runtime-unavailable.error';
import type { ParadigmCheckpoint } from './paradigms/trainable-paradigm';

export type TrainingRuntime = 'onnx' | 'wasm';

export interface TrainingRuntimeOptions {
  runtime: TrainingRuntimeSetting;
  threads: number;
  learningRate: number;
  batchRows: number;
  /** where onnxruntime is loaded from: a test points it at a module that fails */
  onnxModule?: string;
  /** the one line said when the run trains on tfjs although onnx was wanted or possible */
  warn(message: string): void;
}

/**
 * The native step for a run where the setting allows it (every paradigm has a step graph),
 * else null (the tfjs path). A native library that cannot load costs one warning under auto;
 * under a forced onnx it is a TrainingRuntimeUnavailableError naming why.
 */
export async function openTrainingStep(checkpoint: ParadigmCheckpoint, options: TrainingRuntimeOptions): Promise<OnnxTrainingStep | null> {
  if (options.runtime === 'wasm') return null;
  try {
    return await OnnxTrainingStep.open(checkpoint, { threads: options.threads, learningRate: options.learningRate, batchRows: options.batchRows, moduleName: options.onnxModule });
  } catch (error) {
    const reason = reasonOf(error);
    if (options.runtime === 'onnx') throw new TrainingRuntimeUnavailableError(`MORPHOSPACE_TRAINING_RUNTIME=onnx, but onnxruntime-node cannot train: ${reason}`);
    options.warn(`onnxruntime-node is unavailable (${reason}); training with tfjs (wasm) instead`);
    return null;
  }
}

/** For processes that start with MORPHOSPACE_TRAINING_RUNTIME=onnx: refuse to start (exit 2) rather than fail every training job later. */
export function checkForcedTrainingRuntime(runtime: TrainingRuntimeSetting, onnxModule = ONNXRUNTIME_MODULE): void {
  if (runtime !== 'onnx') return;
  try {
    loadOnnxRuntime(onnxModule);
  } catch (error) {
    throw new TrainingRuntimeUnavailableError(`MORPHOSPACE_TRAINING_RUNTIME=onnx, but onnxruntime-node cannot be loaded: ${reasonOf(error)}`);
  }
}

function reasonOf(error: unknown): string {
  return errorMessage(error).split('\n')[0];
}
