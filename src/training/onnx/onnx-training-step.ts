import type * as Ort from 'onnxruntime-node';
import { CROP_SIZE } from '../../data/crops/crop.plan';
import { loadOnnxRuntime, ONNXRUNTIME_MODULE } from '../../embedding/encoders/onnx-session';
import type { NamedArrays } from '../networks/parameter-set';
import type { ParadigmCheckpoint, StepResult } from '../paradigms/trainable-paradigm';
import type { Paradigm } from '../setups';
import { DEFAULT_EMA_DECAY } from '../paradigms/self-supervised.paradigm';
import { EMA_DECAY_INPUT, EMA_RATE_INPUT, SECOND_VIEW_INPUT } from './byol.graph';
import { flipLeftRight } from './flip-left-right';
import { buildStepGraph, IMAGES_INPUT, ONEHOT_INPUT } from './paradigm.graphs';
import { adamScalars, LOSS_PREFIX, NEXT, SQRT_BC2_INPUT, STEP_SIZE_INPUT, type TrainingGraphSpec } from './training-graph';

export interface OnnxTrainingOptions {
  threads: number;
  learningRate: number;
  /** rows per batch: its session is built at open, so a runtime that cannot run the graph fails there */
  batchRows: number;
  /** where onnxruntime is loaded from: a test points it at a module that fails */
  moduleName?: string;
}

/** One batch in the crop pipeline's layout: NHWC rows and a 0/1 label per row. */
export interface StepBatch {
  pixels: Float32Array;
  labels: Int32Array | null;
  rows: number;
  /** BYOL's second view of the same rows; default the first view flipped horizontally, as the tfjs path */
  secondView?: Float32Array;
}

/**
 * The adapter to onnxruntime-node for training: one session per batch size over the
 * paradigm's step graph (paradigm.graphs.ts). Weights and Adam moments live here as
 * onnxruntime tensors between steps, fed in and taken back from the outputs each step;
 * the checkpoint it exports has the tfjs path's names and layout, so either runtime resumes it.
 */
export class OnnxTrainingStep {
  private readonly sessions = new Map<number, { session: Ort.InferenceSession; spec: TrainingGraphSpec }>();
  private readonly state = new Map<string, Ort.Tensor>();
  private step: number;

  private constructor(
    private readonly ort: typeof Ort,
    readonly paradigm: Paradigm,
    private readonly options: OnnxTrainingOptions,
    checkpoint: ParadigmCheckpoint,
  ) {
    this.step = checkpoint.optimizer.step;
    for (const [name, entry] of Object.entries(checkpoint.weights)) this.state.set(name, this.tensor(entry.data, entry.shape));
    for (const [name, entry] of Object.entries(checkpoint.optimizer.moments)) this.state.set(name, this.tensor(entry.data, entry.shape));
  }

  /** Throws what the loader says when onnxruntime-node or its native library cannot load, or the session cannot be made. */
  static async open(checkpoint: ParadigmCheckpoint, options: OnnxTrainingOptions): Promise<OnnxTrainingStep> {
    const ort = loadOnnxRuntime(options.moduleName ?? ONNXRUNTIME_MODULE);
    const step = new OnnxTrainingStep(ort, checkpoint.paradigm, options, checkpoint);
    const channels = checkpoint.weights['encoder.conv1.weight']?.shape[2] ?? 1;
    await step.sessionFor(options.batchRows, CROP_SIZE * CROP_SIZE * channels);
    return step;
  }

  get device(): string {
    const threads = this.options.threads;
    return `onnxruntime-node ${this.ort.env.versions?.node ?? 'unknown'} (cpu, ${threads} thread${threads === 1 ? '' : 's'})`;
  }

