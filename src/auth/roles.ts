import { ROLES, type Role } from '../db/entities/api-key.entity';

export { ROLES, type Role };

/** reader < writer < admin */
export function roleAtLeast(role: Role | undefined, required: Role): boolean {
  return role !== undefined && ROLES.indexOf(role) >= ROLES.indexOf(required);
}

export function parseRole(text: string): Role {
  if (!(ROLES as readonly string[]).includes(text)) throw new Error(`role must be one of ${ROLES.join(', ')}, got "${text}"`);
  return text as Role;
}
