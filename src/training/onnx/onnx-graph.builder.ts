import { onnx } from 'onnx-proto';

/** An attribute value: an integer, a list of integers, a string, or a float. */
export type OnnxAttribute = number | number[] | string | { float: number };

// opset 13 and IR 7, as the inference export: every operator used here exists there
const OPSET = 13;
const IR_VERSION = 7;

/**
 * Builds one ONNX graph node by node. Every op returns the name of its (first) output, so a
 * graph reads as a chain of calls; names are generated unless the caller needs a stable one
 * (graph inputs and outputs).
 */
export class OnnxGraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly constants = new Map<string, string>();
  private counter = 0;

  input(name: string, shape: number[], type: 'float' | 'int64' = 'float'): string {
    this.inputs.push(valueInfo(name, shape, type));
    return name;
  }

  /** Marks `value` as the graph output `name` (through an Identity when the name differs). */
  output(name: string, value: string, shape: number[]): void {
    if (value !== name) this.nodes.push({ opType: 'Identity', input: [value], output: [name], name });
    this.outputs.push(valueInfo(name, shape, 'float'));
  }

  op(type: string, inputs: string[], attributes: Record<string, OnnxAttribute> = {}, outputName?: string): string {
    const output = outputName ?? `${type.toLowerCase()}_${(this.counter += 1)}`;
    this.nodes.push({ opType: type, input: inputs, output: [output], name: output, attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)) });
    return output;
  }

  /** An op with several outputs (MaxPool's values and indices): their names, in order. */
  opOutputs(type: string, inputs: string[], count: number, attributes: Record<string, OnnxAttribute> = {}): string[] {
    const base = `${type.toLowerCase()}_${(this.counter += 1)}`;
    const outputs = Array.from({ length: count }, (_, i) => (i === 0 ? base : `${base}.${i}`));
    this.nodes.push({ opType: type, input: inputs, output: outputs, name: base, attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)) });
    return outputs;
  }

  /** A float constant (a scalar when dims is []), shared between uses of the same value. */
  float(values: number | number[], dims: number[] = []): string {
    const list = typeof values === 'number' ? [values] : values;
    return this.constant(`f:${dims}:${list}`, () => ({ dataType: onnx.TensorProto.DataType.FLOAT, dims, floatData: list }));
  }

  int64(values: number[], dims: number[] = [values.length]): string {
    return this.constant(`i:${dims}:${values}`, () => ({ dataType: onnx.TensorProto.DataType.INT64, dims, int64Data: values }));
  }

  private constant(key: string, make: () => onnx.ITensorProto): string {
    const known = this.constants.get(key);
    if (known) return known;
    const name = `const_${(this.counter += 1)}`;
    this.initializers.push({ ...make(), name });
    this.constants.set(key, name);
    return name;
  }

  build(graphName: string): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: 'morphospace',
      graph: { name: graphName, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function attribute(name: string, value: OnnxAttribute): onnx.IAttributeProto {
  const types = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: types.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: types.INTS, ints: value };
  if (typeof value === 'number') return { name, type: types.INT, i: value };
  return { name, type: types.FLOAT, f: value.float };
}

function valueInfo(name: string, shape: number[], type: 'float' | 'int64'): onnx.IValueInfoProto {
  const elemType = type === 'float' ? onnx.TensorProto.DataType.FLOAT : onnx.TensorProto.DataType.INT64;
  return { name, type: { tensorType: { elemType, shape: { dim: shape.map((d) => ({ dimValue: d })) } } } };
}
