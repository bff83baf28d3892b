import * as tf from '@tensorflow/tfjs-core';
import { byolLoss } from '../losses';
import { Encoder, REPRESENTATION_DIM } from '../networks/encoder';
import { ParameterSet, type NamedArrays } from '../networks/parameter-set';
import { ProjectionMlp } from '../networks/projection-mlp';
import { TrainableParadigm, type LossTerms, type ParadigmOptions, type TrainingBatch } from './trainable-paradigm';

const PROJECTION_HIDDEN = 2048;
const PROJECTION_DIM = 64;
/** The target's EMA decay unless a run sets one. */
export const DEFAULT_EMA_DECAY = 0.99;

/**
 * BYOL: online encoder + projector (2048->2048->64, batch norm) + predictor
 * (64->2048->64), a target encoder + projector that is an EMA of the online ones, and the
 * symmetric loss over two views. Both views go through each network in one batch of 2n
 * (faster convolutions) with batch-norm statistics per view, as two calls would have.
 */
export class SelfSupervisedParadigm extends TrainableParadigm {
  readonly name = 'self-supervised' as const;
  readonly emaDecay: number;
  private readonly projector: ProjectionMlp;
  private readonly predictor: ProjectionMlp;
  private readonly targetParams = new ParameterSet(false);
  private readonly targetEncoder: Encoder;
  private readonly targetProjector: ProjectionMlp;

  constructor(options: ParadigmOptions = {}) {
    super(options);
    this.emaDecay = options.emaDecay ?? DEFAULT_EMA_DECAY;
    this.projector = new ProjectionMlp(this.params, 'projector', REPRESENTATION_DIM, PROJECTION_HIDDEN, PROJECTION_DIM, this.rng);
    this.predictor = new ProjectionMlp(this.params, 'predictor', PROJECTION_DIM, PROJECTION_HIDDEN, PROJECTION_DIM, this.rng);
    this.targetEncoder = new Encoder(this.targetParams, 'encoder', this.rng, this.inputChannels);
    this.targetProjector = new ProjectionMlp(this.targetParams, 'projector', REPRESENTATION_DIM, PROJECTION_HIDDEN, PROJECTION_DIM, this.rng);
    // the target starts as a copy of the online network
    this.targetParams.import(this.params.export());
  }

  private views(batch: TrainingBatch): tf.Tensor4D {
    const second = batch.x2 ?? tf.image.flipLeftRight(batch.x);
    return tf.concat([batch.x, second], 0);
  }

  /** Target projections of [view1; view2], halves swapped so row i pairs with the other view. */
  protected override prepare(batch: TrainingBatch): tf.Tensor[] {
    const n = batch.x.shape[0];
    const t = this.targetProjector.apply(this.targetEncoder.apply(this.views(batch)), 2);
    const swapped = tf.concat([tf.slice(t, [n, 0], [n, -1]), tf.slice(t, [0, 0], [n, -1])], 0);
    return [swapped];
  }

  protected losses(batch: TrainingBatch, prepared: tf.Tensor[]): LossTerms {
    const online = this.predictor.apply(this.projector.apply(this.encoder.apply(this.views(batch)), 2), 2);
    // loss(v1, v2) + loss(v2, v1), each a mean over n = 2 x the mean over 2n
    const byol = tf.mul(2, byolLoss(online, prepared[0] as tf.Tensor2D)) as tf.Scalar;
    return { total: byol, byol };
  }

  protected override afterStep(): void {
    const tau = this.emaDecay;
    tf.tidy(() => {
      for (const [name, target] of this.targetParams.entries()) {
        target.assign(tf.add(tf.mul(target, tau), tf.mul(this.params.get(name), 1 - tau)));
      }
    });
  }

  /** Online weights plus the target network under "target.". */
  override exportWeights(): NamedArrays {
    return { ...this.params.export(), ...this.targetParams.export('target.') };
  }

  override importWeights(weights: NamedArrays): void {
    this.params.import(weights);
    this.targetParams.import(weights, 'target.');
  }

  override dispose(): void {
    super.dispose();
    this.targetParams.dispose();
  }
}
