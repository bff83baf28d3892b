import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { onnx } from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { renderCrop } from '../../../src/data/crops/crop.renderer';
import { decodeGrey } from '../../../src/data/crops/sharp-image.adapter';
import { generateScreen } from '../../../src/data/synthetic/screen.generator';
import { InferenceUnavailableError } from '../../../src/embedding/encoders/inference-unavailable.error';
import { OnnxTileEncoder } from '../../../src/embedding/encoders/onnx-tile.encoder';
import { TfjsTileEncoder } from '../../../src/embedding/encoders/tfjs-tile.encoder';
import { checkForcedInference, openTileEncoder, type EncoderSource } from '../../../src/embedding/encoders/tile-encoder.selector';
import { buildEncoderOnnx } from '../../../src/embedding/onnx/encoder-onnx.builder';
import { OnnxModelStore } from '../../../src/embedding/onnx/onnx-model.store';
import { planTiles } from '../../../src/embedding/tile.plan';
import { selectBackend } from '../../../src/training/backend';
import type { NamedArrays } from '../../../src/training/networks/parameter-set';
import { createParadigm } from '../../../src/training/paradigms/create-paradigm';

const TILE_PIXELS = 64 * 64;
const METADATA = { runId: 'test-run', paradigm: 'self-supervised', epoch: 3, tileSize: 64, aggregation: 'mean' } as const;

