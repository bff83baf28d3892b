import * as tf from '@tensorflow/tfjs-core';
import { binaryCrossEntropyFromLogits } from '../losses';
import { Decoder } from '../networks/decoder';
import { TrainableParadigm, type LossTerms, type ParadigmOptions, type TrainingBatch } from './trainable-paradigm';

/** Convolutional autoencoder with a BCE reconstruction loss. */
export class UnsupervisedParadigm extends TrainableParadigm {
  readonly name = 'unsupervised' as const;
  private readonly decoder: Decoder;

  constructor(options: ParadigmOptions = {}) {
    super(options);
    this.decoder = new Decoder(this.params, 'decoder', this.rng, this.inputChannels);
  }

  protected losses(batch: TrainingBatch): LossTerms {
    const reconstruction = binaryCrossEntropyFromLogits(this.decoder.logits(this.encoder.apply(batch.x)), batch.x);
    return { total: reconstruction, reconstruction };
  }

  reconstruct(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.decoder.reconstruct(this.encoder.apply(x)));
  }
}
