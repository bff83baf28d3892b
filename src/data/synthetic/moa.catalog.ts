import type { MorphologyEffect } from './morphology.model';

/**
 * Mechanisms of action and their morphological signature as log-fold changes
 * at full response. Compounds sharing a MoA share the signature (with small
 * per-compound variation) so representation learning can find them alike.
 *
 * Guaranteed directions the tests rely on (every cell line is sensitive
 * enough to both, see cell-line.catalog.ts):
 * - antifolate: S-phase arrest; far fewer cells that grow somewhat bigger,
 *   net LESS foreground area than DMSO.
 * - microtubule stabiliser: mitotic arrest; rounder, much bigger, often
 *   multinucleated cells, slightly fewer; net MORE foreground area than DMSO.
 */
export interface MoaSpec {
  name: string;
  description: string;
  effect: MorphologyEffect;
}

export const MOAS = {
  antifolate: {
    name: 'antifolate',
    description: 'DHFR/TS inhibition, S-phase arrest: fewer, larger cells with larger nuclei',
    effect: { cellCount: -1.1, cellRadius: 0.2, irregularity: 0.3, nucleusRatio: 0.15, texture: 0.2, multinucleation: 0.5 },
  },
  microtubuleStabiliser: {
    name: 'microtubule stabiliser',
    description: 'taxane, mitotic arrest: round, enlarged, multinucleated cells',
    effect: { cellCount: -0.3, cellRadius: 0.4, elongation: -1.5, multinucleation: 3, clustering: -0.4, intensity: 0.1 },
  },
  microtubuleDestabiliser: {
    name: 'microtubule destabiliser',
    description: 'tubulin depolymerisation (2-methoxyestradiol): rounder, enlarged, some multinucleation',
    effect: { cellCount: -0.45, cellRadius: 0.25, elongation: -1, multinucleation: 1.8, irregularity: 0.25 },
  },
  topoisomeraseI: {
    name: 'topoisomerase I inhibitor',
    description: 'camptothecins, DNA damage: fewer, flattened cells with large nuclei',
    effect: { cellCount: -0.7, cellRadius: 0.3, nucleusRatio: 0.25, elongation: 0.4, texture: 0.35 },
  },
  mtor: {
    name: 'mTOR inhibitor',
    description: 'rapalogs, reduced growth: smaller, dimmer cells, slower proliferation',
    effect: { cellCount: -0.3, cellRadius: -0.2, intensity: -0.12, texture: -0.25 },
  },
  nucleosideAnalogue: {
    name: 'antimetabolite (nucleoside/base analogue)',
    description: 'DNA synthesis inhibition: fewer cells, enlarged nuclei',
    effect: { cellCount: -0.75, cellRadius: 0.18, nucleusRatio: 0.22, irregularity: 0.15 },
  },
  dnmt: {
    name: 'DNMT inhibitor',
    description: 'hypomethylation (decitabine): mild growth delay, slightly larger cells',
    effect: { cellCount: -0.3, cellRadius: 0.1, texture: 0.1 },
  },
  dnaCrosslinker: {
    name: 'DNA crosslinker',
    description: 'alkylating and platinum agents: fewer, larger, irregular cells',
    effect: { cellCount: -0.55, cellRadius: 0.25, irregularity: 0.3, nucleusRatio: 0.1 },
  },
  asparagineDepletion: {
    name: 'asparagine depletion',
    description: 'asparaginase: weak in adherent solid-tumour lines',
    effect: { cellCount: -0.2, cellRadius: -0.08 },
  },
  proteinSynthesis: {
    name: 'protein synthesis inhibitor',
    description: 'omacetaxine: shrunken, dim, irregular cells',
    effect: { cellCount: -0.5, cellRadius: -0.25, intensity: -0.15, irregularity: 0.25 },
  },
  hsp90: {
    name: 'HSP90 inhibitor',
    description: 'client kinase degradation: fewer, elongated, irregular cells',
    effect: { cellCount: -0.4, elongation: 0.5, irregularity: 0.3 },
  },
  egfr: {
    name: 'EGFR inhibitor',
    description: 'reduced proliferation and compaction into colonies',
    effect: { cellCount: -0.3, elongation: 0.35, clustering: 0.5 },
  },
  mek: {
    name: 'MEK inhibitor',
    description: 'MAPK pathway block: elongated cells growing in colonies',
    effect: { cellCount: -0.4, elongation: 0.7, clustering: 0.6, cellRadius: 0.1 },
  },
  vegfr: {
    name: 'VEGFR multikinase inhibitor',
    description: 'little direct effect on tumour cells in monoculture',
    effect: { cellCount: -0.15, elongation: 0.2 },
  },
  hif: {
    name: 'HIF-1 / sGC modulator',
    description: 'YC-1: barely visible in normoxic culture',
    effect: { cellCount: -0.1, intensity: -0.03 },
  },
  atpSynthase: {
    name: 'ATP synthase inhibitor',
    description: 'oligomycin: energy stress, slightly fewer, dimmer cells',
    effect: { cellCount: -0.2, intensity: -0.1, cellRadius: -0.05 },
  },
  complexI: {
    name: 'complex I inhibitor / AMPK activator',
    description: 'metformin at screening doses: barely acts',
    effect: { cellCount: -0.05, intensity: -0.02 },
  },
  mpc: {
    name: 'mitochondrial pyruvate carrier inhibitor',
    description: 'UK5099: barely acts in glucose-rich medium',
    effect: { cellCount: -0.04, texture: 0.03 },
  },
  cpt1: {
    name: 'fatty-acid oxidation inhibitor (CPT1)',
    description: 'etomoxir, oxfenicine: barely act',
    effect: { cellCount: -0.05, intensity: 0.02 },
  },
  glutaminase: {
    name: 'glutaminase inhibitor',
    description: 'BPTES: weak growth delay',
    effect: { cellCount: -0.1 },
  },
  lipogenesis: {
    name: 'fatty-acid synthesis inhibitor',
    description: 'MEDICA 16 (ACLY): barely acts',
    effect: { cellCount: -0.04, texture: -0.03 },
  },
  actinDisruptor: {
    name: 'actin disruptor',
    description: 'cytochalasins: actin filaments cut and capped, cells retract and turn irregular',
    effect: { cellCount: -0.25, cellRadius: -0.1, irregularity: 0.45, elongation: -0.3 },
  },
  control: {
    name: 'control',
    description: 'vehicle or buffer: no effect',
    effect: {},
  },
} as const satisfies Record<string, MoaSpec>;

export type MoaKey = keyof typeof MOAS;
