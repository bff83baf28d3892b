import { BadUserInputError } from '../../errors/app-errors';

/** A request number that must be finite and pass `ok`; BAD_USER_INPUT naming the field and the range otherwise. */
export function checkNumber(field: string, value: number, ok: boolean, range: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok) throw new BadUserInputError(`${field} must be ${range}, got ${String(value)}`, field);
}

/** A compound name, trimmed; BAD_USER_INPUT for an empty one. */
export function checkCompoundName(field: string, value: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new BadUserInputError(`${field} must be a compound name`, field);
  return value.trim();
}
