import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { replaceFile } from '../../util/durable-write';

/** What Run.onnxModel shows: where the exported encoder is, and what it is. */
export interface OnnxModelInfo {
  path: string;
  bytes: number;
  sha256: string;
  /** the checkpoint epoch it was built from */
  epoch: number;
}

const MODEL_FILE = 'encoder.onnx';
const INFO_FILE = 'encoder.onnx.json';

/**
 * A run's exported encoder, beside its checkpoints in <storeDir>/runs/<run id>/: encoder.onnx and
 * encoder.onnx.json (epoch, size, sha256). Each is written to a temporary file and renamed,
 * like the checkpoints; a model whose bytes do not match its record (a kill between the two
 * renames, a damaged file) counts as absent and is built again.
 */
export class OnnxModelStore {
  constructor(private readonly runDir: (runId: string) => string) {}

  modelPath(runId: string): string {
    return path.join(this.runDir(runId), MODEL_FILE);
  }

  /** The record of the run's model, or null when it has none. */
  async info(runId: string): Promise<OnnxModelInfo | null> {
    try {
      const info = JSON.parse(await fs.readFile(path.join(this.runDir(runId), INFO_FILE), 'utf8')) as Omit<OnnxModelInfo, 'path'>;
      const stat = await fs.stat(this.modelPath(runId));
      return stat.size === info.bytes ? { ...info, path: this.modelPath(runId) } : null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /** The model built from checkpoint `epoch`, when stored and intact. */
  async read(runId: string, epoch: number): Promise<Uint8Array | undefined> {
    const info = await this.info(runId);
    if (!info || info.epoch !== epoch) return undefined;
    const bytes = await fs.readFile(info.path);
    return sha256(bytes) === info.sha256 ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : undefined;
  }

  async write(runId: string, model: Uint8Array, epoch: number): Promise<OnnxModelInfo> {
    const dir = this.runDir(runId);
    await fs.mkdir(dir, { recursive: true });
    const info = { bytes: model.byteLength, sha256: sha256(model), epoch };
    await replaceFile(this.modelPath(runId), Buffer.from(model.buffer, model.byteOffset, model.byteLength));
    await replaceFile(path.join(dir, INFO_FILE), Buffer.from(JSON.stringify(info)));
    return { ...info, path: this.modelPath(runId) };
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
