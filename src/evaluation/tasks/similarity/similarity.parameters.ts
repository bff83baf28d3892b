import type { ScreenCompound } from '../../../db/repositories/evaluation.repository';
import { BadUserInputError, NotFoundError } from '../../../errors/app-errors';
import type { ProfileNormalization } from '../../../db/entities/profile.entity';
import type { SharedParameters } from '../evaluation-task';
import { DEFAULT_NORMALIZATION, lineNormalization } from '../line-normalization';
import { checkCompoundName } from '../parameter-checks';
import { DEFAULT_SAMPLING, samplingPolicy, similaritySampling, type SamplingPolicy } from '../sampling.parameters';
import { findCompound } from '../screen-compounds';
import type { SimilarityInput, SimilarityParameters } from './similarity.result';

export const SIMILARITY_DEFAULTS: SimilarityInput = { drugA: 'Methotrexate', drugB: 'Pemetrexed', moaGroups: true };

/** The pair's names are checked against each other and the control before the screen is read. */
export function validateSimilarity(input: SimilarityInput & { control: string }): SimilarityInput {
  const drugA = checkCompoundName('drugA', input.drugA);
  const drugB = checkCompoundName('drugB', input.drugB);
  checkPair(drugA, drugB, input.control, (x, y) => x.toLowerCase() === y.toLowerCase());
  if (typeof input.moaGroups !== 'boolean') throw new BadUserInputError('moaGroups must be true or false', 'moaGroups');
  return { drugA, drugB, moaGroups: input.moaGroups };
}

export function pairParameters(a: string, b: string, control: string, policy: SamplingPolicy = DEFAULT_SAMPLING, normalization: ProfileNormalization = DEFAULT_NORMALIZATION): SimilarityParameters {
  return { compounds: [a, b].sort(), control, moa: null, sampling: similaritySampling(policy), normalization: lineNormalization({ normalization, control }) };
}

/** The pair, then (with moaGroups) one group per MoA that two or more of the screen's drugs share. */
export function similarityGroups(p: SimilarityInput & SharedParameters, compounds: readonly ScreenCompound[]): SimilarityParameters[] {
  const control = findCompound(compounds, p.control, 'control').name;
  const policy = samplingPolicy(p);
  const groups = [pairParameters(findCompound(compounds, p.drugA, 'drugA').name, findCompound(compounds, p.drugB, 'drugB').name, control, policy, p.normalization)];
  if (!p.moaGroups) return groups;
  const byMoa = new Map<string, string[]>();
  for (const c of compounds) if (!c.isControl && c.moa) byMoa.set(c.moa, [...(byMoa.get(c.moa) ?? []), c.name]);
  for (const [moa, names] of [...byMoa].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) if (names.length >= 2) groups.push({ compounds: names.sort(), control, moa, sampling: similaritySampling(policy), normalization: lineNormalization({ normalization: p.normalization, control }) });
  return groups;
}

/** What the similarity query asks for: a pair of the screen's drugs, or (with `moa`) every drug of that MoA. */
export interface SimilarityRequest {
  drugA?: string;
  drugB?: string;
  control?: string;
  moa?: string;
}

/** The result set a similarity query reads: checked against the screen's compounds (NOT_FOUND, BAD_USER_INPUT). */
export function requestedSimilarity(request: SimilarityRequest, compounds: readonly ScreenCompound[], control: string): SimilarityParameters {
  const controlCompound = findCompound(compounds, request.control ?? control);
  if (request.moa !== undefined) {
    const wanted = request.moa.toLowerCase();
    const members = compounds.filter((c) => !c.isControl && c.moa !== null && c.moa.toLowerCase() === wanted);
    if (members.length === 0) throw new NotFoundError('mechanism of action in the screen', request.moa);
    if (members.length < 2) throw new BadUserInputError(`only ${members[0].name} has MoA ${request.moa} in this screen: a group needs two compounds`, 'moa');
    return {
      compounds: members.map((c) => c.name).sort(),
      control: controlCompound.name,
      moa: members[0].moa,
      sampling: similaritySampling(DEFAULT_SAMPLING),
      normalization: lineNormalization({ normalization: DEFAULT_NORMALIZATION, control: controlCompound.name }),
    };
  }
  const a = findCompound(compounds, request.drugA ?? SIMILARITY_DEFAULTS.drugA);
  const b = findCompound(compounds, request.drugB ?? SIMILARITY_DEFAULTS.drugB);
  checkPair(a.name, b.name, controlCompound.name, (x, y) => x === y);
  return pairParameters(a.name, b.name, controlCompound.name);
}

function checkPair(a: string, b: string, control: string, same: (x: string, y: string) => boolean): void {
  if (same(a, b)) throw new BadUserInputError(`drugA and drugB must differ, both are ${a}`, 'drugB');
  for (const [field, drug] of [['drugA', a], ['drugB', b]] as const) if (same(drug, control)) throw new BadUserInputError(`${field} cannot be the control ${control}`, field);
}
