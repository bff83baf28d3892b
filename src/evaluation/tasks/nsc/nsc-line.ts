import { batchOfPlate } from '../../../data/plate-batch';
import { dot, elementwiseMedian, normalized } from '../../../numeric/vector';
import { mean } from '../../../numeric/statistics';
import { measured, ratio, undefinedBecause, type Measured } from '../../undefined-value';
import type { LineData } from '../evaluation-task';
import { NSC_RULES, type NscCellLineResult, type NscNeighbour, type NscRule, type NscScore, type NscTreatment } from './nsc.result';

/** A treatment's profile and what the rules compare: its compound, MoA and batches. */
export interface TreatmentProfile {
  compound: string;
  concentration: number;
  moa: string;
  batches: readonly string[];
  wells: number;
  vector: Float32Array;
}

/**
 * The cell line's treatment profiles: a well profile is the elementwise median of the well's
 * images, a treatment's (compound x concentration) the elementwise median of its well
 * profiles, as the BBBC021 papers aggregate. Controls (flagged, or named as the control) and
 * compounds without a MoA are left out: they are neither queries nor neighbours.
 */
export function treatmentProfiles(line: LineData, control: string): TreatmentProfile[] {
  const controlName = control.toLowerCase();
  const wells = new Map<string, { plate: string; treatment: string; rows: number[] }>();
  const treatments = new Map<string, { compound: string; concentration: number; moa: string }>();
  line.images.forEach((image, i) => {
    const moa = image.moa?.trim();
    if (image.isControl || image.compound.toLowerCase() === controlName || !moa) return;
    const treatment = `${image.compound}\u0000${image.concentration}`;
    treatments.set(treatment, { compound: image.compound, concentration: image.concentration, moa });
    const key = `${image.plate}\u0000${image.well}\u0000${treatment}`;
    const well = wells.get(key) ?? { plate: image.plate, treatment, rows: [] };
    well.rows.push(i);
    wells.set(key, well);
  });
  const { dim, data } = line.vectors;
  const byTreatment = new Map<string, Array<{ plate: string; vector: Float32Array }>>();
  for (const { plate, treatment, rows } of wells.values()) {
    const vector = elementwiseMedian(rows.map((r) => data.subarray(r * dim, (r + 1) * dim)));
    const treatmentWells = byTreatment.get(treatment);
    if (treatmentWells) treatmentWells.push({ plate, vector });
    else byTreatment.set(treatment, [{ plate, vector }]);
  }
  return [...treatments]
    .map(([key, treatment]) => {
      const treatmentWells = byTreatment.get(key)!;
      return {
        ...treatment,
        batches: [...new Set(treatmentWells.map((well) => batchOfPlate(well.plate)))].sort(),
        wells: treatmentWells.length,
        vector: elementwiseMedian(treatmentWells.map((well) => well.vector)),
      };
    })
    .sort((a, b) => (a.compound < b.compound ? -1 : a.compound > b.compound ? 1 : a.concentration - b.concentration));
}

/**
 * Cosine 1-nearest-neighbour MoA prediction for every treatment. NSC: the neighbour is any
 * other compound's treatment. NSCB: besides, it shares no batch with the query (a treatment's
 * batches are those of its wells' plates), so a neighbour found through a shared plate effect
 * does not count. A treatment whose MoA no other compound has is not queried (it could never
 * be right); one with no eligible candidate is skipped and counted. Ties go to the earlier
 * candidate (treatmentProfiles sorts by compound, then concentration); a zero profile has
 * similarity 0 to every other.
 */
