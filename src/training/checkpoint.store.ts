import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { EpochRecord } from '../db/repositories/run.repository';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint-codec';
import type { ParadigmCheckpoint } from './paradigms/trainable-paradigm';
import type { RandomState } from '../util/seeded-random';
import { writeDurably } from '../util/durable-write';

/** What a run needs to resume exactly where its last finished epoch left it. */
export interface RunCheckpoint {
  /** epochs finished (1-based count); 0 for the untrained baseline's initial encoder */
  epoch: number;
  paradigm: ParadigmCheckpoint;
  random: RandomState;
  /** the finished epoch's record, so a run killed between checkpoint and database write loses nothing; none at epoch 0 */
  epochRecord?: EpochRecord;
}

/** What checkpoint.json holds beside the paradigm's own buffer. */
interface CheckpointManifest {
  epoch: number;
  random: RandomState;
  epochRecord?: EpochRecord;
}

const LATEST = 'latest.json';
/** written only by runs that stop early: the epoch with the best validation loss so far */
const BEST = 'best.json';
const PARADIGM_FILE = 'paradigm.msck';
const MANIFEST_FILE = 'checkpoint.json';

/** Which checkpoint to read: `latest` to resume training, `best` to embed or export with. */
export type CheckpointChoice = 'latest' | 'best';

/**
 * Checkpoints on the file system under <storeDir>/runs/<runId>/ (the shared store: a run resumes,
 * embeds and exports on any host). A checkpoint is written to a
 * temporary directory and renamed into place, then `best.json` (for a new best epoch) and
 * `latest.json` are replaced the same way: a process killed at any moment leaves the previous
 * checkpoint or the new one, never half. `best.json` goes first, so it never points at an epoch
 * that `latest.json` has not reached but a resumed run repeats, which writes it again.
 */
export class CheckpointStore {
  constructor(private readonly storeDir: string) {}

  runDir(runId: string): string {
    return path.join(this.storeDir, 'runs', runId);
  }

  /** Writes an epoch's checkpoint as the latest, and as the best too when `best` is set. */
  async save(runId: string, checkpoint: RunCheckpoint, options: { best: boolean } = { best: false }): Promise<string> {
    const dir = this.runDir(runId);
    await fs.mkdir(dir, { recursive: true });
    const name = epochDirName(checkpoint.epoch);
    // the store may be shared by hosts (or containers) whose pids coincide: the random part keeps writers apart
    const writer = `${process.pid}.${randomBytes(4).toString('hex')}`;
    const temporary = path.join(dir, `.${name}.${writer}.tmp`);
    const pointers = [LATEST, BEST].map((file) => path.join(dir, `${file}.${writer}.tmp`));
    const final = path.join(dir, name);
    try {
      await fs.rm(temporary, { recursive: true, force: true });
      await fs.mkdir(temporary);
      const manifest: CheckpointManifest = { epoch: checkpoint.epoch, random: checkpoint.random, epochRecord: checkpoint.epochRecord };
      await writeDurably(path.join(temporary, PARADIGM_FILE), encodeCheckpoint(checkpoint.paradigm));
      await writeDurably(path.join(temporary, MANIFEST_FILE), Buffer.from(JSON.stringify(manifest)));
      await fs.rm(final, { recursive: true, force: true });
      await fs.rename(temporary, final);
      if (options.best) await this.point(dir, BEST, name, writer);
      await this.point(dir, LATEST, name, writer);
    } catch (error) {
      // a write that failed (a full disk, most often) must not leave its half behind to keep the disk full
      await Promise.all([temporary, ...pointers].map((leftover) => fs.rm(leftover, { recursive: true, force: true }).catch(() => undefined)));
      throw error;
    }
    await this.removeAllBut(dir, new Set([name, await this.pointedAt(dir, BEST)]));
    return final;
  }

  /**
   * The latest complete checkpoint, or the best one (the latest when the run keeps no best:
   * it does not stop early); undefined when the run has none.
   */
  async load(runId: string, choice: CheckpointChoice = 'latest'): Promise<RunCheckpoint | undefined> {
    const dir = this.runDir(runId);
    const name = (choice === 'best' ? await this.pointedAt(dir, BEST) : undefined) ?? (await this.pointedAt(dir, LATEST));
    if (name === undefined) return undefined;
    const manifest = JSON.parse(await fs.readFile(path.join(dir, name, MANIFEST_FILE), 'utf8')) as CheckpointManifest;
    return { ...manifest, paradigm: decodeCheckpoint(await fs.readFile(path.join(dir, name, PARADIGM_FILE))) };
  }

  /**
   * Points the best checkpoint at an epoch the run has kept, when it points elsewhere. A resumed
   * run calls it with the best epoch of its finished epochs: a process killed between writing a
   * new best and the latest leaves the best ahead of them, and the epoch it names is trained again.
   */
  async markBest(runId: string, epoch: number): Promise<void> {
    const dir = this.runDir(runId);
    const name = epochDirName(epoch);
    if ((await this.pointedAt(dir, BEST)) === name) return;
    const kept = await fs.stat(path.join(dir, name)).then(() => true, () => false);
    if (kept) await this.point(dir, BEST, name, `${process.pid}.${randomBytes(4).toString('hex')}`);
  }

  async remove(runId: string): Promise<void> {
    await fs.rm(this.runDir(runId), { recursive: true, force: true });
  }

  private async point(dir: string, pointerFile: string, name: string, writer: string): Promise<void> {
    const temporary = path.join(dir, `${pointerFile}.${writer}.tmp`);
    await writeDurably(temporary, Buffer.from(JSON.stringify({ checkpoint: name })));
    await fs.rename(temporary, path.join(dir, pointerFile));
  }

  private async pointedAt(dir: string, pointerFile: string): Promise<string | undefined> {
    try {
      return (JSON.parse(await fs.readFile(path.join(dir, pointerFile), 'utf8')) as { checkpoint: string }).checkpoint;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private async removeAllBut(dir: string, keep: ReadonlySet<string | undefined>): Promise<void> {
    for (const entry of await fs.readdir(dir)) {
      // older epochs, and temporaries left by a process killed mid-write
      if ((entry.startsWith('epoch-') || entry.startsWith('.epoch-')) && !keep.has(entry)) await fs.rm(path.join(dir, entry), { recursive: true, force: true });
    }
  }
}

function epochDirName(epoch: number): string {
  return `epoch-${String(epoch).padStart(4, '0')}`;
}
