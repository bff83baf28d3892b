import * as tf from '@tensorflow/tfjs-core';
import '../gradients/register-training-gradients';
import type { Paradigm } from '../setups';
import { SeededRandom } from '../../util/seeded-random';
import { Adam, type AdamState } from '../optim/adam';
import { Encoder } from '../networks/encoder';
import { ParameterSet, type NamedArrays } from '../networks/parameter-set';

/** One mini-batch. The caller owns the tensors (trainStep does not dispose them). */
export interface TrainingBatch {
  /** crops [n,64,64,C] (C = the paradigm's inputChannels), values in [0,1] */
  x: tf.Tensor4D;
  /** 1 = drug, 0 = control; required by weakly-supervised and regularized */
  labels?: tf.Tensor1D;
  /** BYOL's second view of the same images; default: x flipped horizontally */
  x2?: tf.Tensor4D;
}

export interface StepResult {
  /** the optimised loss */
  loss: number;
  /** its named parts, e.g. { reconstruction, classification } */
  terms: Record<string, number>;
}

export interface ParadigmOptions {
  /** seeds the weight initialisation; default 0 */
  seed?: number | string;
  /** Adam learning rate; default 1e-4 */
  learningRate?: number;
  /** BYOL target EMA decay; default 0.99 */
  emaDecay?: number;
  /** channels of the screen's images: the encoder's first layer and the decoder's output; default 1 */
  inputChannels?: number;
}

/** What a checkpoint holds besides the run's own bookkeeping. */
export interface ParadigmCheckpoint {
  paradigm: Paradigm;
  /** the images' channels the network takes (checkpoints from before channels: 1) */
  inputChannels: number;
  weights: NamedArrays;
  optimizer: AdamState;
}

export type LossTerms = { total: tf.Scalar } & Record<string, tf.Scalar>;

/**
 * A network + loss + optimizer that trains one mini-batch at a time. Subclasses define
 * the losses; memory hygiene (tidy, disposal of gradients) lives here.
 */
export abstract class TrainableParadigm {
  abstract readonly name: Paradigm;
  protected readonly params = new ParameterSet(true);
  protected readonly rng: SeededRandom;
  protected readonly optimizer: Adam;
  /** every paradigm's representation; its weights are drawn first, before the paradigm's own networks */
  protected readonly encoder: Encoder;
  readonly inputChannels: number;

  constructor(protected readonly options: ParadigmOptions = {}) {
    const channels = options.inputChannels ?? 1;
    if (!Number.isInteger(channels) || channels < 1) throw new Error(`inputChannels must be a positive integer, got ${channels}`);
    this.inputChannels = channels;
    this.rng = SeededRandom.derive('morphospace-init', options.seed ?? 0);
    this.optimizer = new Adam({ learningRate: options.learningRate ?? 1e-4 });
    this.encoder = new Encoder(this.params, 'encoder', this.rng, channels);
  }

  /** Tensors needed by the loss that must not be differentiated (e.g. BYOL targets). */
  protected prepare(_batch: TrainingBatch): tf.Tensor[] {
    return [];
  }

  protected abstract losses(batch: TrainingBatch, prepared: tf.Tensor[]): LossTerms;

  /** Runs after the optimizer update (e.g. BYOL's EMA). */
  protected afterStep(): void {}

  /** The 2048-d representation of each crop: [n,2048]. The caller disposes it. */
  encode(x: tf.Tensor4D): tf.Tensor2D {
    return this.encoder.infer(x);
  }

  trainStep(batch: TrainingBatch): StepResult {
    const values = tf.tidy(() => {
      const prepared = this.prepare(batch);
      const kept: Record<string, tf.Scalar> = {};
      const { grads } = tf.variableGrads(() => {
        const terms = this.losses(batch, prepared);
        for (const [key, value] of Object.entries(terms)) kept[key] = tf.keep(value);
        return terms.total;
      }, this.params.list());
      const byName: Record<string, tf.Tensor> = {};
      for (const [name, variable] of this.params.entries()) {
        const g = grads[variable.name];
        if (g) byName[name] = g;
      }
      this.optimizer.apply(this.params.entries(), byName);
      const names = Object.keys(kept);
      // one read for all terms
      const stacked = tf.stack(names.map((n) => kept[n]));
      const data = stacked.dataSync();
      for (const n of names) kept[n].dispose();
      return Object.fromEntries(names.map((n, i) => [n, data[i]]));
    });
    this.afterStep();
    const { total, ...terms } = values;
    return { loss: total, terms };
  }

  /** Loss terms on a batch without training (evaluation, tests). */
  evaluate(batch: TrainingBatch): StepResult {
    const values = tf.tidy(() => {
      const terms = this.losses(batch, this.prepare(batch));
      const names = Object.keys(terms);
      const data = tf.stack(names.map((n) => terms[n])).dataSync();
      return Object.fromEntries(names.map((n, i) => [n, data[i]]));
    });
    const { total, ...terms } = values;
    return { loss: total, terms };
  }

  /**
   * L2 norm of the gradient of one loss term with respect to each parameter (0 where the
   * term does not depend on it). Diagnostics: e.g. that the classification term of the
   * regularized paradigm reaches the encoder.
   */
  gradientNorms(batch: TrainingBatch, term = 'total'): Record<string, number> {
    return tf.tidy(() => {
      const prepared = this.prepare(batch);
      const { grads } = tf.variableGrads(() => {
        const terms = this.losses(batch, prepared);
        const chosen = terms[term];
        if (!chosen) throw new Error(`${this.name} has no loss term ${term}`);
        return chosen;
      }, this.params.list());
      const out: Record<string, number> = {};
      for (const [name, variable] of this.params.entries()) {
        const g = grads[variable.name];
        out[name] = g ? tf.norm(g).dataSync()[0] : 0;
      }
      return out;
    });
  }

  parameterCount(): number {
    return this.params.count();
  }

  parameterNames(): string[] {
    return this.params.names();
  }

  exportWeights(): NamedArrays {
    return this.params.export();
  }

  importWeights(weights: NamedArrays): void {
    const first = weights['encoder.conv1.weight'];
    // the first layer's input width is the channel count: a clear refusal instead of a shape error
    if (first && first.shape[2] !== this.inputChannels) {
      throw new Error(`the weights take ${first.shape[2]}-channel images, this network ${this.inputChannels}-channel ones`);
    }
    this.params.import(weights);
  }

  exportOptimizerState(): AdamState {
    return this.optimizer.exportState();
  }

  importOptimizerState(state: AdamState): void {
    this.optimizer.importState(state);
  }

  exportCheckpoint(): ParadigmCheckpoint {
    return { paradigm: this.name, inputChannels: this.inputChannels, weights: this.exportWeights(), optimizer: this.exportOptimizerState() };
  }

  importCheckpoint(checkpoint: ParadigmCheckpoint): void {
    if (checkpoint.paradigm !== this.name) {
      throw new Error(`checkpoint is for ${checkpoint.paradigm}, not ${this.name}`);
    }
    if (checkpoint.inputChannels !== this.inputChannels) {
      throw new Error(`checkpoint is for ${checkpoint.inputChannels}-channel images, this screen has ${this.inputChannels} channels`);
    }
    this.importWeights(checkpoint.weights);
    this.importOptimizerState(checkpoint.optimizer);
  }

  dispose(): void {
    this.params.dispose();
    this.optimizer.dispose();
  }
}

export function requireLabels(batch: TrainingBatch, paradigm: Paradigm): tf.Tensor1D {
  if (!batch.labels) throw new Error(`${paradigm} training needs drug/control labels`);
  return batch.labels;
}
