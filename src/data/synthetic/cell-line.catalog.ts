import { BASE_MORPHOLOGY, type Morphology } from './morphology.model';
import type { MoaKey } from './moa.catalog';

/**
 * The reference study's 21 cancer cell lines (NCI-60 subset). Baselines are
 * stylised from their growth habit (epithelial lines grow in colonies,
 * mesenchymal and melanoma lines are elongated and scattered), not measured.
 *
 * `sensitivity` scales every drug response of the line; `resistance` lowers
 * it further for chosen MoAs. Every line keeps an antifolate and microtubule
 * stabiliser sensitivity of at least 0.6, which is what lets the tests demand
 * a visible effect of Methotrexate and Paclitaxel in every line.
 */
export interface CellLineSpec {
  name: string;
  tissue: string;
  baseline: Morphology;
  sensitivity: number;
  resistance: Partial<Record<MoaKey, number>>;
}

type Row = [name: string, tissue: string, count: number, radius: number, elongation: number, clustering: number, sensitivity: number];

const ROWS: Row[] = [
  ['ACHN', 'renal', 38, 11.5, 0.4, 0.3, 1.0],
  ['HT29', 'colon', 52, 9.5, 0.2, 0.7, 0.9],
  ['M14', 'melanoma', 34, 12, 0.6, 0.15, 1.1],
  ['IGROV1', 'ovarian', 44, 10.5, 0.3, 0.4, 1.2],
  ['MDAMB231', 'breast', 32, 12.5, 0.9, 0.1, 0.8],
  ['SF539', 'CNS', 30, 13, 0.7, 0.15, 1.0],
  ['HS578T', 'breast', 28, 13.5, 0.8, 0.1, 0.85],
  ['SKMEL2', 'melanoma', 36, 12, 0.5, 0.2, 0.75],
  ['SW620', 'colon', 55, 9, 0.15, 0.5, 1.15],
  ['EKVX', 'lung', 36, 12, 0.35, 0.35, 0.7],
  ['OVCAR4', 'ovarian', 42, 11, 0.3, 0.45, 0.9],
  ['UACC257', 'melanoma', 34, 12, 0.55, 0.2, 0.8],
  ['BT549', 'breast', 30, 13, 0.75, 0.15, 1.0],
  ['LOXIMVI', 'melanoma', 40, 11, 0.5, 0.2, 1.3],
  ['MALME3M', 'melanoma', 30, 13, 0.6, 0.15, 0.9],
  ['A498', 'renal', 32, 12.5, 0.45, 0.25, 0.8],
  ['COLO205', 'colon', 50, 9.5, 0.1, 0.75, 1.1],
  ['HOP62', 'lung', 34, 12, 0.5, 0.25, 0.95],
  ['HCT15', 'colon', 48, 10, 0.2, 0.6, 0.75],
  ['OVCAR5', 'ovarian', 40, 11, 0.35, 0.4, 0.85],
  ['T47D', 'breast', 46, 10.5, 0.25, 0.6, 0.8],
];

/** Known resistances, kept mild so the signature never flips. */
const RESISTANCE: Record<string, Partial<Record<MoaKey, number>>> = {
  HCT15: { microtubuleStabiliser: 0.8, topoisomeraseI: 0.7 }, // MDR1-high
  EKVX: { antifolate: 0.9 },
  T47D: { mek: 0.5 },
  MDAMB231: { egfr: 0.5 },
};

export const CELL_LINES: readonly CellLineSpec[] = ROWS.map(([name, tissue, count, radius, elongation, clustering, sensitivity]) => ({
  name,
  tissue,
  baseline: { ...BASE_MORPHOLOGY, cellCount: count, cellRadius: radius, elongation, clustering },
  sensitivity,
  resistance: RESISTANCE[name] ?? {},
}));

const BY_NAME = new Map(CELL_LINES.map((line) => [line.name, line]));

export function cellLineByName(name: string): CellLineSpec {
  const line = BY_NAME.get(name);
  if (!line) throw new Error(`unknown cell line "${name}"`);
  return line;
}

export function sensitivityTo(line: CellLineSpec, moa: MoaKey): number {
  return line.sensitivity * (line.resistance[moa] ?? 1);
}
