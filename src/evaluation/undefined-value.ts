/**
 * A metric that may be undefined for the data it was given. Results never carry NaN:
 * NaN does not survive JSON, Postgres numeric columns or GraphQL Float, and it hides
 * *why* a number is missing. Callers get the number or the reason.
 */
export type Measured = { value: number; reason?: undefined } | { value: null; reason: string };

export function measured(value: number): Measured {
  return Number.isFinite(value) ? { value } : { value: null, reason: `not a finite number (${value})` };
}

export function undefinedBecause(reason: string): Measured {
  return { value: null, reason };
}

/** Divides, or explains the zero denominator in the caller's words. */
export function ratio(numerator: number, denominator: number, reasonIfZero: string): Measured {
  return denominator === 0 ? undefinedBecause(reasonIfZero) : measured(numerator / denominator);
}
