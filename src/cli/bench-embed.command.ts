import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import type { Command } from 'commander';
import { openTileEncoder } from '../embedding/encoders/tile-encoder.selector';
import { buildEncoderOnnx } from '../embedding/onnx/encoder-onnx.builder';
import { BACKEND_PREFERENCE, isBackendName, selectBackend, type BackendName } from '../training/backend';
import { createParadigm } from '../training/paradigms/create-paradigm';
import { SeededRandom } from '../util/seeded-random';
import { integerFlag } from './bench-ingest.command';
import { printJsonLine } from './json-lines';
import { UsageError } from './usage-error';

interface BenchEmbedFlags {
  batch?: string;
  seconds: string;
  threads: string;
  runtime: string;
  backend: string;
}

const RUNTIMES = ['onnx', 'wasm'] as const;
type Runtime = (typeof RUNTIMES)[number];

/**
 * `morphospace bench embed`: encoder inference throughput of each runtime on the same weights
 * and the same crops, at each thread count, on the workload of ../shared/bench/torch_reference.py's
 * embed figure (one fixed batch of random 64x64 crops through the 2048-d encoder, the result
 * read back), the warm-up untimed. More than one runtime or thread count runs one child process
 * each, one after another: tfjs fixes its wasm threads at its first initialisation in a process.
 */
export function registerBenchEmbedCommand(bench: Command): void {
  bench
    .command('embed')
    .description('Encoder inference throughput (images/s) of onnxruntime-node and tfjs wasm, side by side')
    .option('--batch <n>', "crops per forward pass (default: each runtime's embedding batch; 64 is the PyTorch reference's)")
    .option('--seconds <s>', 'measured time per line', '10')
    .option('--threads <list>', 'thread counts, comma-separated', '1,2')
    .option('--runtime <list>', `runtimes, comma-separated: ${RUNTIMES.join(', ')}`, RUNTIMES.join(','))
    .option('--backend <name>', `tfjs backend of the wasm runtime: auto | ${BACKEND_PREFERENCE.join(' | ')}`, 'wasm')
    .action(async (flags: BenchEmbedFlags) => {
      const batch = flags.batch === undefined ? undefined : integerFlag('--batch', flags.batch, 1, 4096);
      const seconds = Number(flags.seconds);
      if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) throw new UsageError(`--seconds must be a number in (0, 3600], got "${flags.seconds}"`);
      const threads = flags.threads.split(',').map((text) => integerFlag('--threads', text.trim(), 1, 64));
      const runtimes = flags.runtime.split(',').map((text) => text.trim());
      const unknown = runtimes.filter((name) => !(RUNTIMES as readonly string[]).includes(name));
      if (unknown.length > 0 || runtimes.length === 0) throw new UsageError(`--runtime must list ${RUNTIMES.join(' and/or ')}, got "${flags.runtime}"`);
      if (flags.backend !== 'auto' && !isBackendName(flags.backend)) throw new UsageError(`--backend must be auto or one of ${BACKEND_PREFERENCE.join(', ')}, got "${flags.backend}"`);
      if (threads.length === 1 && runtimes.length === 1) {
        await measure(runtimes[0] as Runtime, threads[0], batch, seconds, flags.backend as BackendName | 'auto');
        return;
      }
      for (const count of threads) {
        for (const runtime of runtimes) {
          const batchFlag = batch === undefined ? [] : ['--batch', String(batch)];
          await runChild(['bench', 'embed', '--runtime', runtime, '--threads', String(count), ...batchFlag, '--seconds', String(seconds), '--backend', flags.backend]);
        }
      }
    });
}

async function measure(runtime: Runtime, threads: number, batchFlag: number | undefined, seconds: number, backend: BackendName | 'auto'): Promise<void> {
  // the weights are drawn in JavaScript from a seed: any tfjs backend gives the same ones
  await selectBackend({ backend: runtime === 'wasm' ? backend : 'cpu', threads });
  const paradigm = createParadigm('weakly-supervised', { seed: 0 });
  const weights = paradigm.exportWeights();
  paradigm.dispose();
  const encoder = await openTileEncoder(
    {
      paradigm: 'weakly-supervised',
      weights,
      onnxModel: async () => buildEncoderOnnx(weights, { runId: 'bench', paradigm: 'weakly-supervised', epoch: 0, tileSize: 64, aggregation: 'mean' }),
    },
    { inference: runtime, threads, backend, warn: () => undefined },
  );
  const batch = batchFlag ?? encoder.batchTiles;
  const random = new SeededRandom('bench-embed');
  const pixels = Float32Array.from({ length: batch * 64 * 64 }, () => random.next());
  try {
    await encoder.encode(pixels, batch);
    let images = 0;
    const started = performance.now();
    while (performance.now() - started < seconds * 1000) {
      await encoder.encode(pixels, batch);
      images += batch;
    }
    const elapsed = (performance.now() - started) / 1000;
    printJsonLine({
      bench: 'embed',
      runtime,
      backend: encoder.runtime,
      device: encoder.device,
      threads,
      batch,
      imagesPerSecond: Math.round((images / elapsed) * 10) / 10,
      loadAverage: Math.round(loadavg()[0] * 100) / 100,
    });
  } finally {
    await encoder.dispose();
  }
}

function runChild(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [process.argv[1], ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bench embed ${args.slice(2).join(' ')} exited with ${code}`))));
  });
}
