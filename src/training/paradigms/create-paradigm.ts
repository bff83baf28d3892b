import type { Paradigm } from '../setups';
import { RegularizedParadigm } from './regularized.paradigm';
import { SelfSupervisedParadigm } from './self-supervised.paradigm';
import type { ParadigmOptions, TrainableParadigm } from './trainable-paradigm';
import { UnsupervisedParadigm } from './unsupervised.paradigm';
import { WeaklySupervisedParadigm } from './weakly-supervised.paradigm';

/** Builds a freshly initialised paradigm on the current tfjs backend (see selectBackend). */
export function createParadigm(name: Paradigm, options: ParadigmOptions = {}): TrainableParadigm {
  switch (name) {
    case 'weakly-supervised':
      return new WeaklySupervisedParadigm(options);
    case 'unsupervised':
      return new UnsupervisedParadigm(options);
    case 'regularized':
      return new RegularizedParadigm(options);
    case 'self-supervised':
      return new SelfSupervisedParadigm(options);
  }
}

/** Paradigms whose training needs drug/control labels. */
export function needsLabels(name: Paradigm): boolean {
  return name === 'weakly-supervised' || name === 'regularized';
}
