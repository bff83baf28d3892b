import { CROP_SIZE } from '../../data/crops/crop.plan';
import type { NamedArrays } from '../networks/parameter-set';
import { batchNormBackward, batchNormForward } from './batch-norm.ops';
import { byolLoss } from './byol-loss.ops';
import { denseBackward, denseForward, relu, reluBackward } from './layer-ops';
import { encoderGraph, ENCODER_LAYERS, inputChannels, registerParams, type GraphPart } from './network.graphs';
import { TrainingGraph, type TrainingGraphSpec } from './training-graph';

/** The second view of the batch's images, NHWC as the first. */
export const SECOND_VIEW_INPUT = 'x2';
/** The target's EMA: target x decay + online x rate, both fed so the float32 constants are the tfjs path's (rate = 1 - decay in double). */
export const EMA_DECAY_INPUT = 'byol.emaDecay';
export const EMA_RATE_INPUT = 'byol.emaRate';

const PROJECTION_LAYERS = ['fc1', 'bn', 'fc2'];
/** Batch-norm statistics are taken per view, as the tfjs path's two-group batch norm. */
const VIEWS = 2;
/** The networks the target tracks, by their online names; the target's are these under "target.". */
const TRACKED = [...ENCODER_LAYERS.map((layer) => `encoder.${layer}`), ...PROJECTION_LAYERS.map((layer) => `projector.${layer}`)];

/** networks/projection-mlp.ts on [rows, in]: Linear -> BatchNorm1d (per view) -> ReLU -> Linear. */
function projectionGraph(t: TrainingGraph, prefix: string, x: string, rows: number): GraphPart {
  const fc1 = denseForward(t, `${prefix}.fc1`, x);
  const bn = batchNormForward(t, `${prefix}.bn`, fc1.y, rows, VIEWS);
  const hidden = relu(t, bn.y);
  const fc2 = denseForward(t, `${prefix}.fc2`, hidden);
  return {
    out: fc2.y,
    backward(dOut) {
      const dHidden = denseBackward(t, fc2, dOut)!;
      return denseBackward(t, fc1, batchNormBackward(t, bn, reluBackward(t, hidden, dHidden)));
    },
  };
}

/**
 * The self-supervised (BYOL) step for n images of two views, as paradigms/self-supervised.paradigm.ts:
 * both views pass each network as one batch of 2n rows ([view 1; view 2]); the target encoder +
 * projector give the constants, their halves swapped so each prediction meets the other view;
 * the online encoder + projector + predictor are trained on the symmetric loss by Adam; then the
 * target moves to decay x target + rate x the online weights after that update, as tfjs's
 * afterStep does.
 */
export function byolStepGraph(weights: NamedArrays, n: number, imagesInput: string): TrainingGraphSpec {
  const t = new TrainingGraph();
  const { g } = t;
  const rows = VIEWS * n;
  const channels = inputChannels(weights);
  registerParams(t, weights, 'encoder', ENCODER_LAYERS);
  registerParams(t, weights, 'projector', PROJECTION_LAYERS);
  registerParams(t, weights, 'predictor', PROJECTION_LAYERS);
  registerParams(t, weights, 'target.encoder', ENCODER_LAYERS, false);
  registerParams(t, weights, 'target.projector', PROJECTION_LAYERS, false);
  const view = [n, CROP_SIZE, CROP_SIZE, channels];
  const nhwc = g.op('Concat', [t.dataInput(imagesInput, view), t.dataInput(SECOND_VIEW_INPUT, view)], { axis: 0 });
  const x = g.op('Transpose', [nhwc], { perm: [0, 3, 1, 2] });

  const target = projectionGraph(t, 'target.projector', encoderGraph(t, 'target.encoder', x, rows).out, rows).out;
  const rowsOf = (from: number, to: number) => g.op('Slice', [target, g.int64([from]), g.int64([to]), g.int64([0])]);
  const swapped = g.op('Concat', [rowsOf(n, rows), rowsOf(0, n)], { axis: 0 });

  const encoder = encoderGraph(t, 'encoder', x, rows);
  const projector = projectionGraph(t, 'projector', encoder.out, rows);
  const predictor = projectionGraph(t, 'predictor', projector.out, rows);
  const { loss, dOnline } = byolLoss(t, predictor.out, swapped, rows);
  encoder.backward(projector.backward(predictor.backward(dOnline)!)!);

  const decay = t.dataInput(EMA_DECAY_INPUT, []);
  const rate = t.dataInput(EMA_RATE_INPUT, []);
  for (const layer of TRACKED) {
    for (const part of ['weight', 'bias']) {
      const name = `${layer}.${part}`;
      t.setState(`target.${name}`, (updated) => g.op('Add', [g.op('Mul', [`target.${name}`, decay]), g.op('Mul', [updated(name), rate])]));
    }
  }
  return t.finish('morphospace-self-supervised-step', { total: loss, byol: loss });
}
