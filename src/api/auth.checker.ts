import type { AuthChecker } from 'type-graphql';
import { roleAtLeast, type Role } from '../auth/roles';
import { ForbiddenError, UnauthenticatedError } from '../errors/app-errors';
import type { RequestContext } from './context';

/** @Authorized('writer') and friends: no key is UNAUTHENTICATED, too small a role is FORBIDDEN. */
export const authChecker: AuthChecker<RequestContext, Role> = ({ context }, roles) => {
  const required = roles[0] ?? 'reader';
  if (context.principal === undefined) throw new UnauthenticatedError();
  if (!roleAtLeast(context.principal.role, required)) {
    throw new ForbiddenError(`this needs the ${required} role; the key has ${context.principal.role}`);
  }
  return true;
};
