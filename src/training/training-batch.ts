import * as tf from '@tensorflow/tfjs-core';
import type { Paradigm } from './setups';
import type { TrainingBatch } from './paradigms/trainable-paradigm';
import type { StepBatch } from './onnx/onnx-training-step';

/**
 * The shape of a crop batch from the data pipeline (src/data/crops): rows are
 * crop-major, so crop k of every image is one contiguous block of `images` rows.
 */
export interface CropRows {
  /** [rows, 64, 64, channels] (NHWC), values in [0, 1] */
  data: Float32Array;
  /** per row: 1 = drug, 0 = control */
  labels: Int32Array;
  images: number;
  cropsPerImage: number;
  /** default 1 */
  channels?: number;
}

/**
 * Tensors for one training step. Weakly-supervised, unsupervised and regularized train
 * on every row. BYOL takes crop 0 of each image as the first view and crop 1 as the
 * second (two augmented crops of the same images); with one crop per image the second
 * view defaults to its horizontal flip. Dispose with disposeTrainingBatch.
 */
export function makeTrainingBatch(paradigm: Paradigm, rows: CropRows): TrainingBatch {
  const total = rows.images * rows.cropsPerImage;
  const channels = rows.channels ?? 1;
  const values = 64 * 64 * channels;
  if (rows.data.length !== total * values) {
    throw new Error(`crop batch has ${rows.data.length} values, expected ${total} x 64 x 64 x ${channels}`);
  }
  if (paradigm === 'self-supervised') {
    const n = rows.images;
    const view = (k: number) => tf.tensor4d(rows.data.subarray(k * n * values, (k + 1) * n * values), [n, 64, 64, channels]);
    return rows.cropsPerImage >= 2 ? { x: view(0), x2: view(1) } : { x: view(0) };
  }
  return {
    x: tf.tensor4d(rows.data, [total, 64, 64, channels]),
    labels: tf.tensor1d(rows.labels.subarray(0, total), 'int32'),
  };
}

/**
 * The same rows for the ONNX step: every row, or for BYOL crop 0 of each image as the first view
 * and crop 1 (if rendered) as the second, as makeTrainingBatch splits them.
 */
export function stepBatchOf(paradigm: Paradigm, rows: CropRows): StepBatch {
  const total = rows.images * rows.cropsPerImage;
  const values = 64 * 64 * (rows.channels ?? 1);
  if (rows.data.length !== total * values) throw new Error(`crop batch has ${rows.data.length} values, expected ${total} x 64 x 64 x ${rows.channels ?? 1}`);
  if (paradigm === 'self-supervised') {
    const n = rows.images;
    const secondView = rows.cropsPerImage >= 2 ? rows.data.subarray(n * values, 2 * n * values) : undefined;
    return { pixels: rows.data.subarray(0, n * values), labels: null, rows: n, secondView };
  }
  return { pixels: rows.data, labels: rows.labels.subarray(0, total), rows: total };
}

export function disposeTrainingBatch(batch: TrainingBatch): void {
  batch.x.dispose();
  batch.labels?.dispose();
  batch.x2?.dispose();
}