  async train(batch: StepBatch): Promise<StepResult> {
    const { session, spec } = await this.sessionFor(batch.rows, batch.pixels.length / batch.rows);
    this.step += 1;
    const { stepSize, sqrtBc2 } = adamScalars(this.step, this.options.learningRate);
    const feeds: Record<string, Ort.Tensor> = {
      [IMAGES_INPUT]: this.tensor(batch.pixels, spec.data[IMAGES_INPUT]),
      [STEP_SIZE_INPUT]: this.tensor(Float32Array.of(stepSize), []),
      [SQRT_BC2_INPUT]: this.tensor(Float32Array.of(sqrtBc2), []),
    };
    if (spec.data[ONEHOT_INPUT]) feeds[ONEHOT_INPUT] = this.tensor(oneHot(batch, spec.data[ONEHOT_INPUT][1]), spec.data[ONEHOT_INPUT]);
    if (spec.data[SECOND_VIEW_INPUT]) {
      const view = spec.data[SECOND_VIEW_INPUT];
      feeds[SECOND_VIEW_INPUT] = this.tensor(batch.secondView ?? flipLeftRight(batch.pixels, view), view);
      // runs train BYOL with the paradigm's default decay (training.service sets no other)
      feeds[EMA_DECAY_INPUT] = this.tensor(Float32Array.of(DEFAULT_EMA_DECAY), []);
      feeds[EMA_RATE_INPUT] = this.tensor(Float32Array.of(1 - DEFAULT_EMA_DECAY), []);
    }
    for (const p of spec.parameters) {
      feeds[p.name] = this.stateOf(p.name, p.shape);
      if (p.trained) for (const moment of ['.m', '.v']) feeds[p.name + moment] = this.stateOf(p.name + moment, p.shape);
    }
    const out = await session.run(feeds);
    for (const p of spec.parameters) {
      this.state.set(p.name, out[p.name + NEXT] as Ort.Tensor);
      if (p.trained) for (const moment of ['.m', '.v']) this.state.set(p.name + moment, out[p.name + moment + NEXT] as Ort.Tensor);
    }
    const terms = Object.fromEntries(spec.losses.map((term) => [term, (out[LOSS_PREFIX + term].data as Float32Array)[0]]));
    const { total, ...rest } = terms;
    return { loss: total, terms: rest };
  }

  /** Weights and optimiser state under the tfjs path's names: "<param>" and "<param>.m|.v". */
  exportCheckpoint(): ParadigmCheckpoint {
    const weights: NamedArrays = {};
    const moments: NamedArrays = {};
    for (const [name, tensor] of this.state) {
      const entry = { shape: [...tensor.dims], data: Float32Array.from(tensor.data as Float32Array) };
      if (name.endsWith('.m') || name.endsWith('.v')) moments[name] = entry;
      else weights[name] = entry;
    }
    return { paradigm: this.paradigm, inputChannels: weights['encoder.conv1.weight']?.shape[2] ?? 1, weights, optimizer: { step: this.step, moments } };
  }

  async release(): Promise<void> {
    for (const { session } of this.sessions.values()) await session.release();
    this.sessions.clear();
  }

  private async sessionFor(rows: number, valuesPerRow: number): Promise<{ session: Ort.InferenceSession; spec: TrainingGraphSpec }> {
    const known = this.sessions.get(rows);
    if (known) return known;
    const weights: NamedArrays = {};
    for (const [name, tensor] of this.state) weights[name] = { shape: [...tensor.dims], data: new Float32Array(0) };
    const spec = buildStepGraph(this.paradigm, weights, rows);
    const expected = spec.data[IMAGES_INPUT].slice(1).reduce((a, b) => a * b, 1);
    if (valuesPerRow !== expected) throw new Error(`a crop has ${valuesPerRow} values, the ${this.paradigm} step expects ${expected}`);
    const session = await this.ort.InferenceSession.create(spec.model, {
      executionProviders: ['cpu'],
      intraOpNumThreads: this.options.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      // not 'all': its NCHWc layout pass wraps the batch-as-channels dW convolutions in reorders,
      // which made a weakly-supervised step about 3x slower here (profiled, one thread)
      graphOptimizationLevel: 'extended',
      // tensors from the arena one by one, each freed after its last reader: the memory pattern
      // planned one block for the whole step on top of what the first run had left in the arena,
      // which put the autoencoder's 160-row step at 1.9 GB peak RSS (1.0 GB without; README,
      // "Native training (ONNX)"), and the step ran no faster with it
      enableMemPattern: false,
    });
    const opened = { session, spec };
    this.sessions.set(rows, opened);
    return opened;
  }

  /** A parameter's tensor, or zeros for Adam moments a fresh run has not made yet (as optim/adam.ts starts them). */
  private stateOf(name: string, shape: number[]): Ort.Tensor {
    let value = this.state.get(name);
    if (!value) {
      if (!name.endsWith('.m') && !name.endsWith('.v')) throw new Error(`the checkpoint has no ${name}`);
      value = this.tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
      this.state.set(name, value);
    }
    return value;
  }

  private tensor(data: Float32Array, dims: number[]): Ort.Tensor {
    return new this.ort.Tensor('float32', data, dims);
  }
}

function oneHot(batch: StepBatch, classes: number): Float32Array {
  if (!batch.labels) throw new Error('this paradigm trains on drug/control labels, and the batch has none');
  const out = new Float32Array(batch.rows * classes);
  for (let i = 0; i < batch.rows; i += 1) out[i * classes + batch.labels[i]] = 1;
  return out;
}
