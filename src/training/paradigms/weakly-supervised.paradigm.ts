import * as tf from '@tensorflow/tfjs-core';
import { crossEntropyFromLogits } from '../losses';
import { ClassifierHead } from '../networks/classifier-head';
import { REPRESENTATION_DIM } from '../networks/encoder';
import { requireLabels, TrainableParadigm, type LossTerms, type ParadigmOptions, type TrainingBatch } from './trainable-paradigm';

/** Encoder + 2048->256->2 head trained on drug-vs-control labels. */
export class WeaklySupervisedParadigm extends TrainableParadigm {
  readonly name = 'weakly-supervised' as const;
  private readonly head: ClassifierHead;

  constructor(options: ParadigmOptions = {}) {
    super(options);
    this.head = new ClassifierHead(this.params, 'head', REPRESENTATION_DIM, this.rng);
  }

  protected losses(batch: TrainingBatch): LossTerms {
    const labels = requireLabels(batch, this.name);
    const classification = crossEntropyFromLogits(this.head.logits(this.encoder.apply(batch.x)), labels);
    return { total: classification, classification };
  }

  /** P(drug) per crop: [n]. */
  predictDrugProbability(x: tf.Tensor4D): tf.Tensor1D {
    return tf.tidy(() => this.head.drugProbability(this.encoder.infer(x)));
  }
}
