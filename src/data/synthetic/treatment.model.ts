import { SeededRandom } from '../../util/seeded-random';
import { sensitivityTo, type CellLineSpec } from './cell-line.catalog';
import { ec50Of, type CompoundSpec } from './compound.catalog';
import { MOAS } from './moa.catalog';
import {
  MORPHOLOGY_PARAMETERS,
  applyEffect,
  expectedForegroundAreaRatio,
  hillResponse,
  type Morphology,
  type MorphologyEffect,
  type Nuisance,
} from './morphology.model';

/** A compound's own signature: its MoA's, each component scaled by a seeded factor near 1. */
export interface CompoundEffect {
  compound: string;
  moa: string;
  target: string;
  control: boolean;
  ec50: number;
  hill: number;
  effect: MorphologyEffect;
}

export function compoundEffect(compound: CompoundSpec, seed: number): CompoundEffect {
  const rng = SeededRandom.derive('morphospace/compound', seed, compound.name);
  const moaEffect: MorphologyEffect = MOAS[compound.moa].effect;
  const effect: MorphologyEffect = {};
  for (const parameter of MORPHOLOGY_PARAMETERS) {
    const base = moaEffect[parameter];
    // lognormal, so the variation never flips the direction of an effect
    if (base !== undefined) effect[parameter] = round(base * Math.exp(rng.normal(0, 0.1)));
  }
  return {
    compound: compound.name,
    moa: MOAS[compound.moa].name,
    target: compound.target,
    control: compound.control,
    ec50: ec50Of(compound),
    hill: compound.hill,
    effect,
  };
}

export type ForegroundDirection = 'increase' | 'decrease' | 'none';

export interface TreatmentTruth {
  cellLine: string;
  compound: string;
  concentration: number;
  /** Hill response in [0, 1] */
  response: number;
  /** the line's sensitivity to this MoA */
  sensitivity: number;
  /** response * sensitivity: the multiplier applied to the compound's effect vector */
  effectSize: number;
  /** euclidean norm of the applied log-fold changes */
  effectMagnitude: number;
  morphology: Morphology;
  expectedForegroundAreaRatio: number;
  foregroundDirection: ForegroundDirection;
}

export function treatmentTruth(line: CellLineSpec, compound: CompoundSpec, effect: CompoundEffect, concentration: number): TreatmentTruth {
  const response = compound.control ? 0 : hillResponse(concentration, effect.ec50, effect.hill);
  const sensitivity = sensitivityTo(line, compound.moa);
  const effectSize = response * sensitivity;
  const morphology = applyEffect(line.baseline, effect.effect, effectSize);
  let squares = 0;
  for (const parameter of MORPHOLOGY_PARAMETERS) squares += ((effect.effect[parameter] ?? 0) * effectSize) ** 2;
  const ratio = expectedForegroundAreaRatio(line.baseline, morphology);
  return {
    cellLine: line.name,
    compound: compound.name,
    concentration,
    response: round(response),
    sensitivity: round(sensitivity),
    effectSize: round(effectSize),
    effectMagnitude: round(Math.sqrt(squares)),
    morphology: roundAll(morphology),
    expectedForegroundAreaRatio: round(ratio),
    foregroundDirection: ratio > 1.1 ? 'increase' : ratio < 0.9 ? 'decrease' : 'none',
  };
}

/** Batch effect of a plate: exposure, background, illumination ramp and focus differ per plate. */
export function plateNuisance(seed: number, plate: string): Nuisance {
  const rng = SeededRandom.derive('morphospace/plate', seed, plate);
  return {
    gain: round(Math.exp(rng.normal(0, 0.08))),
    background: round(18 + rng.normal(0, 3)),
    illumination: round(rng.uniform(0.05, 0.3)),
    illuminationAngle: round(rng.uniform(0, 2 * Math.PI)),
    blur: round(rng.uniform(0.5, 1.1)),
    noise: round(rng.uniform(3, 6)),
  };
}

/** Sites within a plate differ a little (stage drift, autofocus). */
export function imageNuisance(plate: Nuisance, rng: SeededRandom): Nuisance {
  return {
    gain: plate.gain * Math.exp(rng.normal(0, 0.03)),
    background: plate.background + rng.normal(0, 1),
    illumination: plate.illumination,
    illuminationAngle: plate.illuminationAngle + rng.normal(0, 0.1),
    blur: Math.max(0, plate.blur + rng.normal(0, 0.1)),
    noise: plate.noise,
  };
}

/** Per-image biological variation between fields of the same well. */
export function fieldMorphology(morphology: Morphology, rng: SeededRandom): Morphology {
  return {
    ...morphology,
    cellCount: morphology.cellCount * Math.exp(rng.normal(0, 0.1)),
    intensity: morphology.intensity * Math.exp(rng.normal(0, 0.04)),
  };
}

function round(value: number): number {
  return Number(value.toPrecision(6));
}

function roundAll(morphology: Morphology): Morphology {
  const result = { ...morphology };
  for (const parameter of MORPHOLOGY_PARAMETERS) result[parameter] = round(result[parameter]);
  return result;
}
