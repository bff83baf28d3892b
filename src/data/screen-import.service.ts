import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ScreenEntity, ScreenSource } from '../db/entities/screen.entity';
import type { CompoundAnnotation, NewImage, ScreenRepository } from '../db/repositories/screen.repository';
import { BadUserInputError } from '../errors/app-errors';
import { JobInterruptedError } from '../queue/job-interrupted.error';
import { mapConcurrently } from '../util/map-concurrently';
import { compilePattern, PatternError, rowsFromFileNames } from './import/file-name.pattern';
import type { ImageInspector } from './import/image.inspector';
import { checkRow, type ImportProblem, type ImportRow, type RawImportRow } from './import/import-row';
import { ImportRefusedError } from './import/import-refused.error';
import { ANYWHERE, type ImportPaths } from './import/import-roots';
import { ManifestFormatError, readManifest } from './import/manifest.reader';
import { splitByPlate, SplitError } from './split.service';
import { cellLineByName } from './synthetic/cell-line.catalog';
import { compoundByName } from './synthetic/compound.catalog';
import type { GroundTruth } from './synthetic/ground-truth.builder';
import { generateScreen, GROUND_TRUTH_FILE, MANIFEST_FILE } from './synthetic/screen.generator';
import { isPresetName, PRESET_NAMES } from './synthetic/screen.presets';

