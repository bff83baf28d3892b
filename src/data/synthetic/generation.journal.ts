import { closeSync, existsSync, openSync, readFileSync, readSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { manifestHeader } from '../manifest.codec';
import type { ScreenPreset } from './screen.presets';

/** What a screen directory is being generated as: a second call resumes only the same screen. */
interface GenerationRecord {
  preset: ScreenPreset;
  seed: number;
}

export const GENERATION_FILE = 'generation.json';
const READ_CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;

/** The directory holds a screen of another preset, size or seed: resuming would mix two screens. */
export class GenerationMismatchError extends Error {}

/**
 * Where a generation of this screen into `outDir` stands: 0 for a new one, else the images a
 * killed call finished. The manifest gets an image's line only after the image's file is
 * written (a whole batch at a time), so its complete lines are the images that are done; a
 * torn last line is cut off, and the image files after it are written again.
 */
export function resumePoint(outDir: string, manifestPath: string, preset: ScreenPreset, seed: number, channels: readonly string[] = []): number {
  const recordPath = join(outDir, GENERATION_FILE);
  const wanted: GenerationRecord = { preset, seed };
  if (existsSync(recordPath) && existsSync(manifestPath)) {
    const found = JSON.parse(readFileSync(recordPath, 'utf8')) as GenerationRecord;
    if (JSON.stringify(found) !== JSON.stringify(wanted)) {
      throw new GenerationMismatchError(
        `${outDir} holds a screen generated with other settings (preset ${found.preset.name}, seed ${found.seed}, ${JSON.stringify(found.preset)}); ` +
          'give the same settings to resume it, or another --out',
      );
    }
    const { lines, completeBytes } = completeLines(manifestPath);
    if (completeBytes >= manifestHeader(channels).length) {
      truncateSync(manifestPath, completeBytes);
      return lines - 1;
    }
  }
  writeFileSync(recordPath, `${JSON.stringify(wanted)}\n`);
  writeFileSync(manifestPath, manifestHeader(channels));
  return 0;
}

/** Newline-terminated lines of a file and the bytes they span, read in chunks (a 770k-image manifest is ~80 MB). */
function completeLines(file: string): { lines: number; completeBytes: number } {
  const descriptor = openSync(file, 'r');
  const buffer = Buffer.alloc(READ_CHUNK_BYTES);
  let lines = 0;
  let completeBytes = 0;
  let offset = 0;
  try {
    for (;;) {
      const read = readSync(descriptor, buffer, 0, buffer.length, offset);
      if (read === 0) break;
      for (let index = 0; index < read; index += 1) {
        if (buffer[index] === NEWLINE) {
          lines += 1;
          completeBytes = offset + index + 1;
        }
      }
      offset += read;
    }
  } finally {
    closeSync(descriptor);
  }
  return { lines, completeBytes };
}
