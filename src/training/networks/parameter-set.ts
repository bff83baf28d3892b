import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from '../../util/seeded-random';

/** A named array as stored in checkpoints: shape plus row-major float32 data. */
export interface NamedArray {
  shape: number[];
  data: Float32Array;
}
export type NamedArrays = Record<string, NamedArray>;

/**
 * The trainable (or EMA-tracked) variables of a network, by stable dotted name, e.g.
 * "encoder.conv1.weight". Names are ours, not tfjs's global variable names, so two
 * paradigms can live in one process.
 */
export class ParameterSet {
  private readonly variables = new Map<string, tf.Variable>();

  constructor(private readonly trainable = true) {}

  /** PyTorch's default for Conv2d and Linear: U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
  uniform(name: string, shape: number[], fanIn: number, rng: SeededRandom): tf.Variable {
    const bound = 1 / Math.sqrt(fanIn);
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i += 1) data[i] = rng.uniform(-bound, bound);
    return this.add(name, shape, data);
  }

  constant(name: string, shape: number[], value: number): tf.Variable {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value);
    return this.add(name, shape, data);
  }

  add(name: string, shape: number[], data: Float32Array): tf.Variable {
    if (this.variables.has(name)) throw new Error(`duplicate parameter ${name}`);
    const variable = tf.tidy(() => tf.variable(tf.tensor(data, shape, 'float32'), this.trainable));
    this.variables.set(name, variable);
    return variable;
  }

  get(name: string): tf.Variable {
    const variable = this.variables.get(name);
    if (!variable) throw new Error(`no parameter ${name}`);
    return variable;
  }

  names(): string[] {
    return [...this.variables.keys()];
  }

  list(): tf.Variable[] {
    return [...this.variables.values()];
  }

  entries(): Array<[string, tf.Variable]> {
    return [...this.variables.entries()];
  }

  count(): number {
    let total = 0;
    for (const v of this.variables.values()) total += v.size;
    return total;
  }

  export(prefix = ''): NamedArrays {
    const out: NamedArrays = {};
    for (const [name, variable] of this.variables) {
      out[prefix + name] = { shape: [...variable.shape], data: Float32Array.from(variable.dataSync() as Float32Array) };
    }
    return out;
  }

  /** Every parameter must be present with its shape; extra entries are ignored. */
  import(arrays: NamedArrays, prefix = ''): void {
    for (const [name, variable] of this.variables) {
      const entry = arrays[prefix + name];
      if (!entry) throw new Error(`checkpoint has no ${prefix + name}`);
      if (entry.shape.length !== variable.shape.length || entry.shape.some((d, i) => d !== variable.shape[i])) {
        throw new Error(`checkpoint ${prefix + name} has shape [${entry.shape}], expected [${variable.shape}]`);
      }
      tf.tidy(() => variable.assign(tf.tensor(entry.data, variable.shape, 'float32')));
    }
  }

  dispose(): void {
    for (const variable of this.variables.values()) variable.dispose();
    this.variables.clear();
  }
}
