import { OnnxGraphBuilder } from './onnx-graph.builder';

/** Names the step adapter feeds and reads: see OnnxTrainingStep. */
export const STEP_SIZE_INPUT = 'adam.stepSize';
export const SQRT_BC2_INPUT = 'adam.sqrtBc2';
export const NEXT = '.next';
export const LOSS_PREFIX = 'loss.';

/** A graph parameter: the network's weights under their checkpoint name and layout. */
export interface GraphParameter {
  name: string;
  shape: number[];
  /** trained by Adam (inputs name.m, name.v and outputs *.next) or carried state (BYOL's target) */
  trained: boolean;
}

/** What the adapter needs to drive a built graph. */
export interface TrainingGraphSpec {
  model: Uint8Array;
  parameters: GraphParameter[];
  /** loss term names; 'total' is the optimised one */
  losses: string[];
  /** the data inputs and their shapes, e.g. x [n,64,64,c], onehot [n,2] */
  data: Record<string, number[]>;
}

/** Builds carried state's next value from `updated(name)`: a trained parameter after this step's Adam update. */
export type StateUpdate = (updated: (name: string) => string) => string;

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

/**
 * A training step under construction: parameters come in as graph inputs (with their Adam
 * moments), gradients are collected by name, and finish() appends PyTorch's Adam update
 * (optim/adam.ts, the same float operations in the same order) and the outputs.
 */
export class TrainingGraph {
  readonly g = new OnnxGraphBuilder();
  private readonly parameters: GraphParameter[] = [];
  private readonly grads = new Map<string, string>();
  private readonly stateUpdates = new Map<string, StateUpdate>();
  private readonly data: Record<string, number[]> = {};

  dataInput(name: string, shape: number[]): string {
    this.data[name] = shape;
    return this.g.input(name, shape);
  }

  param(name: string, shape: number[], trained = true): string {
    this.parameters.push({ name, shape, trained });
    return this.g.input(name, shape);
  }

  shapeOf(name: string): number[] {
    const found = this.parameters.find((p) => p.name === name);
    if (!found) throw new Error(`no graph parameter ${name}`);
    return found.shape;
  }

  /** Adds `value` to the gradient of `name` (a parameter reached twice gets the sum). */
  grad(name: string, value: string): void {
    const known = this.grads.get(name);
    this.grads.set(name, known ? this.g.op('Add', [known, value]) : value);
  }

  /** The next value of carried (untrained) state, built once the trained parameters' updates exist (BYOL's EMA reads them). */
  setState(name: string, update: StateUpdate): void {
    this.stateUpdates.set(name, update);
  }

  finish(graphName: string, losses: Record<string, string>): TrainingGraphSpec {
    const { g } = this;
    const stepSize = g.input(STEP_SIZE_INPUT, []);
    const sqrtBc2 = g.input(SQRT_BC2_INPUT, []);
    const updated = new Map<string, string>();
    for (const p of this.parameters.filter((q) => q.trained)) {
      const grad = this.grads.get(p.name);
      if (!grad) throw new Error(`parameter ${p.name} has no gradient`);
      const m = g.input(`${p.name}.m`, p.shape);
      const v = g.input(`${p.name}.v`, p.shape);
      const m1 = g.op('Add', [g.op('Mul', [m, g.float(BETA1)]), g.op('Mul', [grad, g.float(1 - BETA1)])]);
      const v1 = g.op('Add', [g.op('Mul', [v, g.float(BETA2)]), g.op('Mul', [g.op('Mul', [grad, grad]), g.float(1 - BETA2)])]);
      const denom = g.op('Add', [g.op('Div', [g.op('Sqrt', [v1]), sqrtBc2]), g.float(EPSILON)]);
      const next = g.op('Sub', [p.name, g.op('Mul', [g.op('Div', [m1, denom]), stepSize])]);
      updated.set(p.name, next);
      g.output(p.name + NEXT, next, p.shape);
      g.output(`${p.name}.m${NEXT}`, m1, p.shape);
      g.output(`${p.name}.v${NEXT}`, v1, p.shape);
    }
    const updatedValue = (name: string): string => {
      const value = updated.get(name);
      if (!value) throw new Error(`no trained parameter ${name}`);
      return value;
    };
    for (const p of this.parameters.filter((q) => !q.trained)) {
      const next = this.stateUpdates.get(p.name);
      if (!next) throw new Error(`state ${p.name} has no update`);
      g.output(p.name + NEXT, next(updatedValue), p.shape);
    }
    for (const [term, value] of Object.entries(losses)) g.output(LOSS_PREFIX + term, value, []);
    return { model: g.build(graphName), parameters: this.parameters, losses: Object.keys(losses), data: this.data };
  }
}

/** The bias-corrected Adam step size and sqrt of the second correction, in double as optim/adam.ts computes them. */
export function adamScalars(step: number, learningRate: number): { stepSize: number; sqrtBc2: number } {
  return { stepSize: learningRate / (1 - BETA1 ** step), sqrtBc2: Math.sqrt(1 - BETA2 ** step) };
}
