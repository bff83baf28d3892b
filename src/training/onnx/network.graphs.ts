import { CROP_SIZE } from '../../data/crops/crop.plan';
import type { NamedArrays } from '../networks/parameter-set';
import {
  convBackward,
  convForward,
  denseBackward,
  denseForward,
  flattenHwc,
  inputBlockBackward,
  inputBlockForward,
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
import { phaseConvBackward, phaseConvForward, upsampleConvBackward, upsampleConvForward } from './phase-ops';
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
  // maxpool(relu(z)) = relu(maxpool(z)), and a convolution whose only reader is its ReLU is one
  // fused kernel in onnxruntime: the backward pass reads the ReLU outputs, never z
  const b1 = inputBlockForward(t, `${prefix}.conv1`, x, [n, t.shapeOf(`${prefix}.conv1.weight`)[2], CROP_SIZE, CROP_SIZE]);
  const a1 = b1.pooled;
  const c2 = convForward(t, `${prefix}.conv2`, a1);
  const r2 = relu(t, c2.z);
  const a2 = maxPool(t, r2);
  const c3 = convForward(t, `${prefix}.conv3`, a2);
  const a3 = relu(t, c3.z);
  const c4 = convForward(t, `${prefix}.conv4`, a3);
  const c2Out = t.shapeOf(`${prefix}.conv2.weight`)[3];
  const channels = t.shapeOf(`${prefix}.conv4.weight`)[3];
  const dim = FEATURE_SIDE * FEATURE_SIDE * channels;
  return {
    out: flattenHwc(t, c4.z, n, dim),
    backward(dCode) {
      const dz4 = unflattenHwc(t, dCode, [n, FEATURE_SIDE, FEATURE_SIDE, channels]);
      const da3 = convBackward(t, c4, dz4, true)!;
      const da2 = convBackward(t, c3, reluBackward(t, a3, da3), true)!;
      // the ReLU mask on the pooled map (a window's max > 0), then the route to that max
      const dz2 = maxPoolBackward(t, r2, a2, reluBackward(t, a2, da2), [n, c2Out, FEATURE_SIDE * 2, FEATURE_SIDE * 2]);
      const da1 = convBackward(t, c2, dz2, true)!;
      inputBlockBackward(t, b1, da1);
      return null;
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

/**
 * networks/decoder.ts: [n,2048] code -> logits (c = 1: the grey crop). The last two convolutions
 * run on 32x32 phases (phase-ops.ts), so `out` is the logits in phase layout, [n, 4c, 32, 32]
 * in SpaceToDepth's order: compare it with SpaceToDepth of the target.
 */
export function decoderGraph(t: TrainingGraph, prefix: string, code: string, n: number): GraphPart {
  const codeChannels = t.shapeOf(`${prefix}.conv1.weight`)[2];
  const x = unflattenHwc(t, code, [n, FEATURE_SIDE, FEATURE_SIDE, codeChannels]);
  const d1 = convForward(t, `${prefix}.conv1`, x);
  const a1 = relu(t, d1.z);
  const u1 = upsample2(t, a1);
  const d2 = convForward(t, `${prefix}.conv2`, u1);
  const a2 = relu(t, d2.z);
  const d3 = upsampleConvForward(t, `${prefix}.conv3`, a2);
  const d4 = phaseConvForward(t, `${prefix}.conv4`, d3.phases);
  return {
    out: d4.out,
    backward(dLogits) {
      const da3 = phaseConvBackward(t, d4, dLogits);
      const da2 = upsampleConvBackward(t, d3, da3.map((d, i) => reluBackward(t, d3.phases[i], d)));
      const du1 = convBackward(t, d2, reluBackward(t, a2, da2), true)!;
      const dx = convBackward(t, d1, reluBackward(t, a1, upsample2Backward(t, du1)), true)!;
      return flattenHwc(t, dx, n, FEATURE_SIDE * FEATURE_SIDE * codeChannels);
    },
  };
}
