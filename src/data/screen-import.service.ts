import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ScreenEntity } from '../db/entities/screen.entity';
import type { CompoundAnnotation, ScreenRepository } from '../db/repositories/screen.repository';
import { BadUserInputError } from '../errors/app-errors';
import { JobInterruptedError } from '../queue/job-interrupted.error';
import { sampleNormalisation } from './channels/channel-normalisation.sampler';
import { candidatesFromBbbc021 } from './import/bbbc021.layout';
import { checkCandidates, type ImportProgress } from './import/candidate.checker';
import type { ChannelRequest } from './import/channel-list';
import type { ImageInspector } from './import/image.inspector';
import { candidatesFromManifest, candidatesFromPattern, nonEmpty, type Candidates } from './import/import-candidates';
import { ImportRefusedError } from './import/import-refused.error';
import { ANYWHERE, type ImportPaths } from './import/import-roots';
import type { ImportProblem } from './import/import-row';
import { ContentDigest, ContentTally, digestOf, imageFields, plateSplit } from './import/screen-content';
import { cellLineByName } from './synthetic/cell-line.catalog';
import { compoundByName } from './synthetic/compound.catalog';
import type { GroundTruth } from './synthetic/ground-truth.builder';
import { generateScreen, GROUND_TRUTH_FILE, MANIFEST_FILE } from './synthetic/screen.generator';
import { isPresetName, PRESET_NAMES } from './synthetic/screen.presets';

export interface ImportScreenRequest extends ChannelRequest {
  name: string;
  /** a known dataset's own files instead of a manifest: 'bbbc021' (imageCsv, moaCsv, root) */
  layout?: string | null;
  imageCsv?: string | null;
  moaCsv?: string | null;
  /** manifest CSV; exactly one of manifest and pattern */
  manifest?: string | null;
  /** directory image paths are relative to; default: the manifest's directory */
  root?: string | null;
  /** file-name pattern applied to every image below root (see PATTERN_SYNTAX) */
  pattern?: string | null;
  /** import the valid rows and report the others instead of refusing the whole screen */
  skipInvalid?: boolean;
}

export interface GenerateScreenRequest {
  preset: string;
  seed: number;
  name: string;
}

export interface ImportResult {
  screen: ScreenEntity;
  /** images written by this call (0 when unchanged) */
  imported: number;
  /** rows left out with --skip-invalid */
  skipped: ImportProblem[];
  /** the screen was already there with this name and exactly this content: nothing written */
  unchanged: boolean;
  /** e.g. a compound already known with another MoA (the known annotation is kept) */
  warnings: string[];
}

/** The part of the job queue this service uses: queuing generation in the background. */
export interface ScreenJobSender {
  send(name: 'screen.generate', payload: GenerateScreenRequest): Promise<string | null>;
}

export interface ScreenImportOptions {
  /** the shared store: a generated screen's images must be readable by every worker */
  storeDir: string;
  queue?: ScreenJobSender;
  /** what an import may read unless it may read anywhere */
  importRoots: ImportPaths;
  /** images checked at once (each decode may use a core) */
  concurrency?: number;
}

/** Rows staged per INSERT, and read back per FETCH: a few MB, and few round trips. */
const STAGE_BATCH = 2000;

const GENERATED_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * Brings screens into the database: real ones from a manifest or file names, synthetic ones
 * generated into the shared store. Rows are checked as the manifest is read and staged in the
 * import's one transaction, which commits only if every row passed (or --skip-invalid); a
 * repeat of the same import changes nothing.
 */
export class ScreenImportService {
  private readonly concurrency: number;

  constructor(
    private readonly screens: ScreenRepository,
    private readonly inspector: ImageInspector,
    private readonly options: ScreenImportOptions,
  ) {
    this.concurrency = options.concurrency ?? 2;
  }

  async importScreen(request: ImportScreenRequest, progress: ImportProgress = {}): Promise<ImportResult> {
    const name = checkImportName(request.name);
    const paths = progress.reach === 'anywhere' ? ANYWHERE : this.options.importRoots;
    if (nonEmpty(request.layout) !== undefined) return this.register(name, await layoutCandidates(request, paths), request.skipInvalid ?? false, progress);
    const hasManifest = nonEmpty(request.manifest) !== undefined;
    const hasPattern = nonEmpty(request.pattern) !== undefined;
    if (hasManifest === hasPattern) throw new BadUserInputError('give either a manifest or a file-name pattern, not both or neither', hasManifest ? 'pattern' : 'manifest');
    const candidates = hasManifest ? await candidatesFromManifest(request.manifest!, request.root, paths, request) : await candidatesFromPattern(request.pattern!, request.root, paths, request);
    return this.register(name, candidates, request.skipInvalid ?? false, progress);
  }

