import { MOAS, type MoaKey } from './moa.catalog';

/**
 * The reference study's compounds (Dmitrenko et al., MIDL 2022) with their
 * real mechanism and target. Potency is stylised: each compound's dose ladder
 * tops out at `topDose` uM and its EC50 sits a decade lower, so two top doses
 * of an active compound always show its signature.
 */
export interface CompoundSpec {
  name: string;
  moa: MoaKey;
  target: string;
  control: boolean;
  /** highest concentration of the dose ladder, uM */
  topDose: number;
  /** Hill slope of the dose-response */
  hill: number;
}

function drug(name: string, moa: MoaKey, target: string, topDose: number, hill = 1.5): CompoundSpec {
  return { name, moa, target, control: false, topDose, hill };
}

export const CONTROLS: readonly CompoundSpec[] = [
  { name: 'DMSO', moa: 'control', target: 'vehicle', control: true, topDose: 0, hill: 1 },
  { name: 'PBS', moa: 'control', target: 'buffer', control: true, topDose: 0, hill: 1 },
];

export const DRUGS: readonly CompoundSpec[] = [
  drug('Chlormethine', 'dnaCrosslinker', 'DNA (N7-guanine alkylation)', 30),
  drug('Clofarabine', 'nucleosideAnalogue', 'RNR / DNA polymerase', 3),
  drug('Panzem-2-ME2', 'microtubuleDestabiliser', 'tubulin (colchicine site), HIF-1a', 10),
  drug('Pemetrexed', 'antifolate', 'TS / DHFR / GARFT', 10),
  drug('Asparaginase', 'asparagineDepletion', 'L-asparagine', 10),
  drug('Irinotecan', 'topoisomeraseI', 'TOP1', 30),
  drug('Gemcitabine', 'nucleosideAnalogue', 'RNR / DNA polymerase', 1),
  drug('17-AAG', 'hsp90', 'HSP90', 3),
  drug('Docetaxel', 'microtubuleStabiliser', 'beta-tubulin', 0.1),
  drug('Erlotinib', 'egfr', 'EGFR', 10),
  drug('UK5099', 'mpc', 'MPC1/2', 30),
  drug('Fluorouracil', 'nucleosideAnalogue', 'thymidylate synthase', 100),
  drug('Everolimus', 'mtor', 'mTORC1 (FKBP12)', 1),
  drug('MEDICA 16', 'lipogenesis', 'ACLY', 30),
  drug('BPTES', 'glutaminase', 'GLS1', 10),
  drug('Oligomycin A', 'atpSynthase', 'ATP synthase (F0)', 1),
  drug('Trametinib', 'mek', 'MEK1/2', 0.3),
  drug('Oxaliplatin', 'dnaCrosslinker', 'DNA (platinum adducts)', 30),
  drug('Rapamycin', 'mtor', 'mTORC1 (FKBP12)', 0.3),
  drug('Etomoxir', 'cpt1', 'CPT1A', 100),
  drug('Lenvatinib', 'vegfr', 'VEGFR1-3 / FGFR / PDGFR / KIT / RET', 10),
  drug('Oxfenicine', 'cpt1', 'CPT1B', 300),
  drug('Mercaptopurine', 'nucleosideAnalogue', 'purine synthesis (HGPRT-activated)', 30),
  drug('Metformin', 'complexI', 'mitochondrial complex I', 1000),
  drug('Omacetaxine', 'proteinSynthesis', 'ribosome A-site', 0.3),
  drug('Cladribine', 'nucleosideAnalogue', 'RNR / DNA polymerase', 3),
  drug('Paclitaxel', 'microtubuleStabiliser', 'beta-tubulin', 0.1),
  drug('Methotrexate', 'antifolate', 'DHFR', 1),
  drug('Topotecan', 'topoisomeraseI', 'TOP1', 1),
  drug('YC-1', 'hif', 'HIF-1a / soluble guanylyl cyclase', 30),
  drug('Decitabine', 'dnmt', 'DNMT1', 10),
];

/**
 * Drugs only multi-channel screens add (channel.catalog.ts), so every channel has a mechanism
 * acting on it: outside the reference design, which the grey presets keep.
 */
export const CHANNEL_DRUGS: readonly CompoundSpec[] = [
  drug('Nocodazole', 'microtubuleDestabiliser', 'beta-tubulin (colchicine site)', 1),
  drug('Colchicine', 'microtubuleDestabiliser', 'tubulin (colchicine site)', 0.3),
  drug('Cytochalasin B', 'actinDisruptor', 'actin filament barbed ends', 10),
  drug('Cytochalasin D', 'actinDisruptor', 'actin filament barbed ends', 1),
];

export const COMPOUNDS: readonly CompoundSpec[] = [...DRUGS, ...CHANNEL_DRUGS, ...CONTROLS];

const BY_NAME = new Map(COMPOUNDS.map((compound) => [compound.name, compound]));

export function compoundByName(name: string): CompoundSpec {
  const compound = BY_NAME.get(name);
  if (!compound) throw new Error(`unknown compound "${name}"`);
  return compound;
}

export function moaName(compound: CompoundSpec): string {
  return MOAS[compound.moa].name;
}

/**
 * The `count` highest doses of the ladder topDose / 4^k (ascending), so
 * presets with fewer concentrations keep the informative end of the curve.
 */
export function doseLadder(compound: CompoundSpec, count: number): number[] {
  if (compound.control) return [0];
  const doses: number[] = [];
  for (let k = count - 1; k >= 0; k -= 1) doses.push(roundDose(compound.topDose / 4 ** k));
  return doses;
}

/** EC50 a decade under the top dose: the top dose gives ~97% response at Hill 1.5. */
export function ec50Of(compound: CompoundSpec): number {
  return compound.topDose / 10;
}

function roundDose(dose: number): number {
  return Number(dose.toPrecision(4));
}
