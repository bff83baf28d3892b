import type { ComparisonRepository, RunStage } from '../db/repositories/comparison.repository';
import type { ScreenImportService } from '../data/screen-import.service';
import type { SweepService } from '../training/sweep.service';
import { TASK_NAMES } from '../evaluation/tasks/task.registry';
import { errorMessage } from '../util/error-text';

/** The demo `morphospace start` brings up on a fresh machine. */
export const DEMO_SCREEN = { preset: 'demo', seed: 1, name: 'demo' } as const;
export const DEMO_PROFILE = 'quick';

/** A run is done with the pipeline when it is evaluated, or cannot go further. */
const FINAL_STATUSES = new Set(['failed', 'cancelled']);

export interface DemoProgress {
  total: number;
  trained: number;
  training: number;
  embedded: number;
  evaluated: number;
  failed: number;
  /** the run being trained furthest along, 0..1 over the whole sweep */
  fraction: number;
  done: boolean;
}

/**
 * The one-command demo: the demo screen generated once, the quick 16-setup sweep queued once,
 * then progress until every run is evaluated. Everything is looked up before it is made, so a
 * restart continues the same sweep.
 */
export class DemoService {
  constructor(
    private readonly screens: ScreenImportService,
    private readonly sweeps: SweepService,
    private readonly comparison: ComparisonRepository,
  ) {}

  /** Generates the demo screen if absent and queues the quick sweep if the screen has none. */
  async prepare(print: (line: string) => void): Promise<{ screenId: string; sweepId: string; created: boolean }> {
    const started = performance.now();
    print(`preparing the demo screen "${DEMO_SCREEN.name}" (preset ${DEMO_SCREEN.preset}, seed ${DEMO_SCREEN.seed})`);
    const result = await this.screens.generateAndRegister({ ...DEMO_SCREEN });
    const screen = result.screen;
    print(result.unchanged ? `demo screen present: ${screen.imageCount} images` : `demo screen generated: ${screen.imageCount} images in ${seconds(started)}`);
    const existing = await this.comparison.latestSweep(screen.id);
    if (existing) {
      print(`continuing sweep ${existing}`);
      return { screenId: screen.id, sweepId: existing, created: false };
    }
    const { sweep, runs } = await this.sweeps.create({ screen: screen.id, profile: DEMO_PROFILE });
    const baselineRuns = runs.filter((run) => run.setup?.baseline).length;
    print(`queued the ${DEMO_PROFILE} sweep ${sweep.id}: ${runs.length - baselineRuns} setups and ${baselineRuns} baseline runs`);
    return { screenId: screen.id, sweepId: sweep.id, created: true };
  }

  async progress(sweepId: string): Promise<DemoProgress> {
    return summarise(await this.comparison.stagesOfSweep(sweepId));
  }

  /**
   * Prints a line whenever a run changes stage (and at least every `heartbeatMs`), then calls
   * `finished` once every run is evaluated or has failed. Returns a stop function.
   */
  watch(sweepId: string, print: (line: string) => void, finished: (progress: DemoProgress) => Promise<void>, options: { intervalMs?: number; heartbeatMs?: number } = {}): () => void {
    const intervalMs = options.intervalMs ?? 2000;
    const heartbeatMs = options.heartbeatMs ?? 30_000;
    const started = performance.now();
    let last = '';
    let lastPrinted = 0;
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const tick = async () => {
      const progress = await this.progress(sweepId);
      // the share of epochs moves every tick; only stage changes and the heartbeat print
      const stages = stageKey(progress);
      if (stages !== last || Date.now() - lastPrinted > heartbeatMs) {
        print(`${describe(progress)} (${seconds(started)})`);
        last = stages;
        lastPrinted = Date.now();
      }
      if (progress.done) {
        stopped = true;
        await finished(progress);
      }
    };
    const loop = () => {
      if (stopped) return;
      tick()
        .catch((error: unknown) => print(`progress check failed: ${errorMessage(error)}`))
        .finally(() => {
          if (!stopped) timer = setTimeout(loop, intervalMs);
        });
    };
    loop();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }
}

export function isEvaluated(stage: RunStage): boolean {
  return TASK_NAMES.every((task) => stage.evaluatedTasks.includes(task));
}

export function summarise(stages: readonly RunStage[]): DemoProgress {
  const trained = stages.filter((stage) => stage.status === 'succeeded').length;
  const failed = stages.filter((stage) => FINAL_STATUSES.has(stage.status)).length;
  const evaluated = stages.filter(isEvaluated).length;
  return {
    total: stages.length,
    trained,
    training: stages.filter((stage) => stage.status === 'running').length,
    embedded: stages.filter((stage) => stage.embedded).length,
    evaluated,
    failed,
    fraction: stages.length === 0 ? 0 : stages.reduce((sum, stage) => sum + (stage.status === 'succeeded' ? 1 : stage.fraction), 0) / stages.length,
    done: stages.length > 0 && evaluated + failed === stages.length,
  };
}

function stageKey(progress: DemoProgress): string {
  return [progress.trained, progress.training, progress.embedded, progress.evaluated, progress.failed].join('/');
}

function describe(progress: DemoProgress): string {
  const failed = progress.failed > 0 ? `, ${progress.failed} failed` : '';
  return `sweep: trained ${progress.trained}/${progress.total} (${progress.training} training, ${Math.round(progress.fraction * 100)}% of all epochs), embedded ${progress.embedded}/${progress.total}, evaluated ${progress.evaluated}/${progress.total}${failed}`;
}

function seconds(started: number): string {
  const total = Math.round((performance.now() - started) / 1000);
  return total >= 60 ? `${Math.floor(total / 60)}m${String(total % 60).padStart(2, '0')}s` : `${total}s`;
}
