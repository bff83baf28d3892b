import { CROP_SIZE } from '../../data/crops/crop.plan';
import type { NamedArrays } from '../networks/parameter-set';
import {
  convBackward,
  convForward,
  denseBackward,
  denseForward,
  flattenHwc,
  leakyRelu,
  leakyReluBackward,
  maxPool,
  maxPoolBackward,
  relu,
  reluBackward,
  unflattenHwc,
  upsample2,
  upsample2Backward,
} from './layer-ops';
import type { TrainingGraph } from './training-graph';

/** The networks of networks/*.ts as forward graphs with a backward() that emits their gradients. */
export interface GraphPart {
  out: string;
  /** emits the gradients of the part's parameters from the gradient at `out`; returns the input's gradient (or null for data) */
  backward(dOut: string): string | null;
}

const FEATURE_SIDE = CROP_SIZE / 4;

/** Registers `${prefix}.${layer}.weight|bias` graph parameters, shapes from the run's weights (cin from the first filter). */
export function registerParams(t: TrainingGraph, weights: NamedArrays, prefix: string, layers: string[], trained = true): void {
  for (const layer of layers) {
    for (const part of ['weight', 'bias']) {
      const name = `${prefix}.${layer}.${part}`;
      const entry = weights[name];
      if (!entry) throw new Error(`the weights have no ${name}`);
      t.param(name, entry.shape, trained);
    }
  }
}

export const ENCODER_LAYERS = ['conv1', 'conv2', 'conv3', 'conv4'];

/** Channels of the encoder's input: from its first filter, so C-channel crops need no change here. */
export function inputChannels(weights: NamedArrays, prefix = 'encoder'): number {
  const first = weights[`${prefix}.conv1.weight`];
  if (!first || first.shape.length !== 4) throw new Error(`the weights have no 3x3 filter ${prefix}.conv1.weight`);
  return first.shape[2];
}

/** networks/encoder.ts on NCHW input [n,c,64,64]: out is the [n,2048] representation (HWC order). */
export function encoderGraph(t: TrainingGraph, prefix: string, x: string, n: number): GraphPart {
  const c1 = convForward(t, `${prefix}.conv1`, x);
  const p1 = maxPool(t, c1.z);
  const a1 = relu(t, p1);
  const c2 = convForward(t, `${prefix}.conv2`, a1);
  const p2 = maxPool(t, c2.z);
  const a2 = relu(t, p2);
  const c3 = convForward(t, `${prefix}.conv3`, a2);
  const a3 = relu(t, c3.z);
  const c4 = convForward(t, `${prefix}.conv4`, a3);
  const channels = t.shapeOf(`${prefix}.conv4.weight`)[3];
  const dim = FEATURE_SIDE * FEATURE_SIDE * channels;
  return {
    out: flattenHwc(t, c4.z, n, dim),
    backward(dCode) {
      const dz4 = unflattenHwc(t, dCode, [n, FEATURE_SIDE, FEATURE_SIDE, channels]);
      const da3 = convBackward(t, c4, dz4, true)!;
      const da2 = convBackward(t, c3, reluBackward(t, c3.z, da3), true)!;
      const da1 = convBackward(t, c2, maxPoolBackward(t, c2.z, p2, reluBackward(t, p2, da2)), true)!;
      return convBackward(t, c1, maxPoolBackward(t, c1.z, p1, reluBackward(t, p1, da1)), false);
    },
  };
}

/** networks/classifier-head.ts: 2048 -> 256 -> LeakyReLU(0.01) -> logits. */
export function headGraph(t: TrainingGraph, prefix: string, code: string): GraphPart {
  const fc1 = denseForward(t, `${prefix}.fc1`, code);
  const hidden = leakyRelu(t, fc1.y, 0.01);
  const fc2 = denseForward(t, `${prefix}.fc2`, hidden);
  return {
    out: fc2.y,
    backward(dLogits) {
      const dHidden = denseBackward(t, fc2, dLogits)!;
      return denseBackward(t, fc1, leakyReluBackward(t, fc1.y, dHidden, 0.01));
    },
  };
}

/** networks/decoder.ts: [n,2048] code -> logits [n,c,64,64] (c = 1: the grey crop). */
export function decoderGraph(t: TrainingGraph, prefix: string, code: string, n: number): GraphPart {
  const codeChannels = t.shapeOf(`${prefix}.conv1.weight`)[2];
  const x = unflattenHwc(t, code, [n, FEATURE_SIDE, FEATURE_SIDE, codeChannels]);
  const d1 = convForward(t, `${prefix}.conv1`, x);
  const a1 = relu(t, d1.z);
  const u1 = upsample2(t, a1);
  const d2 = convForward(t, `${prefix}.conv2`, u1);
  const a2 = relu(t, d2.z);
  const u2 = upsample2(t, a2);
  const d3 = convForward(t, `${prefix}.conv3`, u2);
  const a3 = relu(t, d3.z);
  const d4 = convForward(t, `${prefix}.conv4`, a3);
  return {
    out: d4.z,
    backward(dLogits) {
      const da3 = convBackward(t, d4, dLogits, true)!;
      const du2 = convBackward(t, d3, reluBackward(t, a3, da3), true)!;
      const du1 = convBackward(t, d2, reluBackward(t, a2, upsample2Backward(t, du2)), true)!;
      const dx = convBackward(t, d1, reluBackward(t, a1, upsample2Backward(t, du1)), true)!;
      return flattenHwc(t, dx, n, FEATURE_SIDE * FEATURE_SIDE * codeChannels);
    },
  };
}
