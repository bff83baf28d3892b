import { SingleBar } from 'cli-progress';

/**
 * A progress reporter for long commands. It draws on stderr only (stdout
 * carries JSON), and only once a run proves slow or a person is watching,
 * so short runs and pipelines stay quiet.
 */
export function progressReporter(label: string, delayMs = 2000): { update(done: number, total: number): void; stop(): void } {
  const started = Date.now();
  let bar: SingleBar | undefined;
  return {
    update(done, total) {
      if (!bar) {
        if (!process.stderr.isTTY && Date.now() - started < delayMs) return;
        bar = new SingleBar({
          stream: process.stderr,
          format: `${label} [{bar}] {percentage}% {value}/{total} eta {eta}s`,
          noTTYOutput: true,
          notTTYSchedule: 5000,
          hideCursor: true,
        });
        bar.start(total, done);
      }
      // a streamed import's total is an estimate until its manifest has been read to the end
      if (bar.getTotal() !== total) bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      bar?.stop();
    },
  };
}
