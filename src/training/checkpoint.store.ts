import fs from 'node:fs/promises';
import path from 'node:path';
import type { EpochRecord } from '../db/repositories/run.repository';
import type { NamedArrays } from './networks/parameter-set';
import type { ParadigmCheckpoint } from './paradigms/trainable-paradigm';
import type { RandomState } from '../util/seeded-random';

/** What a run needs to resume exactly where its last finished epoch left it. */
export interface RunCheckpoint {
  /** epochs finished (1-based count) */
  epoch: number;
  paradigm: ParadigmCheckpoint;
  random: RandomState;
  /** the finished epoch's record, so a run killed between checkpoint and database write loses nothing */
  epochRecord: EpochRecord;
}

interface TensorIndexEntry {
  shape: number[];
  offset: number;
  length: number;
}

interface CheckpointManifest {
  epoch: number;
  paradigm: ParadigmCheckpoint['paradigm'];
  optimizerStep: number;
  random: RandomState;
  epochRecord: EpochRecord;
  weights: Record<string, TensorIndexEntry>;
  moments: Record<string, TensorIndexEntry>;
}

const LATEST = 'latest.json';

/**
 * Checkpoints on the file system under <dataDir>/runs/<runId>/. A checkpoint is written to a
 * temporary directory and renamed into place, then `latest.json` is replaced the same way:
 * a process killed at any moment leaves the previous checkpoint or the new one, never half.
 */
export class CheckpointStore {
  constructor(private readonly dataDir: string) {}

  runDir(runId: string): string {
    return path.join(this.dataDir, 'runs', runId);
  }

  async save(runId: string, checkpoint: RunCheckpoint): Promise<string> {
    const dir = this.runDir(runId);
    await fs.mkdir(dir, { recursive: true });
    const name = `epoch-${String(checkpoint.epoch).padStart(4, '0')}`;
    const temporary = path.join(dir, `.${name}.${process.pid}.tmp`);
    await fs.rm(temporary, { recursive: true, force: true });
    await fs.mkdir(temporary);

    const chunks: Float32Array[] = [];
    let offset = 0;
    const index = (arrays: NamedArrays): Record<string, TensorIndexEntry> =>
      Object.fromEntries(
        Object.entries(arrays).map(([key, array]) => {
          const entry = { shape: array.shape, offset, length: array.data.length };
          chunks.push(array.data);
          offset += array.data.length;
          return [key, entry];
        }),
      );
    const manifest: CheckpointManifest = {
      epoch: checkpoint.epoch,
      paradigm: checkpoint.paradigm.paradigm,
      optimizerStep: checkpoint.paradigm.optimizer.step,
      random: checkpoint.random,
      epochRecord: checkpoint.epochRecord,
      weights: index(checkpoint.paradigm.weights),
      moments: index(checkpoint.paradigm.optimizer.moments),
    };
    await writeDurably(path.join(temporary, 'tensors.bin'), Buffer.concat(chunks.map((chunk) => Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))));
    await writeDurably(path.join(temporary, 'checkpoint.json'), Buffer.from(JSON.stringify(manifest)));
    const final = path.join(dir, name);
    await fs.rm(final, { recursive: true, force: true });
    await fs.rename(temporary, final);
    await writeDurably(path.join(dir, `${LATEST}.tmp`), Buffer.from(JSON.stringify({ checkpoint: name })));
    await fs.rename(path.join(dir, `${LATEST}.tmp`), path.join(dir, LATEST));
    await this.removeAllBut(dir, name);
    return final;
  }

  /** The latest complete checkpoint, or undefined when the run has none. */
  async load(runId: string): Promise<RunCheckpoint | undefined> {
    const dir = this.runDir(runId);
    let name: string;
    try {
      name = (JSON.parse(await fs.readFile(path.join(dir, LATEST), 'utf8')) as { checkpoint: string }).checkpoint;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const manifest = JSON.parse(await fs.readFile(path.join(dir, name, 'checkpoint.json'), 'utf8')) as CheckpointManifest;
    const bytes = await fs.readFile(path.join(dir, name, 'tensors.bin'));
    const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const arrays = (entries: Record<string, TensorIndexEntry>): NamedArrays =>
      Object.fromEntries(Object.entries(entries).map(([key, entry]) => [key, { shape: entry.shape, data: all.slice(entry.offset, entry.offset + entry.length) }]));
    return {
      epoch: manifest.epoch,
      random: manifest.random,
      epochRecord: manifest.epochRecord,
      paradigm: { paradigm: manifest.paradigm, weights: arrays(manifest.weights), optimizer: { step: manifest.optimizerStep, moments: arrays(manifest.moments) } },
    };
  }

  async remove(runId: string): Promise<void> {
    await fs.rm(this.runDir(runId), { recursive: true, force: true });
  }

  private async removeAllBut(dir: string, keep: string): Promise<void> {
    for (const entry of await fs.readdir(dir)) {
      // older epochs, and temporaries left by a process killed mid-write
      if ((entry.startsWith('epoch-') || entry.startsWith('.epoch-')) && entry !== keep) await fs.rm(path.join(dir, entry), { recursive: true, force: true });
    }
  }
}

async function writeDurably(file: string, data: Buffer): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
