import * as tf from '@tensorflow/tfjs-core';
import type { Command } from 'commander';
import { BACKEND_PREFERENCE, isBackendName, selectBackend, type BackendName } from '../training/backend';
import { createParadigm } from '../training/paradigms/create-paradigm';
import { SeededRandom } from '../util/seeded-random';
import { integerFlag } from './bench-ingest.command';
import { printJsonLine } from './json-lines';
import { UsageError } from './usage-error';

interface BenchEmbedFlags {
  batch: string;
  seconds: string;
  threads?: string;
  backend: string;
}

/**
 * `morphospace bench embed`: encoder inference throughput on the workload of
 * ../shared/bench/torch_reference.py's embed figure (one fixed batch of random 64x64 crops
 * through the 2048-d encoder, the result read back), the warm-up untimed.
 */
export function registerBenchEmbedCommand(bench: Command): void {
  bench
    .command('embed')
    .description('Encoder inference throughput (images/s), same workload as the PyTorch reference')
    .option('--batch <n>', 'crops per forward pass', '64')
    .option('--seconds <s>', 'measured time', '10')
    .option('--threads <n>', 'wasm threads (default: all cores)')
    .option('--backend <name>', `auto | ${BACKEND_PREFERENCE.join(' | ')}`, 'auto')
    .action(async (flags: BenchEmbedFlags) => {
      const batch = integerFlag('--batch', flags.batch, 1, 4096);
      const seconds = Number(flags.seconds);
      if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) throw new UsageError(`--seconds must be a number in (0, 3600], got "${flags.seconds}"`);
      const threads = flags.threads === undefined ? undefined : integerFlag('--threads', flags.threads, 1, 64);
      if (flags.backend !== 'auto' && !isBackendName(flags.backend)) throw new UsageError(`--backend must be auto or one of ${BACKEND_PREFERENCE.join(', ')}, got "${flags.backend}"`);
      const info = await selectBackend({ backend: flags.backend as BackendName | 'auto', threads });
      const random = new SeededRandom('bench-embed');
      const x = tf.tensor4d(Float32Array.from({ length: batch * 64 * 64 }, () => random.next()), [batch, 64, 64, 1]);
      const model = createParadigm('weakly-supervised', { seed: 0 });
      const step = () => {
        const y = model.encode(x);
        y.dataSync();
        y.dispose();
      };
      try {
        step();
        let images = 0;
        const started = performance.now();
        while (performance.now() - started < seconds * 1000) {
          step();
          images += batch;
        }
        const elapsed = (performance.now() - started) / 1000;
        printJsonLine({ bench: 'embed', backend: info.backend, device: info.device, threads: info.threads, batch, imagesPerSecond: Math.round((images / elapsed) * 10) / 10 });
      } finally {
        model.dispose();
        x.dispose();
      }
    });
}
