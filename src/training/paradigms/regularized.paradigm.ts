import * as tf from '@tensorflow/tfjs-core';
import { binaryCrossEntropyFromLogits, crossEntropyFromLogits } from '../losses';
import { ClassifierHead } from '../networks/classifier-head';
import { Decoder } from '../networks/decoder';
import { REPRESENTATION_DIM } from '../networks/encoder';
import { requireLabels, TrainableParadigm, type LossTerms, type ParadigmOptions, type TrainingBatch } from './trainable-paradigm';

/**
 * Autoencoder plus the drug-vs-control head on its code, loss = reconstruction +
 * classification. Both gradients reach the encoder: the code is not detached (the
 * reference implementation's `.item()` turned the classification loss into a constant).
 */
export class RegularizedParadigm extends TrainableParadigm {
  readonly name = 'regularized' as const;
  private readonly decoder: Decoder;
  private readonly head: ClassifierHead;

  constructor(options: ParadigmOptions = {}) {
    super(options);
    this.decoder = new Decoder(this.params, 'decoder', this.rng, this.inputChannels);
    this.head = new ClassifierHead(this.params, 'head', REPRESENTATION_DIM, this.rng);
  }

  protected losses(batch: TrainingBatch): LossTerms {
    const labels = requireLabels(batch, this.name);
    const code = this.encoder.apply(batch.x);
    const reconstruction = binaryCrossEntropyFromLogits(this.decoder.logits(code), batch.x);
    const classification = crossEntropyFromLogits(this.head.logits(code), labels);
    return { total: tf.add(reconstruction, classification), reconstruction, classification };
  }

  predictDrugProbability(x: tf.Tensor4D): tf.Tensor1D {
    return tf.tidy(() => this.head.drugProbability(this.encoder.infer(x)));
  }
}
