import { onnx } from 'onnx-proto';
import type { NamedArrays } from '../../training/networks/parameter-set';

/** The graph's input and output names, as a Python caller passes and reads them. */
export const ONNX_INPUT = 'image';
export const ONNX_OUTPUT = 'embedding';

/** How an image becomes the model's input, written into the model's metadata_props. */
export interface EncoderOnnxMetadata {
  runId: string;
  paradigm: string;
  epoch: number;
  /** the tile side in source pixels, or 'whole' (the image's centred square) */
  tileSize: number | 'whole';
  aggregation: 'mean' | 'median';
}

const TILE = 64;
const LAYERS = ['conv1', 'conv2', 'conv3', 'conv4'] as const;
// opset 13 and IR 7: read by every onnxruntime of the last years, and enough for these five operators
const OPSET = 13;
const IR_VERSION = 7;

/**
 * The study's encoder (see training/networks/encoder.ts) as an ONNX graph built from a run's
 * weights: Conv+Relu+MaxPool, Conv+Relu+MaxPool, Conv+Relu, Conv, then Transpose NCHW->NHWC
 * and Flatten, so the 2048 values come out in the (height, width, channel) order of the
 * tfjs embedding. The input is [batch, C, 64, 64] (NCHW), C the channels the encoder was
 * trained on: with one channel, NCHW and our NHWC tiles are the same bytes; with more, the
 * session adapter transposes the tiles (onnx-session.ts).
 */
export function buildEncoderOnnx(weights: NamedArrays, metadata: EncoderOnnxMetadata): Uint8Array {
  const initializers: onnx.ITensorProto[] = [];
  const nodes: onnx.INodeProto[] = [];
  let current = ONNX_INPUT;
  const channels = weights['encoder.conv1.weight']?.shape[2] ?? 1;
  LAYERS.forEach((layer, index) => {
    const weight = weights[`encoder.${layer}.weight`];
    const bias = weights[`encoder.${layer}.bias`];
    if (!weight || !bias) throw new Error(`the weights have no encoder.${layer}`);
    const [kh, kw, cin, cout] = weight.shape;
    if (weight.shape.length !== 4 || kh !== 3 || kw !== 3 || bias.shape[0] !== cout) throw new Error(`encoder.${layer}.weight has shape [${weight.shape}], expected [3,3,cin,cout]`);
    initializers.push(floatTensor(`${layer}.weight`, [cout, cin, kh, kw], hwioToOihw(weight.data, kh, kw, cin, cout)));
    initializers.push(floatTensor(`${layer}.bias`, [cout], bias.data));
    const conv = `${layer}.conv`;
    nodes.push(node('Conv', [current, `${layer}.weight`, `${layer}.bias`], conv, [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1]), ints('strides', [1, 1])]));
    current = conv;
    // the last layer has no activation, as in the reference
    if (index < 3) {
      nodes.push(node('Relu', [current], `${layer}.relu`));
      current = `${layer}.relu`;
    }
    if (index < 2) {
      nodes.push(node('MaxPool', [current], `${layer}.pool`, [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])]));
      current = `${layer}.pool`;
    }
  });
  nodes.push(node('Transpose', [current], 'nhwc', [ints('perm', [0, 2, 3, 1])]));
  nodes.push(node('Flatten', ['nhwc'], ONNX_OUTPUT, [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }]));
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'morphospace',
    docString: `morphospace encoder of run ${metadata.runId} (${metadata.paradigm}, epoch ${metadata.epoch})`,
    graph: {
      name: 'morphospace-encoder',
      node: nodes,
      initializer: initializers,
      input: [valueInfo(ONNX_INPUT, ['batch', channels, TILE, TILE])],
      output: [valueInfo(ONNX_OUTPUT, ['batch', 2048])],
    },
    metadataProps: Object.entries(metadataProps(metadata, channels)).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}

/** The key/value pairs a reader needs to feed the model as the embed job does. */
export function metadataProps(metadata: EncoderOnnxMetadata, channels = 1): Record<string, string> {
  const tiles =
    metadata.tileSize === 'whole'
      ? "the image's centred square, resized to 64x64"
      : `a centred grid of non-overlapping ${metadata.tileSize}x${metadata.tileSize} tiles (a remainder narrower than a tile dropped; an image smaller than a tile is embedded whole), each resized to 64x64`;
  return {
    'morphospace.run': metadata.runId,
    'morphospace.paradigm': metadata.paradigm,
    'morphospace.epoch': String(metadata.epoch),
    'preprocessing.colour':
      channels === 1
        ? 'grey (one channel; colour images converted to luminance)'
        : `${channels} channels in the screen's channel order, each stretched to 8 bits with its plate's robust percentiles`,
    'preprocessing.scale': 'pixel / 255 for 8-bit images, giving [0, 1]',
    'preprocessing.tile_size': String(metadata.tileSize === 'whole' ? 'whole' : metadata.tileSize),
    'preprocessing.tiles': tiles,
    'preprocessing.resize': 'area averaging when shrinking, bilinear when enlarging',
    'preprocessing.aggregation': `${metadata.aggregation} of the tile embeddings is the image embedding`,
    'input.layout': `image: float32 [batch, ${channels}, 64, 64] (NCHW), row-major pixels of one tile each`,
    'output.layout': 'embedding: float32 [batch, 2048], the [16, 16, 8] feature map flattened in (height, width, channel) order',
  };
}

/** The channels a model built here takes: its input's second dimension. */
export function onnxInputChannels(model: Uint8Array): number {
  const dims = onnx.ModelProto.decode(model).graph?.input?.[0]?.type?.tensorType?.shape?.dim;
  const channels = Number(dims?.[1]?.dimValue ?? 1);
  return Number.isInteger(channels) && channels > 0 ? channels : 1;
}

function hwioToOihw(data: Float32Array, kh: number, kw: number, cin: number, cout: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y += 1) {
    for (let x = 0; x < kw; x += 1) {
      for (let i = 0; i < cin; i += 1) {
        for (let o = 0; o < cout; o += 1) out[((o * cin + i) * kh + y) * kw + x] = data[((y * kw + x) * cin + i) * cout + o];
      }
    }
  }
  return out;
}

function floatTensor(name: string, dims: number[], data: Float32Array): onnx.ITensorProto {
  // raw_data is little-endian by the ONNX spec, as Float32Array is on every platform we run on
  const rawData = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData };
}

function node(opType: string, input: string[], output: string, attribute: onnx.IAttributeProto[] = []): onnx.INodeProto {
  return { opType, input, output: [output], name: output, attribute };
}

function ints(name: string, values: number[]): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: values };
}

function valueInfo(name: string, shape: Array<number | string>): onnx.IValueInfoProto {
  const dim = shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return { name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim } } } };
}
