import path from 'node:path';
import type { Runtime } from '../runtime';
import { errorMessage } from '../util/error-text';

/**
 * The demo of `morphospace start`: demo screen and quick sweep made if absent, progress lines
 * on stderr, the comparison report written to the data dir when every run is evaluated.
 * Runs in the background; the returned function stops it.
 */
export function startDemo(runtime: Runtime, dashboardUrl: string): () => void {
  const print = (line: string) => process.stderr.write(`morphospace: ${line}\n`);
  const { services } = runtime;
  const { demo } = services;
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
    print(`the demo could not start: ${errorMessage(error)}`);
  });
  return () => {
    stopped = true;
    stopWatching();
  };
}
