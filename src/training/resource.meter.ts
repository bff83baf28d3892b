/** Resources of one stretch of training (an epoch, or a whole run). */
export interface ResourceUsage {
  wallSeconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
  peakTensorBytes: number;
  /** null where the backend does not report GPU memory */
  gpuMemoryBytes: number | null;
  imagesSeen: number;
  imagesPerSecond: number;
}

export interface MemoryProbe {
  /** bytes held by tensors now */
  tensorBytes(): number;
  /** bytes of GPU memory in use now, when the backend reports it */
  gpuBytes(): number | null;
}

/**
 * Measures wall time, process CPU time, peak resident memory and peak tensor memory while
 * training. `sample()` is cheap; call it once per batch.
 */
export class ResourceMeter {
  private readonly startedWall = performance.now();
  private readonly startedCpu = process.cpuUsage();
  private peakRss = 0;
  private peakTensors = 0;
  private peakGpu: number | null = null;
  private images = 0;

  constructor(private readonly probe: MemoryProbe) {
    this.sample();
  }

  sample(imagesSeen = 0): void {
    this.images += imagesSeen;
    this.peakRss = Math.max(this.peakRss, process.memoryUsage.rss());
    this.peakTensors = Math.max(this.peakTensors, this.probe.tensorBytes());
    const gpu = this.probe.gpuBytes();
    if (gpu !== null) this.peakGpu = Math.max(this.peakGpu ?? 0, gpu);
  }

  usage(): ResourceUsage {
    this.sample();
    const wallSeconds = (performance.now() - this.startedWall) / 1000;
    const cpu = process.cpuUsage(this.startedCpu);
    return {
      wallSeconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      peakRssBytes: this.peakRss,
      peakTensorBytes: this.peakTensors,
      gpuMemoryBytes: this.peakGpu,
      imagesSeen: this.images,
      imagesPerSecond: wallSeconds > 0 ? this.images / wallSeconds : 0,
    };
  }
}

/** Totals over epochs: times and images add up, peaks take the maximum. */
export function sumUsage(parts: readonly ResourceUsage[]): ResourceUsage {
  const wallSeconds = parts.reduce((sum, part) => sum + part.wallSeconds, 0);
  const imagesSeen = parts.reduce((sum, part) => sum + part.imagesSeen, 0);
  const gpu = parts.map((part) => part.gpuMemoryBytes).filter((value): value is number => value !== null);
  return {
    wallSeconds,
    cpuSeconds: parts.reduce((sum, part) => sum + part.cpuSeconds, 0),
    peakRssBytes: Math.max(0, ...parts.map((part) => part.peakRssBytes)),
    peakTensorBytes: Math.max(0, ...parts.map((part) => part.peakTensorBytes)),
    gpuMemoryBytes: gpu.length > 0 ? Math.max(...gpu) : null,
    imagesSeen,
    imagesPerSecond: wallSeconds > 0 ? imagesSeen / wallSeconds : 0,
  };
}
