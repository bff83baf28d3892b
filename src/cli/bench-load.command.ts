import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Command } from 'commander';
import { startApiServer } from '../api/http.server';
import { ApiMetrics } from '../api/metrics/api.metrics';
import { createMetricsService } from '../services';
import { configFromEnvironment } from '../config';
import { openRuntime } from '../runtime';
import { loadBenchRun } from './bench-load-fixture';
import { integerFlag } from './bench-ingest.command';
import { withConfigOptions, type ConfigFlags } from './config-options';
import { printJsonLine } from './json-lines';
import type { LoadClientInput, LoadClientResult } from './load-client.worker';
import { discoverTargets, LOAD_OPERATIONS, operationAt, type LoadTargets } from './load-workload';
import { latencyPercentile, round } from './bench-figures';

interface BenchLoadFlags extends ConfigFlags {
  clients: string;
  seconds: string;
  url?: string;
  run?: string;
}

/**
 * `morphospace bench load`: N concurrent clients for S seconds on the API's real read operations
 * (see LOAD_OPERATIONS), each sending its next request when the last is answered, while a probe
 * asks /healthz every 100 ms. Against --url, or a server started here on a free port over the
 * configured database, serving a small evaluated run it trains first when there is none.
 */
export function registerBenchLoadCommand(bench: Command): void {
  withConfigOptions(bench.command('load').description('Requests/s, latency per operation, errors and /healthz latency under concurrent GraphQL clients'))
    .option('--clients <n>', 'concurrent clients', '100')
    .option('--seconds <s>', 'measured time', '60')
    .option('--url <url>', 'a running server (default: start one here)')
    .option('--run <id>', 'the run to query (default: the bench-load run, or with --url the newest succeeded run)')
    .action(async (flags: BenchLoadFlags) => {
      const clients = integerFlag('--clients', flags.clients, 1, 1000);
      const seconds = integerFlag('--seconds', flags.seconds, 1, 3600);
      if (flags.url) {
        await measure(flags.url.replace(/\/(graphql)?\/?$/, ''), flags.run, clients, seconds, 'url');
        return;
      }
      const config = configFromEnvironment({ ...flags, logLevel: flags.logLevel ?? 'warn', port: '0', backend: flags.backend ?? 'wasm', threads: flags.threads ?? '1' });
      const runtime = await openRuntime(config);
      try {
        const runId = flags.run ?? (await loadBenchRun(config, runtime.database, runtime.logger));
        const { dataSource } = runtime.database;
        const api = await startApiServer(config, runtime.services, {
          database: async () => (await dataSource.query('SELECT 1')).length === 1,
          queue: () => runtime.queue.isReachable(),
        }, runtime.logger, new ApiMetrics(createMetricsService(runtime.database, runtime.services, runtime.queue)));
        try {
          await measure(api.url, runId, clients, seconds, 'in-process');
        } finally {
          await api.close();
        }
      } finally {
        await runtime.close();
      }
    });
}

async function measure(url: string, runId: string | undefined, clients: number, seconds: number, server: string): Promise<void> {
  const post = async (query: string, variables: Record<string, unknown>) => {
    const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    return (await response.json()) as { data?: any; errors?: Array<{ message: string }> };
  };
  const targets = await discoverTargets(post, runId);
  await warmUp(post, targets);
  const result = await new Promise<LoadClientResult>((resolve, reject) => {
    const input: LoadClientInput = { url, targets, clients, seconds };
    const worker = new Worker(path.join(__dirname, 'load-client.worker.js'), { workerData: input });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const all = Object.values(result.latencies).flat();
  const operations = Object.fromEntries(
    LOAD_OPERATIONS.map(({ name }) => {
      const latencies = result.latencies[name] ?? [];
      return [name, { requests: latencies.length, p50Ms: latencyPercentile(latencies, 50), p99Ms: latencyPercentile(latencies, 99), errors: result.errors[name] ?? 0 }];
    }),
  );
  printJsonLine({
    bench: 'load',
    server,
    clients,
    seconds,
    requests: all.length,
    requestsPerSecond: round(all.length / result.elapsedSeconds, 1),
    p50Ms: latencyPercentile(all, 50),
    p99Ms: latencyPercentile(all, 99),
    errors: Object.values(result.errors).reduce((sum, count) => sum + count, 0),
    serverErrors: result.serverErrors,
    healthz: { probes: result.healthLatencies.length, p50Ms: latencyPercentile(result.healthLatencies, 50), p99Ms: latencyPercentile(result.healthLatencies, 99), failures: result.healthFailures },
    operations,
  });
}

/** One request of each operation first: indexes load on first use, and a broken target should show before the clock starts. */
async function warmUp(post: (query: string, variables: Record<string, unknown>) => Promise<{ errors?: Array<{ message: string }> }>, targets: LoadTargets): Promise<void> {
  const tried = new Set<string>();
  for (let i = 0; tried.size < LOAD_OPERATIONS.length; i += 1) {
    const operation = operationAt(i);
    if (tried.has(operation.name)) continue;
    tried.add(operation.name);
    const answer = await post(operation.query, operation.variables(targets, i));
    if (answer.errors) process.stderr.write(`morphospace bench load: ${operation.name} answers with errors: ${answer.errors[0].message}\n`);
  }
}