export function moaNeighbours(cellLine: string, treatments: readonly TreatmentProfile[]): NscCellLineResult {
  const units = treatments.map((t) => normalized(t.vector));
  const neighbours: NscTreatment[] = treatments.map((query, q) => {
    const otherCompound = (c: number) => treatments[c].compound !== query.compound;
    const queried = treatments.some((t, c) => otherCompound(c) && t.moa === query.moa);
    const nearest = (eligible: (c: number) => boolean): NscNeighbour | null => {
      let best = -1;
      let bestSimilarity = -Infinity;
      treatments.forEach((_, c) => {
        if (!eligible(c)) return;
        const similarity = dot(units[q], units[c]);
        if (similarity > bestSimilarity) {
          best = c;
          bestSimilarity = similarity;
        }
      });
      if (best < 0) return null;
      const { compound, concentration, moa } = treatments[best];
      return { compound, concentration, moa, similarity: bestSimilarity };
    };
    const sharesBatch = (c: number) => treatments[c].batches.some((batch) => query.batches.includes(batch));
    return {
      compound: query.compound,
      concentration: query.concentration,
      moa: query.moa,
      batches: [...query.batches],
      wells: query.wells,
      queried,
      nsc: queried ? nearest(otherCompound) : null,
      nscb: queried ? nearest((c) => otherCompound(c) && !sharesBatch(c)) : null,
    };
  });
  const moas = [...new Set(treatments.map((t) => t.moa))].sort();
  const [nsc, nscb] = NSC_RULES.map((rule) => scoreOf(rule, neighbours, moas, `cell line ${cellLine}`));
  return { cellLine, treatments: treatments.length, unmatched: neighbours.filter((t) => !t.queried).length, nsc, nscb, neighbours };
}

function scoreOf(rule: NscRule, neighbours: readonly NscTreatment[], moas: readonly string[], where: string): NscScore {
  const index = new Map(moas.map((moa, i) => [moa, i]));
  const confusion = moas.map(() => moas.map(() => 0));
  let skipped = 0;
  for (const treatment of neighbours) {
    if (!treatment.queried) continue;
    const neighbour = treatment[rule];
    if (neighbour) confusion[index.get(treatment.moa)!][index.get(neighbour.moa)!] += 1;
    else skipped += 1;
  }
  const why =
    neighbours.length === 0
      ? `${where} has no treatment with a MoA`
      : !neighbours.some((t) => t.queried)
        ? `${where}: no MoA has two compounds`
        : rule === 'nsc'
          ? `${where}: no queried treatment has a candidate of another compound`
          : `${where}: every queried treatment shares a batch with all candidates of other compounds`;
  return scoreFromConfusion(moas, confusion, skipped, why);
}

/** Sums scores (of cell lines) by MoA name: the treatment-level figures over all their treatments. */
export function combineScores(scores: readonly NscScore[], why: string): NscScore {
  const moas = [...new Set(scores.flatMap((score) => score.moas))].sort();
  const index = new Map(moas.map((moa, i) => [moa, i]));
  const confusion = moas.map(() => moas.map(() => 0));
  for (const score of scores) {
    score.confusion.forEach((row, i) => row.forEach((count, j) => (confusion[index.get(score.moas[i])!][index.get(score.moas[j])!] += count)));
  }
  return scoreFromConfusion(moas, confusion, scores.reduce((sum, score) => sum + score.skipped, 0), why);
}

function scoreFromConfusion(moas: readonly string[], confusion: number[][], skipped: number, why: string): NscScore {
  const byMoa = moas.map((moa, i) => {
    const queried = confusion[i].reduce((sum, count) => sum + count, 0);
    const correct = confusion[i][i];
    return { moa, queried, correct, accuracy: ratio(correct, queried, `no queried treatment of ${moa}`) };
  });
  const queried = byMoa.reduce((sum, entry) => sum + entry.queried, 0);
  const correct = byMoa.reduce((sum, entry) => sum + entry.correct, 0);
  const perMoa = byMoa.filter((entry) => entry.accuracy.value !== null).map((entry) => entry.accuracy.value as number);
  const accuracy: Measured = queried > 0 ? measured(correct / queried) : undefinedBecause(why);
  return {
    accuracy,
    perMoaAccuracy: perMoa.length > 0 ? measured(mean(perMoa) as number) : undefinedBecause(why),
    queried,
    correct,
    skipped,
    moas: [...moas],
    confusion,
    byMoa: byMoa.filter((entry) => entry.queried > 0),
  };
}
