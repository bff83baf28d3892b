import type { ScreenCompound } from '../../db/repositories/evaluation.repository';
import { NotFoundError } from '../../errors/app-errors';

/** The screen's compound by id or name (any case); NOT_FOUND naming the request's field otherwise. */
export function findCompound(compounds: readonly ScreenCompound[], idOrName: string, field?: string): ScreenCompound {
  const found = compounds.find((c) => String(c.id) === idOrName || c.name.toLowerCase() === idOrName.toLowerCase());
  if (!found) {
    const error = new NotFoundError('compound in the screen', idOrName);
    if (field) error.extensions.field = field;
    throw error;
  }
  return found;
}
