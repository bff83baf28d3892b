import * as tf from '@tensorflow/tfjs-core';
import type { NamedArrays } from '../networks/parameter-set';

export interface AdamOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** Optimizer state as checkpoints store it: step count plus named moment arrays. */
export interface AdamState {
  step: number;
  /** "<param>.m" and "<param>.v" */
  moments: NamedArrays;
}

/**
 * Adam with PyTorch's update (bias-corrected, eps added to sqrt(v_hat)), keyed by our
 * parameter names so its state round-trips through checkpoints independently of tfjs's
 * global variable names.
 */
export class Adam {
  readonly learningRate: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private step = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(options: AdamOptions = {}) {
    this.learningRate = options.learningRate ?? 1e-4;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
  }

  get steps(): number {
    return this.step;
  }

  apply(params: Array<[string, tf.Variable]>, grads: Record<string, tf.Tensor>): void {
    this.step += 1;
    const bc1 = 1 - this.beta1 ** this.step;
    const bc2 = 1 - this.beta2 ** this.step;
    const stepSize = this.learningRate / bc1;
    const sqrtBc2 = Math.sqrt(bc2);
    tf.tidy(() => {
      for (const [name, variable] of params) {
        const g = grads[name];
        if (!g) continue;
        const m = this.moment(this.m, name, variable);
        const v = this.moment(this.v, name, variable);
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        const denom = tf.add(tf.div(tf.sqrt(v), sqrtBc2), this.epsilon);
        variable.assign(tf.sub(variable, tf.mul(tf.div(m, denom), stepSize)));
      }
    });
  }

  private moment(store: Map<string, tf.Variable>, name: string, like: tf.Variable): tf.Variable {
    let value = store.get(name);
    if (!value) {
      value = tf.variable(tf.zerosLike(like), false);
      store.set(name, value);
    }
    return value;
  }

  exportState(): AdamState {
    const moments: NamedArrays = {};
    for (const [suffix, store] of [['m', this.m], ['v', this.v]] as const) {
      for (const [name, value] of store) {
        moments[`${name}.${suffix}`] = { shape: [...value.shape], data: Float32Array.from(value.dataSync() as Float32Array) };
      }
    }
    return { step: this.step, moments };
  }

  importState(state: AdamState): void {
    this.disposeMoments();
    this.step = state.step;
    for (const [key, entry] of Object.entries(state.moments)) {
      const suffix = key.slice(key.lastIndexOf('.') + 1);
      const name = key.slice(0, key.lastIndexOf('.'));
      const store = suffix === 'm' ? this.m : suffix === 'v' ? this.v : undefined;
      if (!store) throw new Error(`unknown optimizer state entry ${key}`);
      store.set(name, tf.tidy(() => tf.variable(tf.tensor(entry.data, entry.shape, 'float32'), false)));
    }
  }

  private disposeMoments(): void {
    for (const value of [...this.m.values(), ...this.v.values()]) value.dispose();
    this.m.clear();
    this.v.clear();
  }

  dispose(): void {
    this.disposeMoments();
  }
}
