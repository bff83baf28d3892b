import type { Command } from 'commander';
import { BACKEND_PREFERENCE, isBackendName, selectBackend, type BackendName } from '../training/backend';
import { PARADIGMS, type Paradigm } from '../training/setups';
import { availableParallelism } from 'node:os';
import { benchmarkTraining } from '../training/train-benchmark';
import { benchmarkOnnxTraining } from '../training/onnx/onnx-train-benchmark';
import { printJsonLine } from './json-lines';
import { UsageError } from './usage-error';

export interface BenchTrainOptions {
  paradigms: Paradigm[];
  seconds: number;
  batch: number;
  threads?: number;
  backend: BackendName | 'auto';
  /** which runtimes to measure; with both, each paradigm's pair runs back to back */
  runtimes: BenchRuntime[];
}

type BenchRuntime = 'wasm' | 'onnx';

export function parseBenchTrainOptions(raw: Record<string, unknown>): BenchTrainOptions {
  const wanted = raw.paradigm === undefined ? 'all' : String(raw.paradigm);
  const paradigms = wanted === 'all' ? [...PARADIGMS] : PARADIGMS.filter((p) => p === wanted);
  if (paradigms.length === 0) throw new UsageError(`--paradigm must be all or one of ${PARADIGMS.join(', ')}, got "${wanted}"`);
  const seconds = Number(raw.seconds ?? 10);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new UsageError(`--seconds must be a number in (0, 3600], got "${String(raw.seconds)}"`);
  }
  const batch = Number(raw.batch ?? 64);
  if (!Number.isInteger(batch) || batch < 2 || batch > 1024) {
    throw new UsageError(`--batch must be an integer from 2 to 1024, got "${String(raw.batch)}"`);
  }
  let threads: number | undefined;
  if (raw.threads !== undefined) {
    threads = Number(raw.threads);
    if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
      throw new UsageError(`--threads must be an integer from 1 to 64, got "${String(raw.threads)}"`);
    }
  }
  const backend = String(raw.backend ?? 'auto');
  if (backend !== 'auto' && !isBackendName(backend)) {
    throw new UsageError(`--backend must be auto or one of ${BACKEND_PREFERENCE.join(', ')}, got "${backend}"`);
  }
  const runtime = String(raw.runtime ?? 'both');
  if (!['both', 'wasm', 'onnx'].includes(runtime)) throw new UsageError(`--runtime must be both, wasm or onnx, got "${runtime}"`);
  const runtimes: BenchRuntime[] = runtime === 'both' ? ['wasm', 'onnx'] : [runtime as BenchRuntime];
  return { paradigms, seconds, batch, threads, backend: backend as BackendName | 'auto', runtimes };
}

/**
 * `morphospace bench train`: training throughput per paradigm on the workload of
 * ../shared/bench/torch_reference.py (random 64x64 crops, batch 64, Adam 1e-4), one JSON
 * line each; the warm-up step is not timed. A multi-crop batch of n images is `--batch` 5n rows.
 */
export function registerBenchTrainCommand(bench: Command): void {
  bench
    .command('train')
    .description('Training throughput (images/s) per paradigm, same workload as the PyTorch reference')
    .option('--paradigm <name>', `all | ${PARADIGMS.join(' | ')}`, 'all')
    .option('--seconds <s>', 'measured time per paradigm', '10')
    .option('--batch <n>', 'images per batch', '64')
    .option('--threads <n>', 'threads of either runtime (default: all cores)')
    .option('--runtime <name>', 'both | wasm (tfjs) | onnx (onnxruntime-node)', 'both')
    .option('--backend <name>', `auto | ${BACKEND_PREFERENCE.join(' | ')}`, 'auto')
    .action(async (raw: Record<string, unknown>) => {
      const options = parseBenchTrainOptions(raw);
      const info = await selectBackend({ backend: options.backend, threads: options.threads });
      const threads = options.threads ?? (info.threads || availableParallelism());
      for (const paradigm of options.paradigms) {
        for (const runtime of options.runtimes) {
          const settings = { seconds: options.seconds, batch: options.batch };
          const result = runtime === 'onnx' ? await benchmarkOnnxTraining(paradigm, { ...settings, threads }) : benchmarkTraining(paradigm, settings);
          printJsonLine({
            bench: 'train',
            runtime,
            backend: runtime === 'onnx' ? 'onnxruntime-node' : info.backend,
            device: runtime === 'onnx' ? 'cpu' : info.device,
            paradigm,
            batch: options.batch,
            threads: runtime === 'onnx' ? threads : info.threads,
            imagesPerSecond: Math.round(result.imagesPerSecond * 10) / 10,
            cpuSecondsPer1000Images: Math.round(result.cpuSecondsPer1000Images * 10) / 10,
            steps: result.steps,
            // the process's high-water mark so far (maxRSS is in kilobytes): one paradigm and runtime per call gives that step's own
            peakRssBytes: process.resourceUsage().maxRSS * 1024,
          });
        }
      }
    });
}
