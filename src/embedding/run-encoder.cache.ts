import type { TileEncoder } from './encoders/tile-encoder';

interface Entry {
  encoder: Promise<TileEncoder>;
  users: number;
  evicted: boolean;
  /** calls run one after another: a session is not asked to run two batches at once */
  turn: Promise<unknown>;
}

/**
 * Opened encoders of the runs queried by image, at most `capacity`, the least recently used
 * closed first. Opening one costs a checkpoint read and a session start (about a second), so
 * queries keep it; each holds its weights and a runtime session, so only a few stay open. An
 * encoder closed while a query still uses it is disposed when that query is done.
 */
export class RunEncoderCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity: number) {}

  async use<T>(runId: string, open: () => Promise<TileEncoder>, action: (encoder: TileEncoder) => Promise<T>): Promise<T> {
    const entry = this.entry(runId, open);
    entry.users += 1;
    try {
      const encoder = await entry.encoder;
      const result = entry.turn.then(() => action(encoder));
      entry.turn = result.catch(() => undefined);
      return await result;
    } finally {
      entry.users -= 1;
      if (entry.evicted && entry.users === 0) await dispose(entry);
    }
  }

  /** Closes every encoder (at shutdown). */
  async close(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map((entry) => this.evict(entry)));
  }

  private entry(runId: string, open: () => Promise<TileEncoder>): Entry {
    const known = this.entries.get(runId);
    if (known) {
      // most recently used last: Map keeps insertion order
      this.entries.delete(runId);
      this.entries.set(runId, known);
      return known;
    }
    const entry: Entry = { encoder: open(), users: 0, evicted: false, turn: Promise.resolve() };
    // a failed open is not kept: the next query tries again
    entry.encoder.catch(() => {
      if (this.entries.get(runId) === entry) this.entries.delete(runId);
    });
    this.entries.set(runId, entry);
    while (this.entries.size > this.capacity) {
      const [oldestId, oldest] = this.entries.entries().next().value!;
      this.entries.delete(oldestId);
      void this.evict(oldest).catch(() => undefined);
    }
    return entry;
  }

  private async evict(entry: Entry): Promise<void> {
    entry.evicted = true;
    if (entry.users === 0) await dispose(entry);
  }
}

async function dispose(entry: Entry): Promise<void> {
  const encoder = await entry.encoder.catch(() => undefined);
  await encoder?.dispose();
}