export interface ImportScreenRequest {
  name: string;
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

export interface ImportProgress {
  onProgress?: (checked: number, total: number) => void;
  signal?: AbortSignal;
  /** the CLI's user may read anywhere; everyone else only below the import roots */
  reach?: 'import-roots' | 'anywhere';
}

export { ImportRefusedError };

/** The part of the job queue this service uses: queuing generation in the background. */
export interface ScreenJobSender {
  send(name: 'screen.generate', payload: GenerateScreenRequest): Promise<string | null>;
}

export interface ScreenImportOptions {
  dataDir: string;
  queue?: ScreenJobSender;
  /** what an import may read unless it may read anywhere */
  importRoots: ImportPaths;
  /** images checked at once (each decode may use a core) */
  concurrency?: number;
}

/** Images smaller than a crop cannot be trained on. */
export const MIN_IMAGE_SIDE = 64;
const VALIDATION_FRACTION = 0.2;
const GENERATED_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

interface Candidates {
  root: string;
  source: ScreenSource;
  origin: Record<string, unknown>;
  raw: RawImportRow[];
  paths: ImportPaths;
  /** problems found before the rows were read, e.g. files a pattern does not match */
  problems: ImportProblem[];
  /** overrides for generated screens: annotations from the ground truth and catalogs */
  compoundAnnotations?: Map<string, Partial<CompoundAnnotation>>;
  cellLineTissues?: Map<string, string>;
  splitSeed: number;
}

/**
 * Brings screens into the database: real ones from a manifest or file names, synthetic ones
 * generated into the data directory. Every row and image is checked before anything is
 * written; the write is one transaction; a repeat of the same import changes nothing.
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
    const hasManifest = nonEmpty(request.manifest) !== undefined;
    const hasPattern = nonEmpty(request.pattern) !== undefined;
    if (hasManifest === hasPattern) throw new BadUserInputError('give either a manifest or a file-name pattern, not both or neither', hasManifest ? 'pattern' : 'manifest');
    const paths = progress.reach === 'anywhere' ? ANYWHERE : this.options.importRoots;
    const candidates = hasManifest ? await this.fromManifest(request.manifest!, request.root, paths) : await this.fromPattern(request.pattern!, request.root, paths);
    return this.register(name, candidates, request.skipInvalid ?? false, progress);
  }

  /**
   * Generates a synthetic screen into <dataDir>/screens/<name> and registers it with the ground
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
    const outDir = path.join(this.options.dataDir, 'screens', name);
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
    const candidates = await this.fromManifest(summary.manifestPath, outDir, ANYWHERE);
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

  private async fromManifest(manifest: string, root: string | null | undefined, paths: ImportPaths): Promise<Candidates> {
    const manifestPath = await paths.manifest(manifest);
    const rootDir = await paths.directory(nonEmpty(root) ?? path.dirname(manifestPath));
    let text: string;
    try {
      text = await readFile(manifestPath, 'utf8');
    } catch (error) {
      throw new BadUserInputError(`cannot read manifest ${manifestPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'manifest');
    }
    try {
      const { columns, rows } = readManifest(text);
      return { root: rootDir, source: 'import', origin: { kind: 'manifest', manifest: manifestPath, columns, rows: rows.length }, raw: rows, paths, problems: [], splitSeed: 0 };
    } catch (error) {
      if (error instanceof ManifestFormatError) throw new BadUserInputError(`manifest ${manifestPath}: ${error.message}`, 'manifest');
      throw error;
    }
  }

  private async fromPattern(pattern: string, root: string | null | undefined, paths: ImportPaths): Promise<Candidates> {
    const rootText = nonEmpty(root);
    if (rootText === undefined) throw new BadUserInputError('a file-name pattern needs the root directory of the images', 'root');
    const rootDir = await paths.directory(rootText);
    let compiled;
    try {
      compiled = compilePattern(pattern);
    } catch (error) {
      if (error instanceof PatternError) throw new BadUserInputError(error.message, 'pattern');
      throw error;
    }
    const files = await paths.listImages(rootDir);
    if (files.length === 0) throw new BadUserInputError(`no image files (.png, .tif, .tiff, .jpg, .jpeg) below ${rootDir}`, 'root');
    const { rows, unmatched } = rowsFromFileNames(files, compiled);
    const problems = unmatched.map(({ line, path: file }) => ({ line, path: file, reason: `file name does not match the pattern ${pattern}` }));
    return { root: rootDir, source: 'import', origin: { kind: 'pattern', pattern, files: files.length }, raw: rows, paths, problems, splitSeed: 0 };
  }

  private async register(name: string, candidates: Candidates, skipInvalid: boolean, progress: ImportProgress): Promise<ImportResult> {
    const { rows, problems } = await this.check(candidates, progress);
    if (problems.length > 0 && !skipInvalid) throw new ImportRefusedError(name, problems, candidates.paths.maxListedProblems);
    if (rows.length === 0) throw new BadUserInputError(`nothing to import for screen "${name}": no valid rows`);

    const images: NewImage[] = rows
      .map(({ row, contentHash }) => ({ ...pick(row), contentHash }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const contentDigest = digestOf(images);
    const compounds = compoundAnnotations(rows.map(({ row }) => row), candidates.compoundAnnotations);
    const cellLines = [...new Set(images.map((image) => image.cellLine))].sort().map((line) => ({ name: line, tissue: candidates.cellLineTissues?.get(line) ?? null }));

    const saved = await this.screens.save({
      name,
      source: candidates.source,
      root: candidates.root,
      origin: { ...candidates.origin, skipped: problems.length, contentDigest },
      split: plateSplit(images, candidates.splitSeed),
      cellLines,
      compounds,
      images,
    });
    if (!saved.created) {
      const stored = typeof saved.existing.origin.contentDigest === 'string' ? saved.existing.origin.contentDigest : digestOf(await this.screens.imagesOf(saved.existing.id));
      if (stored === contentDigest) return { screen: saved.existing, imported: 0, skipped: problems, unchanged: true, warnings: [] };
      throw new BadUserInputError(
        `a screen named "${name}" already exists with different content (${saved.existing.imageCount} images, ${describeOrigin(saved.existing)}); import under another name`,
        'name',
      );
    }
    const warnings = saved.annotationConflicts.map(
      ({ existing, given }) =>
        `compound "${existing.name}" is already known as ${describeAnnotation(existing)}; this import says ${describeAnnotation(given)}: the known annotation is kept`,
    );
    return { screen: saved.screen, imported: images.length, skipped: problems, unchanged: false, warnings };
  }

  /** Every row's fields and every image, all problems collected, lines in order. */
  private async check(candidates: Candidates, progress: ImportProgress): Promise<{ rows: Array<{ row: ImportRow; contentHash: string }>; problems: ImportProblem[] }> {
    const problems: ImportProblem[] = [...candidates.problems];
    const checked: Array<{ line: number; path: string | null; row: ImportRow | null }> = [];
    const firstLineOfPath = new Map<string, number>();
    const compoundFirstSeen = new Map<string, { moa: string | null; moaLine: number; control: boolean; line: number }>();

    for (const raw of candidates.raw) {
      const result = checkRow(raw, candidates.root);
      for (const reason of result.problems) problems.push({ line: raw.line, path: result.path, reason });
      let inspectable = result.path;
      if (result.path !== null) {
        const first = firstLineOfPath.get(result.path);
        if (first !== undefined) {
          problems.push({ line: raw.line, path: result.path, reason: `the same image is already listed on line ${first}` });
          inspectable = null;
        } else firstLineOfPath.set(result.path, raw.line);
      }
      if (result.row) {
        const row = result.row;
        const seen = compoundFirstSeen.get(row.compound);
        if (!seen) compoundFirstSeen.set(row.compound, { moa: row.moa, moaLine: row.line, control: row.control, line: row.line });
        else {
          if (row.moa !== null && seen.moa !== null && row.moa !== seen.moa) {
            problems.push({ line: row.line, path: row.path, reason: `compound "${row.compound}" has moa "${row.moa}" here but "${seen.moa}" on line ${seen.moaLine}` });
          } else if (seen.moa === null && row.moa !== null) Object.assign(seen, { moa: row.moa, moaLine: row.line });
          if (row.control !== seen.control) {
            problems.push({ line: row.line, path: row.path, reason: `compound "${row.compound}" is ${row.control ? '' : 'not '}a control here but ${seen.control ? '' : 'not '}one on line ${seen.line}` });
          }
        }
      }
      checked.push({ line: raw.line, path: inspectable, row: result.row });
    }

    const toInspect = checked.filter((entry) => entry.path !== null);
    const inspector = candidates.paths.inspector(this.inspector);
    let done = 0;
    const inspections = await mapConcurrently(toInspect, this.concurrency, async (entry) => {
      if (progress.signal?.aborted) throw new JobInterruptedError('screen.generate');
      const inspection = await inspector.inspect(path.join(candidates.root, entry.path!));
      done += 1;
      progress.onProgress?.(done, toInspect.length);
      return inspection;
    });
    const hashes = new Map<number, string>();
    toInspect.forEach((entry, i) => {
      const inspection = inspections[i];
      if (!inspection.ok) problems.push({ line: entry.line, path: entry.path, reason: inspection.reason });
      else if (inspection.width < MIN_IMAGE_SIDE || inspection.height < MIN_IMAGE_SIDE) {
        problems.push({ line: entry.line, path: entry.path, reason: `image is ${inspection.width}x${inspection.height} px, smaller than ${MIN_IMAGE_SIDE}x${MIN_IMAGE_SIDE}` });
      } else hashes.set(entry.line, inspection.contentHash);
    });

    const badLines = new Set(problems.map((problem) => problem.line));
    const rows = checked
      .filter((entry) => entry.row !== null && !badLines.has(entry.line) && hashes.has(entry.line))
      .map((entry) => ({ row: entry.row!, contentHash: hashes.get(entry.line)! }));
    problems.sort((a, b) => a.line - b.line);
    return { rows, problems };
  }
}

