import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CROP_SIZE } from '../../data/crops/crop.plan';
import { onnxInputChannels } from '../onnx/encoder-onnx.builder';
import { OnnxSession, ONNXRUNTIME_MODULE, SESSION_BATCH_TILES } from './onnx-session';
import type { SessionReply, SessionRequest } from './onnx-session.messages';
import type { TileEncoder } from './tile-encoder';

/** The compiled session thread; run from TypeScript sources (most tests) there is none and the session runs in-process. */
export const SESSION_WORKER_FILE = path.join(__dirname, 'onnx-session.worker.js');

/** Tiles per message to the session thread: enough to outweigh the messaging, a whole number of session batches. */
const MESSAGE_TILES = 8 * SESSION_BATCH_TILES;

interface SessionPort {
  run(pixels: Float32Array, count: number): Promise<Float32Array>;
  release(): Promise<void>;
}

/**
 * onnxruntime-node's session runs synchronously on the thread that calls it. On its own worker
 * thread it leaves the embed job's thread free to decode and render the next images, and to
 * stream the finished ones to Postgres, while it encodes: the two overlap instead of adding up.
 */
export class OnnxTileEncoder implements TileEncoder {
  readonly runtime = 'onnx';
  readonly batchTiles = MESSAGE_TILES;

  private constructor(
    private readonly port: SessionPort,
    readonly device: string,
  ) {}

  /** the values of one tile: 64 x 64 x the model's channels */
  static tileValues(model: Uint8Array): number {
    return CROP_SIZE * CROP_SIZE * onnxInputChannels(model);
  }

  static async open(model: Uint8Array, threads: number, moduleName = ONNXRUNTIME_MODULE, workerFile = SESSION_WORKER_FILE): Promise<OnnxTileEncoder> {
    if (!existsSync(workerFile)) {
      const session = await OnnxSession.open(model, threads, moduleName);
      return new OnnxTileEncoder(session, session.device);
    }
    const thread = new SessionThread(workerFile, OnnxTileEncoder.tileValues(model));
    try {
      const opened = await thread.call({ kind: 'open', model, threads, moduleName });
      if (opened.kind !== 'opened') throw new Error(`the ONNX session thread answered ${opened.kind} to open`);
      return new OnnxTileEncoder(thread, opened.device);
    } catch (error) {
      await thread.terminate();
      throw error;
    }
  }

  encode(pixels: Float32Array, count: number): Promise<Float32Array> {
    return this.port.run(pixels, count);
  }

  async dispose(): Promise<void> {
    await this.port.release();
  }
}

/** One worker thread holding one session, asked one request at a time (the embed job awaits each). */
class SessionThread implements SessionPort {
  private readonly worker: Worker;

  constructor(
    workerFile: string,
    private readonly tileValues: number,
  ) {
    this.worker = new Worker(workerFile);
  }

  call(request: SessionRequest, transfer: ArrayBuffer[] = []): Promise<SessionReply> {
    return new Promise((resolve, reject) => {
      const onMessage = (reply: SessionReply) => {
        this.worker.off('error', onError).off('exit', onExit);
        if (reply.kind === 'error') reject(new Error(reply.message));
        else resolve(reply);
      };
      const onError = (error: Error) => {
        this.worker.off('message', onMessage).off('exit', onExit);
        reject(error);
      };
      const onExit = (code: number) => {
        this.worker.off('message', onMessage).off('error', onError);
        reject(new Error(`the ONNX session thread exited with code ${code}`));
      };
      this.worker.once('message', onMessage).once('error', onError).once('exit', onExit);
      this.worker.postMessage(request, transfer);
    });
  }

  async run(pixels: Float32Array, count: number): Promise<Float32Array> {
    // a copy of just these tiles, moved rather than cloned: a view would clone its whole buffer
    const tiles = pixels.slice(0, count * this.tileValues);
    const reply = await this.call({ kind: 'run', pixels: tiles, count }, [tiles.buffer]);
    if (reply.kind !== 'embeddings') throw new Error(`the ONNX session thread answered ${reply.kind} to run`);
    return reply.embeddings;
  }

  async release(): Promise<void> {
    try {
      await this.call({ kind: 'release' });
    } finally {
      await this.terminate();
    }
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}
