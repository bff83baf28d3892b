import { CROP_SIZE } from '../../data/crops/crop.plan';
import type { NamedArrays } from '../networks/parameter-set';
import type { Paradigm } from '../setups';
import { byolStepGraph } from './byol.graph';
import { binaryCrossEntropy, crossEntropy } from './layer-ops';
import { decoderGraph, encoderGraph, ENCODER_LAYERS, headGraph, inputChannels, registerParams } from './network.graphs';
import { TrainingGraph, type TrainingGraphSpec } from './training-graph';

/** The data inputs every step graph reads. */
export const IMAGES_INPUT = 'x';
export const ONEHOT_INPUT = 'onehot';

const HEAD_LAYERS = ['fc1', 'fc2'];
const DECODER_LAYERS = ['conv1', 'conv2', 'conv3', 'conv4'];

/**
 * The whole training step of `paradigm` for a batch of n crops as one ONNX graph, shaped by
 * the run's weights (their names and shapes are the graph's parameters). For BYOL, n is the
 * number of images, each in two views.
 */
export function buildStepGraph(paradigm: Paradigm, weights: NamedArrays, n: number): TrainingGraphSpec {
  switch (paradigm) {
    case 'weakly-supervised':
      return stepGraph(paradigm, weights, n, { head: true, decoder: false });
    case 'unsupervised':
      return stepGraph(paradigm, weights, n, { head: false, decoder: true });
    case 'regularized':
      return stepGraph(paradigm, weights, n, { head: true, decoder: true });
    case 'self-supervised':
      return byolStepGraph(weights, n, IMAGES_INPUT);
  }
}

/**
 * Encoder, then the classification head (cross-entropy on drug/control), the decoder (BCE
 * reconstruction of the input) or both on the same code: the code's gradient is their sum,
 * so the classification gradient reaches the encoder in the regularized paradigm.
 */
function stepGraph(paradigm: Paradigm, weights: NamedArrays, n: number, parts: { head: boolean; decoder: boolean }): TrainingGraphSpec {
  const t = new TrainingGraph();
  const { g } = t;
  const channels = inputChannels(weights);
  registerParams(t, weights, 'encoder', ENCODER_LAYERS);
  if (parts.decoder) registerParams(t, weights, 'decoder', DECODER_LAYERS);
  if (parts.head) registerParams(t, weights, 'head', HEAD_LAYERS);
  const nhwc = t.dataInput(IMAGES_INPUT, [n, CROP_SIZE, CROP_SIZE, channels]);
  const x = g.op('Transpose', [nhwc], { perm: [0, 3, 1, 2] });
  const encoder = encoderGraph(t, 'encoder', x, n);
  const losses: Record<string, string> = {};
  const codeGrads: string[] = [];
  if (parts.decoder) {
    const decoder = decoderGraph(t, 'decoder', encoder.out, n);
    const target = g.op('SpaceToDepth', [x], { blocksize: 2 });
    const bce = binaryCrossEntropy(t, decoder.out, target, n * channels * CROP_SIZE * CROP_SIZE);
    losses.reconstruction = bce.loss;
    codeGrads.push(decoder.backward(bce.dLogits)!);
  }
  if (parts.head) {
    const classes = t.shapeOf('head.fc2.weight')[1];
    const onehot = t.dataInput(ONEHOT_INPUT, [n, classes]);
    const head = headGraph(t, 'head', encoder.out);
    const ce = crossEntropy(t, head.out, onehot, n);
    losses.classification = ce.loss;
    codeGrads.push(head.backward(ce.dLogits)!);
  }
  const terms = Object.values(losses);
  const total = terms.length === 1 ? terms[0] : g.op('Add', terms);
  encoder.backward(codeGrads.length === 1 ? codeGrads[0] : g.op('Add', codeGrads));
  return t.finish(`morphospace-${paradigm}-step`, { total, ...losses });
}