describe('the encoder exported to ONNX and run by onnxruntime-node', () => {
  let dir: string;
  let weights: NamedArrays;
  let tiles: Float32Array;
  let tileCount: number;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-onnx-'));
    const screen = await generateScreen({ preset: 'tiny', seed: 7, outDir: path.join(dir, 'tiny') });
    const manifest = (await fs.readFile(screen.manifestPath, 'utf8')).trim().split('\n').slice(1);
    const files = manifest.map((line) => path.resolve(screen.outDir, line.split(',')[0]));
    const rendered: Float32Array[] = [];
    for (const file of files) {
      const grey = await decodeGrey(file);
      for (const view of planTiles(grey.width, grey.height, 64)) {
        const pixels = new Float32Array(TILE_PIXELS);
        renderCrop(grey, view, pixels, 0);
        rendered.push(pixels);
      }
    }
    tileCount = rendered.length;
    tiles = new Float32Array(tileCount * TILE_PIXELS);
    rendered.forEach((pixels, t) => tiles.set(pixels, t * TILE_PIXELS));
    await selectBackend({ backend: 'wasm', threads: 1 });
    // weights moved away from their initialisation, so that every layer's bias and scale matter
    const paradigm = createParadigm('self-supervised', { seed: 11, learningRate: 1e-2 });
    const x = tf.tensor4d(tiles.subarray(0, 16 * TILE_PIXELS), [16, 64, 64, 1]);
    for (let step = 0; step < 3; step += 1) paradigm.trainStep({ x });
    x.dispose();
    weights = paradigm.exportWeights();
    paradigm.dispose();
  }, 120_000);
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('gives the tfjs vectors to 1e-4 on every tile of the tiny screen', async () => {
    const tfjs = await TfjsTileEncoder.open('self-supervised', weights, { backend: 'wasm', threads: 1 });
    const native = await OnnxTileEncoder.open(buildEncoderOnnx(weights, METADATA), 1);
    let maxDifference = 0;
    let maxMagnitude = 0;
    try {
      for (let start = 0; start < tileCount; start += 64) {
        const count = Math.min(64, tileCount - start);
        const pixels = tiles.subarray(start * TILE_PIXELS, (start + count) * TILE_PIXELS);
        const [expected, actual] = [await tfjs.encode(pixels, count), await native.encode(pixels, count)];
        expect(actual).toHaveLength(count * 2048);
        for (let i = 0; i < expected.length; i += 1) {
          maxDifference = Math.max(maxDifference, Math.abs(expected[i] - actual[i]));
          maxMagnitude = Math.max(maxMagnitude, Math.abs(expected[i]));
        }
      }
    } finally {
      await tfjs.dispose();
      await native.dispose();
    }
    process.stderr.write(`onnx vs tfjs on ${tileCount} tiles of the tiny screen: max abs difference ${maxDifference.toExponential(3)} (values up to ${maxMagnitude.toFixed(3)})\n`);
    expect(tileCount).toBe(144 * 4);
    expect(maxMagnitude).toBeGreaterThan(0.01);
    expect(maxDifference).toBeLessThanOrEqual(1e-4);
  });

  it('runs the session on its own thread in the built app, with the same vectors, and reports a broken library from there', async () => {
    // `npm test` builds first: the compiled worker is what `morphospace worker` runs
    const workerFile = path.join(__dirname, '..', '..', '..', 'dist', 'src', 'embedding', 'encoders', 'onnx-session.worker.js');
    expect(existsSync(workerFile), `${workerFile} is missing: npm run build`).toBe(true);
    const model = buildEncoderOnnx(weights, METADATA);
    const inProcess = await OnnxTileEncoder.open(model, 1, undefined, path.join(dir, 'no-such-worker.js'));
    const threaded = await OnnxTileEncoder.open(model, 1, undefined, workerFile);
    try {
      // 100 tiles: neither a whole message nor a whole session batch
      const pixels = tiles.subarray(0, 100 * TILE_PIXELS);
      expect(await threaded.encode(pixels, 100)).toEqual(await inProcess.encode(pixels, 100));
      expect(threaded.device).toBe('onnxruntime-node 1.30.0 (cpu, 1 thread)');
    } finally {
      await inProcess.dispose();
      await threaded.dispose();
    }
    const broken = path.join(dir, 'broken-in-thread.js');
    await fs.writeFile(broken, "throw new Error('libonnxruntime.so.1: cannot open shared object file');\n");
    await expect(OnnxTileEncoder.open(model, 1, broken, workerFile)).rejects.toThrow(/libonnxruntime\.so\.1/);
  });

  it('writes the preprocessing into metadata_props and keeps the batch dimension free', () => {
    const model = onnx.ModelProto.decode(buildEncoderOnnx(weights, { ...METADATA, tileSize: 'whole' }));
    const props = Object.fromEntries(model.metadataProps.map((entry) => [entry.key, entry.value]));
    expect(props).toMatchObject({ 'morphospace.run': 'test-run', 'morphospace.paradigm': 'self-supervised', 'morphospace.epoch': '3', 'preprocessing.tile_size': 'whole' });
    expect(props['preprocessing.scale']).toContain('/ 255');
    expect(props['preprocessing.colour']).toMatch(/^grey/);
    expect(model.graph!.node!.map((node) => node.opType)).toEqual(['Conv', 'Relu', 'MaxPool', 'Conv', 'Relu', 'MaxPool', 'Conv', 'Relu', 'Conv', 'Transpose', 'Flatten']);
    expect(model.graph!.input![0].type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch', 1, 64, 64]);
  });

  it('refuses weights without an encoder layer', () => {
    const { ['encoder.conv3.bias']: _dropped, ...incomplete } = weights;
    expect(() => buildEncoderOnnx(incomplete, METADATA)).toThrow(/encoder\.conv3/);
  });

  it('stores the model beside the checkpoint and treats a damaged one as absent', async () => {
    const store = new OnnxModelStore((runId) => path.join(dir, 'runs', runId));
    expect(await store.info('r1')).toBeNull();
    const model = buildEncoderOnnx(weights, METADATA);
    const info = await store.write('r1', model, 3);
    expect(info).toMatchObject({ path: path.join(dir, 'runs', 'r1', 'encoder.onnx'), bytes: model.byteLength, epoch: 3 });
    expect(info.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.from((await store.read('r1', 3))!).equals(Buffer.from(model))).toBe(true);
    expect(await store.read('r1', 4)).toBeUndefined();
    const damaged = Buffer.from(model);
    damaged[damaged.length - 1] ^= 0xff;
    await fs.writeFile(info.path, damaged);
    expect(await store.read('r1', 3)).toBeUndefined();
    expect((await fs.readdir(path.join(dir, 'runs', 'r1'))).sort()).toEqual(['encoder.onnx', 'encoder.onnx.json']);
  });

  describe('choosing the runtime', () => {
    let brokenModule: string;
    const source = (): EncoderSource & { onnxModel: ReturnType<typeof vi.fn> } => ({
      paradigm: 'self-supervised',
      weights,
      onnxModel: vi.fn(async () => buildEncoderOnnx(weights, METADATA)),
    });

    beforeAll(async () => {
      // what a missing or broken native library looks like to the loader
      brokenModule = path.join(dir, 'broken-onnxruntime.js');
      await fs.writeFile(brokenModule, "throw new Error('libonnxruntime.so.1: cannot open shared object file: No such file or directory');\n");
    });

    it('auto takes onnxruntime where it loads', async () => {
      const warn = vi.fn();
      const encoder = await openTileEncoder(source(), { inference: 'auto', threads: 1, warn });
      await encoder.dispose();
      expect(encoder.runtime).toBe('onnx');
      expect(warn).not.toHaveBeenCalled();
    });

    it('auto falls back to wasm with one warning when the native library fails to load', async () => {
      const warn = vi.fn();
      const encoder = await openTileEncoder(source(), { inference: 'auto', threads: 1, backend: 'wasm', onnxModule: brokenModule, warn });
      try {
        expect(encoder.runtime).toBe('wasm');
        expect((await encoder.encode(tiles, 2)).length).toBe(2 * 2048);
      } finally {
        await encoder.dispose();
      }
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][0]).toMatch(/^onnxruntime-node is unavailable \(libonnxruntime\.so\.1: cannot open shared object file.*\); embedding with tfjs \(wasm\) instead$/);
    });

    it('auto falls back to wasm when the model cannot be loaded either', async () => {
      const warn = vi.fn();
      const broken: EncoderSource = { paradigm: 'self-supervised', weights, onnxModel: async () => new Uint8Array([1, 2, 3, 4]) };
      const encoder = await openTileEncoder(broken, { inference: 'auto', threads: 1, backend: 'wasm', warn });
      await encoder.dispose();
      expect(encoder.runtime).toBe('wasm');
      expect(warn).toHaveBeenCalledTimes(1);
    });

    it('a forced onnx that cannot load is an InferenceUnavailableError with the reason', async () => {
      const attempt = openTileEncoder(source(), { inference: 'onnx', threads: 1, onnxModule: brokenModule, warn: vi.fn() });
      await expect(attempt).rejects.toBeInstanceOf(InferenceUnavailableError);
      await expect(attempt).rejects.toThrow(/MORPHOSPACE_INFERENCE=onnx.*libonnxruntime\.so\.1: cannot open shared object file/);
    });

    it('a process started with a forced onnx that cannot load refuses to start; one that can, or auto, starts', () => {
      expect(() => checkForcedInference('onnx', brokenModule)).toThrow(InferenceUnavailableError);
      expect(() => checkForcedInference('onnx', brokenModule)).toThrow(/cannot be loaded: libonnxruntime\.so\.1/);
      expect(() => checkForcedInference('onnx')).not.toThrow();
      expect(() => checkForcedInference('auto', brokenModule)).not.toThrow();
    });

    it('a forced wasm never builds or loads the ONNX model', async () => {
      const chosen = source();
      const encoder = await openTileEncoder(chosen, { inference: 'wasm', threads: 1, backend: 'wasm', warn: vi.fn() });
      await encoder.dispose();
      expect(encoder.runtime).toBe('wasm');
      expect(chosen.onnxModel).not.toHaveBeenCalled();
    });
  });
});
