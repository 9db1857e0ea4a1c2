/** Workspace roles and their order: owner > admin > editor > viewer. */
export const ROLES = ['viewer', 'editor', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Whether `role` is at least `minimum` (unknown roles count as nothing). */
export function roleAtLeast(role: string | undefined | null, minimum: Role): boolean {
  if (!role || !isRole(role)) return false;
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}