function pick(row: ImportRow): Omit<NewImage, 'contentHash'> {
  return { path: row.path, cellLine: row.cellLine, compound: row.compound, concentration: row.concentration, plate: row.plate, well: row.well, site: row.site };
}

/** The screen's identity: every image's file hash and metadata, in path order. */
function digestOf(images: readonly NewImage[]): string {
  const hash = createHash('sha256');
  const sorted = [...images].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const image of sorted) {
    hash.update(`${[image.path, image.cellLine, image.compound, String(image.concentration), image.plate, image.well, String(image.site), image.contentHash].join('\t')}\n`);
  }
  return hash.digest('hex');
}

function compoundAnnotations(rows: readonly ImportRow[], overrides: Map<string, Partial<CompoundAnnotation>> | undefined): CompoundAnnotation[] {
  const byName = new Map<string, CompoundAnnotation>();
  for (const row of rows) {
    const known = byName.get(row.compound);
    if (!known) byName.set(row.compound, { name: row.compound, moa: row.moa, target: null, isControl: row.control });
    else if (known.moa === null && row.moa !== null) known.moa = row.moa;
  }
  for (const [name, annotation] of byName) {
    const override = overrides?.get(name);
    if (override) byName.set(name, { ...annotation, ...override, name });
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Whole plates held out for validation, recorded once so that every run sees the same split. */
function plateSplit(images: readonly NewImage[], seed: number): Record<string, unknown> | null {
  const plates = [...new Set(images.map((image) => image.plate))];
  if (plates.length < 2) return null;
  try {
    const { method, validationFraction, trainPlates, validationPlates } = splitByPlate(
      plates.map((plate) => ({ id: plate, plate })),
      { seed, validationFraction: VALIDATION_FRACTION },
    );
    return { method, seed, validationFraction, trainPlates, validationPlates };
  } catch (error) {
    if (error instanceof SplitError) return null;
    throw error;
  }
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

function nonEmpty(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value.trim() === '' ? undefined : value.trim();
}
