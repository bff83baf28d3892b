import { compoundByName, doseLadder, moaName } from './compound.catalog';
import { cellLineByName } from './cell-line.catalog';
import type { ScreenPreset } from './screen.presets';

export const PLATE_ROWS = 16;
export const PLATE_COLUMNS = 24;
const WELLS_PER_PLATE = PLATE_ROWS * PLATE_COLUMNS;

/** One image of the screen, with the metadata that goes into manifest.csv. */
export interface ImageSpec {
  index: number;
  /** relative to the screen directory, always with forward slashes */
  path: string;
  cellLine: string;
  compound: string;
  /** uM; 0 for controls */
  concentration: number;
  moa: string;
  control: boolean;
  plate: string;
  replicate: number;
  well: string;
  site: number;
}

/**
 * 384-well plates. Each replicate repeats the whole design on its own plates
 * (so splitting by plate keeps every treatment on both sides); cell lines are
 * packed whole onto plates, as many as fit.
 */
export function plateLayout(preset: ScreenPreset): { plates: string[]; wellsPerCellLine: number; cellLinesPerPlate: number } {
  const wellsPerCellLine = preset.compounds.length * preset.concentrations + preset.controls.length * preset.controlWells;
  if (wellsPerCellLine > WELLS_PER_PLATE) {
    throw new Error(`one cell line needs ${wellsPerCellLine} wells, more than a 384-well plate holds`);
  }
  const cellLinesPerPlate = Math.floor(WELLS_PER_PLATE / wellsPerCellLine);
  const platesPerReplicate = Math.ceil(preset.cellLines.length / cellLinesPerPlate);
  const plates: string[] = [];
  for (let r = 1; r <= preset.replicates; r += 1) {
    for (let p = 1; p <= platesPerReplicate; p += 1) plates.push(plateId(r, p));
  }
  return { plates, wellsPerCellLine, cellLinesPerPlate };
}

export function imageCount(preset: ScreenPreset): number {
  const { wellsPerCellLine } = plateLayout(preset);
  return wellsPerCellLine * preset.cellLines.length * preset.replicates * preset.sitesPerWell;
}

/** Streams the images in file order; never materialises a large screen. */
export function* imageSpecs(preset: ScreenPreset): Generator<ImageSpec> {
  const { cellLinesPerPlate } = plateLayout(preset);
  const treatments = preset.cellLines.map((line) => {
    cellLineByName(line);
    const wells: Array<{ compound: string; concentration: number; moa: string; control: boolean }> = [];
    for (const name of preset.compounds) {
      const compound = compoundByName(name);
      for (const concentration of doseLadder(compound, preset.concentrations)) {
        wells.push({ compound: name, concentration, moa: moaName(compound), control: compound.control });
      }
    }
    for (const name of preset.controls) {
      const compound = compoundByName(name);
      for (let k = 0; k < preset.controlWells; k += 1) wells.push({ compound: name, concentration: 0, moa: moaName(compound), control: true });
    }
    return { line, wells };
  });

  let index = 0;
  for (let replicate = 1; replicate <= preset.replicates; replicate += 1) {
    for (let start = 0; start < treatments.length; start += cellLinesPerPlate) {
      const plate = plateId(replicate, start / cellLinesPerPlate + 1);
      let wellIndex = 0;
      for (const { line, wells } of treatments.slice(start, start + cellLinesPerPlate)) {
        for (const well of wells) {
          const wellName = wellId(wellIndex);
          wellIndex += 1;
          for (let site = 1; site <= preset.sitesPerWell; site += 1) {
            yield {
              index,
              path: `images/${plate}/${wellName}_s${site}.png`,
              cellLine: line,
              ...well,
              plate,
              replicate,
              well: wellName,
              site,
            };
            index += 1;
          }
        }
      }
    }
  }
}

function plateId(replicate: number, plate: number): string {
  return `R${replicate}P${plate}`;
}

function wellId(index: number): string {
  const row = String.fromCharCode(65 + Math.floor(index / PLATE_COLUMNS));
  const column = (index % PLATE_COLUMNS) + 1;
  return `${row}${String(column).padStart(2, '0')}`;
}
