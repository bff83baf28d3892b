/**
 * A least-recently-used cache bounded by the bytes its values hold rather than their count:
 * adding past the budget evicts the least recently used entries first. An entry larger than
 * the whole budget is still kept (alone): a query needs its index loaded to be answered.
 */
export class ByteBudgetCache<K, V> {
  private readonly entries = new Map<K, { value: V; bytes: number }>();
  private total = 0;

  constructor(
    readonly budgetBytes: number,
    private readonly onEvict: (key: K, value: V) => void = () => undefined,
  ) {}

  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }

  keys(): K[] {
    return [...this.entries.keys()];
  }

  /** The value, now the most recently used. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  peek(key: K): V | undefined {
    return this.entries.get(key)?.value;
  }

  set(key: K, value: V, bytes: number): void {
    this.delete(key);
    this.entries.set(key, { value, bytes });
    this.total += bytes;
    // Map iterates in insertion order: the first key is the least recently used
    for (const [oldest, entry] of this.entries) {
      if (this.total <= this.budgetBytes || oldest === key) break;
      this.entries.delete(oldest);
      this.total -= entry.bytes;
      this.onEvict(oldest, entry.value);
    }
  }

  delete(key: K): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.total -= entry.bytes;
    return true;
  }
}
