import path from 'node:path';
import { ComparisonRepository } from '../db/repositories/comparison.repository';
import { DemoService } from '../reports/demo.service';
import type { Runtime } from '../runtime';
import { UsageError } from './usage-error';

/** MORPHOSPACE_DEMO=false (or --no-demo) keeps `start` to the API and a worker. */
export function demoEnabled(flag: boolean | undefined, env: Record<string, string | undefined> = process.env): boolean {
  if (flag === false) return false;
  const value = env.MORPHOSPACE_DEMO?.trim().toLowerCase();
  if (value === undefined || value === '' || ['1', 'true', 'on', 'yes'].includes(value)) return true;
  if (['0', 'false', 'off', 'no'].includes(value)) return false;
  throw new UsageError(`MORPHOSPACE_DEMO must be true or false, got "${env.MORPHOSPACE_DEMO}"`);
}

/**
 * The demo of `morphospace start`: demo screen and quick sweep made if absent, progress lines
 * on stderr, the comparison report written to the data dir when every run is evaluated.
 * Runs in the background; the returned function stops it.
 */
export function startDemo(runtime: Runtime, dashboardUrl: string): () => void {
  const print = (line: string) => process.stderr.write(`morphospace: ${line}\n`);
  const { services } = runtime;
  // a step a stop cut off is queued again by the workers' pipeline (src/pipeline), not here
  const demo = new DemoService(services.screens, services.sweeps, new ComparisonRepository(runtime.database.dataSource));
  let stopWatching = () => undefined as void;
  let stopped = false;
  const started = performance.now();
  void (async () => {
    const { sweepId } = await demo.prepare(print);
    if (stopped) return;
    print(`dashboard at ${dashboardUrl}/ (sweep ${sweepId})`);
    stopWatching = demo.watch(sweepId, print, async (progress) => {
      print(`sweep finished: ${progress.evaluated} evaluated, ${progress.failed} failed, in ${Math.round((performance.now() - started) / 1000)} s since this start`);
      const written = await services.comparisons.writeAll(sweepId, path.join(runtime.config.dataDir, 'reports'));
      print(`report: ${written.markdown} (also .html and .json); \`npx morphospace report\` prints it; dashboard at ${dashboardUrl}/`);
    });
    if (stopped) stopWatching();
  })().catch((error: unknown) => {
    runtime.logger.error({ err: error }, 'the demo could not start');
    print(`the demo could not start: ${error instanceof Error ? error.message : String(error)}`);
  });
  return () => {
    stopped = true;
    stopWatching();
  };
}