  /**
   * Generates a synthetic screen into <storeDir>/screens/<name> and registers it with the ground
   * truth's MoA annotations. Safe to repeat: a screen of that name from the same preset and seed
   * is left as it is (its files are a function of both).
   */
  async generateAndRegister(request: GenerateScreenRequest, progress: ImportProgress & { jobName?: string } = {}): Promise<ImportResult> {
    const { preset, seed, name } = checkGenerateRequest(request);
    const existing = await this.screens.findByName(name);
    if (existing) {
      if (sameGeneration(existing, preset, seed)) return { screen: existing, imported: 0, skipped: [], unchanged: true, warnings: [] };
      throw new BadUserInputError(`a screen named "${name}" already exists with other content (${describeOrigin(existing)}); choose another name`, 'name');
    }
    const outDir = path.join(this.options.storeDir, 'screens', name);
    // leftovers of an interrupted attempt must not mix with this one's files
    await rm(outDir, { recursive: true, force: true });
    const summary = await generateScreen({ preset, seed, outDir });
    if (progress.signal?.aborted) throw new JobInterruptedError(progress.jobName ?? 'screen.generate');
    const truth = JSON.parse(await readFile(summary.groundTruthPath, 'utf8')) as GroundTruth;

    const compoundAnnotations = new Map<string, Partial<CompoundAnnotation>>();
    for (const moa of truth.moas) {
      for (const compound of moa.compounds) {
        const spec = compoundByName(compound);
        compoundAnnotations.set(compound, { moa: moa.name, target: spec.target, isControl: spec.control });
      }
    }
    const cellLineTissues = new Map(Object.entries(truth.cellLines).map(([line, info]) => [line, info.tissue ?? cellLineByName(line).tissue]));
    const candidates = await candidatesFromManifest(summary.manifestPath, outDir, ANYWHERE);
    return this.register(
      name,
      {
        ...candidates,
        source: 'synthetic',
        origin: { kind: 'synthetic', preset, seed, format: truth.format, manifest: MANIFEST_FILE, groundTruth: GROUND_TRUTH_FILE, images: summary.images },
        compoundAnnotations,
        cellLineTissues,
        splitSeed: seed,
      },
      false,
      progress,
    );
  }

  /** Checks the request now and queues the generation job; returns the job id. */
  async requestGeneration(request: GenerateScreenRequest): Promise<string> {
    const checked = checkGenerateRequest(request);
    const existing = await this.screens.findByName(checked.name);
    if (existing && !sameGeneration(existing, checked.preset, checked.seed)) {
      throw new BadUserInputError(`a screen named "${checked.name}" already exists with other content (${describeOrigin(existing)}); choose another name`, 'name');
    }
    if (!this.options.queue) throw new Error('this process has no job queue to send screen.generate to');
    const id = await this.options.queue.send('screen.generate', checked);
    if (id === null) throw new Error('the job queue did not accept the screen.generate job');
    return id;
  }



  /**
   * Checks and stages the rows as they are read, all in one transaction: a refusal, an error or a
   * killed process leaves nothing. What is held grows with the plates, cell lines and compounds,
   * the paths seen and the problems, not with the images (see README, "Scale").
   */
  private register(name: string, candidates: Candidates, skipInvalid: boolean, progress: ImportProgress): Promise<ImportResult> {
    return this.screens.importInTransaction(name, async (session) => {
      const tally = new ContentTally();
      const { problems } = await checkCandidates(candidates, this.inspector, { concurrency: this.concurrency, batchSize: STAGE_BATCH }, progress, async (checked) => {
        for (const { row } of checked) tally.add(row);
        await session.stage(checked.map(({ row, contentHash }) => ({ ...imageFields(row), contentHash, channelPaths: row.channelPaths })));
      });
      if (problems.length > 0 && !skipInvalid) throw new ImportRefusedError(name, problems, candidates.paths.maxListedProblems);
      if (tally.images === 0) throw new BadUserInputError(`nothing to import for screen "${name}": no valid rows`);

      const digest = new ContentDigest(candidates.channels);
      await session.inPathOrder(STAGE_BATCH, (images) => images.forEach((image) => digest.add(image)));
      const contentDigest = digest.hex();
      if (session.existing) {
        const existing = session.existing;
        const stored = typeof existing.origin.contentDigest === 'string' ? existing.origin.contentDigest : digestOf(await this.screens.imagesOf(existing.id));
        if (stored === contentDigest) return { screen: existing, imported: 0, skipped: problems, unchanged: true, warnings: [] };
        throw new BadUserInputError(`a screen named "${name}" already exists with different content (${existing.imageCount} images, ${describeOrigin(existing)}); import under another name`, 'name');
      }

      const plates = tally.plateNames();
      // a manifest's row count is known once it has been read to its end
      const rowCount = candidates.origin.kind === 'manifest' ? { rows: candidates.raw.read } : {};
      const created = await session.create(
        {
          name,
          source: candidates.source,
          root: candidates.root,
          origin: { ...candidates.origin, ...rowCount, skipped: problems.length, contentDigest },
          split: plateSplit(plates, candidates.splitSeed),
          cellLines: tally.cellLineNames().map((line) => ({ name: line, tissue: candidates.cellLineTissues?.get(line) ?? null })),
          compounds: tally.annotations(candidates.compoundAnnotations),
          channels: candidates.channels,
          // before the write, so a screen is never stored without its ranges
          channelNormalisation:
            candidates.channels.length > 1
              ? await sampleNormalisation(candidates.root, plates, (plate) => session.imagesOfPlate(plate), candidates.channels.length, { seed: candidates.splitSeed, concurrency: this.concurrency })
              : null,
        },
        tally.images,
      );
      const warnings = created.annotationConflicts.map(
        ({ existing, given }) =>
          `compound "${existing.name}" is already known as ${describeAnnotation(existing)}; this import says ${describeAnnotation(given)}: the known annotation is kept`,
      );
      return { screen: created.screen, imported: tally.images, skipped: problems, unchanged: false, warnings };
    });
  }
}

