import type { ImageColumns } from '../db/repositories/training-image.repository';
import { SeededRandom } from '../util/seeded-random';

/**
 * The images of one epoch: a fresh draw of `count` (0 = all). For paradigms trained on
 * drug-vs-control labels the draw is class-balanced, controls drawn with replacement: controls
 * are a small minority of a screen, and on unbalanced batches the classifier settles for
 * predicting the prior.
 *
 * The draw runs over positions in the split's id column, so an epoch holds a few bytes per
 * image rather than row objects; it makes the same random calls in the same order as the draw
 * over row objects it replaced, so a seed still picks the same images in the same order.
 */
export function drawEpochImages(pool: ImageColumns, count: number, balance: boolean, random: SeededRandom): ImageColumns {
  const positions = drawPositions(pool, count, balance, random);
  return { ids: Int32Array.from(positions, (p) => pool.ids[p]), labels: Uint8Array.from(positions, (p) => pool.labels[p]) };
}

/** The validation images: up to `cap` of the held-out ids, a seeded sample the same for every epoch and every resume. */
export function validationSample(ids: Int32Array, cap: number, seed: number): Int32Array {
  return new SeededRandom(`validation/${seed}`).shuffle(ids.slice()).slice(0, cap);
}

function drawPositions(pool: ImageColumns, count: number, balance: boolean, random: SeededRandom): Uint32Array {
  const n = pool.ids.length;
  if (!balance) return count > 0 && count < n ? random.shuffle(range(n)).subarray(0, count) : range(n);
  const controls = positionsOf(pool.labels, 0);
  const drugs = positionsOf(pool.labels, 1);
  if (controls.length === 0 || drugs.length === 0) return drawPositions(pool, count, false, random);
  const perClass = count > 0 ? Math.ceil(count / 2) : Math.max(controls.length, drugs.length);
  const draw = (from: Uint32Array) =>
    perClass <= from.length ? random.shuffle(from).subarray(0, perClass) : Uint32Array.from({ length: perClass }, () => from[random.int(0, from.length)]);
  // drugs first, as the draw over row objects did: the order sets which random numbers each class gets
  const drawnDrugs = draw(drugs);
  const drawnControls = draw(controls);
  const both = new Uint32Array(drawnDrugs.length + drawnControls.length);
  both.set(drawnDrugs);
  both.set(drawnControls, drawnDrugs.length);
  return count > 0 ? both.subarray(0, count) : both;
}

function range(n: number): Uint32Array {
  return Uint32Array.from({ length: n }, (_, i) => i);
}

function positionsOf(labels: Uint8Array, label: number): Uint32Array {
  const out = new Uint32Array(labels.reduce((count, value) => count + (value === label ? 1 : 0), 0));
  let next = 0;
  labels.forEach((value, i) => {
    if (value === label) out[next++] = i;
  });
  return out;
}
