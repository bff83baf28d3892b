import type { ProfileNormalization } from '../../db/entities/profile.entity';
import { normalizer } from '../../embedding/profile.normalizer';
import { row } from '../../numeric/matrix';
import type { LineData, SharedParameters } from './evaluation-task';

/**
 * How a cell line's embeddings are scaled before the tasks see them (README, "Evaluation"):
 * the profiling field's convention, every feature centred and scaled against the control's
 * images on the same plate, which takes out the plate's batch effect and puts each feature
 * in units of the control's spread.
 */
export interface LineNormalization {
  /** standardize: mean and standard deviation; mad-robustize: median and 1.4826 x MAD; none: the stored vectors */
  method: ProfileNormalization;
  /** the reference compound, whose images on each plate scale that plate */
  control: string;
}

/** What an evaluation request normalises with unless it says otherwise. */
export const DEFAULT_NORMALIZATION: ProfileNormalization = 'standardize';

/** A plate with fewer control images than this is scaled against the cell line's control images. */
export const MIN_PLATE_REFERENCE = 3;

/**
 * The line with its vectors normalised (a new matrix, or with `inPlace` the line's own, overwritten;
 * the images are the same). A line without any image of the control is returned as it is: the
 * tasks that need the control say so.
 */
export function normalizeLine(line: LineData, normalization: LineNormalization | undefined, inPlace = false): LineData {
  if (!normalization || normalization.method === 'none') return line;
  const { vectors } = line;
  const isReference = line.images.map((image) => image.compound === normalization.control);
  const lineReference = indicesWhere(isReference);
  if (lineReference.length === 0) return line;
  const scaleOf = (indices: readonly number[]) => normalizer(normalization.method, indices.map((i) => row(vectors, i)));
  const lineScale = scaleOf(lineReference);
  const byPlate = new Map<string, number[]>();
  line.images.forEach((image, i) => {
    const indices = byPlate.get(image.plate);
    if (indices) indices.push(i);
    else byPlate.set(image.plate, [i]);
  });
  // a plate's scale is taken from its rows before they are written, so writing in place reads no normalised row
  const data = inPlace ? vectors.data : new Float32Array(vectors.data.length);
  for (const indices of byPlate.values()) {
    const reference = indices.filter((i) => isReference[i]);
    const scale = reference.length >= MIN_PLATE_REFERENCE ? scaleOf(reference) : lineScale;
    for (const i of indices) data.set(scale(row(vectors, i)), i * vectors.dim);
  }
  return { ...line, vectors: { rows: vectors.rows, dim: vectors.dim, data } };
}

function indicesWhere(flags: readonly boolean[]): number[] {
  const out: number[] = [];
  flags.forEach((flag, i) => flag && out.push(i));
  return out;
}

/** The normalisation a task's parameter sets carry: the request's method against its control. */
export function lineNormalization(p: Pick<SharedParameters, 'normalization' | 'control'>): LineNormalization {
  return { method: p.normalization, control: p.control };
}

/**
 * The normalised lines of a cell line, by normalisation: every task of an evaluation is handed
 * the same line object, so the line is normalised once for all of them rather than once a task
 * (a copy of 300 MB at 37,000 images). Held only while the line itself is.
 */
const normalizedLines = new WeakMap<LineData, Map<string, LineData>>();

function normalizedOf(line: LineData): Map<string, LineData> {
  let byKey = normalizedLines.get(line);
  if (!byKey) normalizedLines.set(line, (byKey = new Map()));
  return byKey;
}

function normalizedOnce(line: LineData, normalization: LineNormalization | undefined, key: string): LineData {
  const byKey = normalizedOf(line);
  let normalized = byKey.get(key);
  if (!normalized) byKey.set(key, (normalized = normalizeLine(line, normalization)));
  return normalized;
}

function keyOf(normalization: LineNormalization | undefined): string {
  return JSON.stringify(normalization ?? null);
}

/**
 * A line handed over to its evaluation (the thread pool's request: transferred to its thread, or
 * loaded for it alone) whose sets all ask for one normalisation is normalised in place, and is
 * its own normalised form for the tasks: one copy of the vectors in memory, not two (300 MB more
 * at 37,000 images). Under several normalisations the stored vectors stay, and each is a copy.
 */
export function normalizeHandedOver(line: LineData, normalizations: ReadonlyArray<LineNormalization | undefined>): LineData {
  const keys = new Set(normalizations.map(keyOf));
  if (keys.size !== 1) return line;
  const normalized = normalizeLine(line, normalizations[0], true);
  normalizedOf(normalized).set(keyOf(normalizations[0]), normalized);
  return normalized;
}

/**
 * A task's sets evaluated on the line normalised as each says, the line normalised once per
 * distinct normalisation (and once across the tasks of a line); results in the sets' order.
 * Sets stored before the setting have none: they read the vectors as stored.
 */
export function evaluateNormalized<Parameters extends { normalization?: LineNormalization }, Result>(
  line: LineData,
  sets: readonly Parameters[],
  evaluate: (line: LineData, sets: readonly Parameters[]) => Result[],
): Result[] {
  const groups = new Map<string, number[]>();
  sets.forEach((set, i) => {
    const key = keyOf(set.normalization);
    const members = groups.get(key);
    if (members) members.push(i);
    else groups.set(key, [i]);
  });
  const results = new Array<Result>(sets.length);
  for (const [key, members] of groups) {
    const normalized = normalizedOnce(line, sets[members[0]].normalization, key);
    evaluate(normalized, members.map((i) => sets[i])).forEach((result, k) => (results[members[k]] = result));
  }
  return results;
}