/** Candidates from a dataset's own layout; the layout fixes the channels, so none may be given. */
async function layoutCandidates(request: ImportScreenRequest, paths: ImportPaths): Promise<Candidates> {
  const layout = nonEmpty(request.layout);
  if (layout !== 'bbbc021') throw new BadUserInputError(`layout must be bbbc021, got "${layout}"`, 'layout');
  if (nonEmpty(request.manifest) !== undefined || nonEmpty(request.pattern) !== undefined) throw new BadUserInputError('a layout reads its own files: give no manifest or pattern', 'layout');
  if ((request.channels ?? []).length > 0 || Object.keys(request.channelRoles ?? {}).length > 0) throw new BadUserInputError('the bbbc021 layout has its channels (DAPI, Tubulin, Actin): give none', 'channels');
  const imageCsv = nonEmpty(request.imageCsv);
  const moaCsv = nonEmpty(request.moaCsv);
  if (imageCsv === undefined || moaCsv === undefined) throw new BadUserInputError('the bbbc021 layout needs the image CSV and the MoA CSV', imageCsv === undefined ? 'imageCsv' : 'moaCsv');
  return candidatesFromBbbc021({ imageCsv, moaCsv, root: request.root }, paths);
}

function checkImportName(name: string): string {
  const trimmed = (name ?? '').trim();
  if (trimmed === '') throw new BadUserInputError('the screen needs a name', 'name');
  if (trimmed.length > 200 || /[\u0000-\u001f]/.test(trimmed)) throw new BadUserInputError('a screen name is at most 200 printable characters', 'name');
  return trimmed;
}

function checkGenerateRequest(request: GenerateScreenRequest): { preset: (typeof PRESET_NAMES)[number]; seed: number; name: string } {
  if (!isPresetName(request.preset)) throw new BadUserInputError(`preset must be one of ${PRESET_NAMES.join(', ')}, got "${request.preset}"`, 'preset');
  if (!Number.isInteger(request.seed) || request.seed < 0 || request.seed > 2 ** 32 - 1) {
    throw new BadUserInputError(`seed must be an integer from 0 to ${2 ** 32 - 1}, got ${request.seed}`, 'seed');
  }
  // the name becomes a directory below the data directory
  if (!GENERATED_NAME.test(request.name ?? '')) {
    throw new BadUserInputError('a generated screen\'s name is 1-100 letters, digits, ".", "_" or "-", starting with a letter or digit', 'name');
  }
  return { preset: request.preset, seed: request.seed, name: request.name };
}

function sameGeneration(screen: ScreenEntity, preset: string, seed: number): boolean {
  return screen.source === 'synthetic' && screen.origin.preset === preset && screen.origin.seed === seed;
}

function describeOrigin(screen: ScreenEntity): string {
  const origin = screen.origin;
  if (screen.source === 'synthetic') return `generated from preset ${String(origin.preset)}, seed ${String(origin.seed)}`;
  if (origin.kind === 'pattern') return `imported by pattern ${String(origin.pattern)}`;
  return `imported from ${String(origin.manifest ?? 'a manifest')}`;
}

function describeAnnotation(annotation: CompoundAnnotation): string {
  return `${annotation.isControl ? 'a control' : 'a treatment'}${annotation.moa ? ` with moa "${annotation.moa}"` : ''}`;
}
