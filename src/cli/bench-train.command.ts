import type { Command } from 'commander';
import { BACKEND_PREFERENCE, isBackendName, selectBackend, type BackendName } from '../training/backend';
import { PARADIGMS, type Paradigm } from '../training/setups';
import { benchmarkTraining } from '../training/train-benchmark';
import { printJsonLine } from './json-lines';
import { UsageError } from './usage-error';

export interface BenchTrainOptions {
  paradigms: Paradigm[];
  seconds: number;
  batch: number;
  threads?: number;
  backend: BackendName | 'auto';
}

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
  return { paradigms, seconds, batch, threads, backend: backend as BackendName | 'auto' };
}

/**
 * `morphospace bench train`: training throughput per paradigm on the workload of
 * ../shared/bench/torch_reference.py (random 64x64 crops, batch 64, Adam 1e-4), one JSON
 * line each; the warm-up step is not timed.
 */
export function registerBenchTrainCommand(bench: Command): void {
  bench
    .command('train')
    .description('Training throughput (images/s) per paradigm, same workload as the PyTorch reference')
    .option('--paradigm <name>', `all | ${PARADIGMS.join(' | ')}`, 'all')
    .option('--seconds <s>', 'measured time per paradigm', '10')
    .option('--batch <n>', 'images per batch', '64')
    .option('--threads <n>', 'wasm threads (default: all cores)')
    .option('--backend <name>', `auto | ${BACKEND_PREFERENCE.join(' | ')}`, 'auto')
    .action(async (raw: Record<string, unknown>) => {
      const options = parseBenchTrainOptions(raw);
      const info = await selectBackend({ backend: options.backend, threads: options.threads });
      for (const paradigm of options.paradigms) {
        const result = benchmarkTraining(paradigm, { seconds: options.seconds, batch: options.batch });
        printJsonLine({
          bench: 'train',
          backend: info.backend,
          device: info.device,
          paradigm,
          batch: options.batch,
          threads: info.threads,
          imagesPerSecond: Math.round(result.imagesPerSecond * 10) / 10,
          cpuSecondsPer1000Images: Math.round(result.cpuSecondsPer1000Images * 10) / 10,
          steps: result.steps,
        });
      }
    });
}
