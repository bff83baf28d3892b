import * as tf from '@tensorflow/tfjs-core';
import { crossEntropyFromLogits } from '../losses';
import { ClassifierHead } from '../networks/classifier-head';
import { Encoder, REPRESENTATION_DIM } from '../networks/encoder';
import { requireLabels, TrainableParadigm, type LossTerms, type ParadigmOptions, type TrainingBatch } from './trainable-paradigm';

/** Encoder + 2048->256->2 head trained on drug-vs-control labels. */
export class WeaklySupervisedParadigm extends TrainableParadigm {
  readonly name = 'weakly-supervised' as const;
  private readonly encoder: Encoder;
  private readonly head: ClassifierHead;

  constructor(options: ParadigmOptions = {}) {
    super(options);
    this.encoder = new Encoder(this.params, 'encoder', this.rng);
    this.head = new ClassifierHead(this.params, 'head', REPRESENTATION_DIM, this.rng);
  }

  protected losses(batch: TrainingBatch): LossTerms {
    const labels = requireLabels(batch, this.name);
    const classification = crossEntropyFromLogits(this.head.logits(this.encoder.apply(batch.x)), labels);
    return { total: classification, classification };
  }

  encode(x: tf.Tensor4D): tf.Tensor2D {
    return this.encoder.infer(x);
  }

  /** P(drug) per crop: [n]. */
  predictDrugProbability(x: tf.Tensor4D): tf.Tensor1D {
    return tf.tidy(() => tf.reshape(tf.slice(tf.softmax(this.head.logits(this.encoder.infer(x))), [0, 1], [-1, 1]), [-1]));
  }
}
