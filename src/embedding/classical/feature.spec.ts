/** The measurement families, named as CellProfiler's modules name their outputs. */
export type ClassicalFeatureGroup = 'Intensity' | 'Texture' | 'Granularity' | 'AreaShape' | 'Count' | 'Neighbors';

/** One column of the classical baseline: a CellProfiler-style name and what it measures. */
export interface ClassicalFeatureSpec {
  name: string;
  group: ClassicalFeatureGroup;
  description: string;
}

/** A measurement module's values, keyed by its specs' names. */
export type FeatureValues<Specs extends ReadonlyArray<ClassicalFeatureSpec>> = Record<Specs[number]['name'], number>;
